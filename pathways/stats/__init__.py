"""The writer's private stats page: views per day, week and month, each post's views, referring
sites, comments and the counting's accounting, as one HTML page that is never published."""
