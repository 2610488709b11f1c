"""Moving from Blogger: reading an export file, turning its HTML into Markdown, writing posts,
pages, comments and images, and the `pathways import blogger` command."""
