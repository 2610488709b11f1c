"""pathways: the tools around a Pelican blog: building, previewing and writing posts."""
