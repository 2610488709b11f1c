"""Views for Popular Posts: reading access logs and CSV exports, the beacon's store, ranking
posts per window, and the `pathways views` commands."""
