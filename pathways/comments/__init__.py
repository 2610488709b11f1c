"""Comments: the comment model (parse, validate, render), the SQLite store, the comment
service readers post to, and the `pathways comments` moderation commands."""
