"""Turn a flat list of comments into reply trees, flattening beyond a maximum depth."""

from pathways.comments.model import Comment


def ancestry(comment: Comment, by_id: dict[str, Comment]) -> list[Comment] | None:
    """The comment's ancestors, top-level first; None if a parent is missing or the chain loops."""
    chain: list[Comment] = []
    seen = {comment.id}
    parent_id = comment.parent
    while parent_id is not None:
        parent = by_id.get(parent_id)
        if parent is None or parent.id in seen:
            return None
        seen.add(parent.id)
        chain.append(parent)
        parent_id = parent.parent
    return chain[::-1]


def build_threads(comments: list[Comment], max_depth: int) -> list[Comment]:
    """Top-level comments, oldest first, each with `replies` (also oldest first).

    A reply more than `max_depth` levels deep joins the replies of its ancestor at the
    deepest allowed level, so narrow screens never get a staircase; `reply_to` keeps whom it
    answered. Every comment's ancestry must be complete (see `ancestry`).
    """
    by_id = {comment.id: comment for comment in comments}
    roots: list[Comment] = []
    for comment in sorted(comments, key=lambda c: (c.date, c.id)):
        comment.replies = []
        chain = ancestry(comment, by_id) or []
        comment.reply_to = chain[-1] if chain else None
        comment.depth = min(len(chain), max(max_depth, 1))
        if not chain:
            roots.append(comment)
        else:
            chain[comment.depth - 1].replies.append(comment)
    return roots


def count(threads: list[Comment]) -> int:
    return sum(1 + count(comment.replies) for comment in threads)
