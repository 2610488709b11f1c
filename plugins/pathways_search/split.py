"""How the searched pages are split into parts, each indexed by its own Pagefind run, so that
Pagefind's memory grows with the largest part, not with the blog.

Pages are taken in the order of their paths. A page starts a new part when the part is full
(`most` pages) or when its path says so: one path in `most // 2`, picked by a hash of the path
alone. The cuts thus sit at the same pages from build to build: a new, removed or edited post
changes only the part it falls in (two, when its own path starts a part; a few more, rarely,
inside a run of more than `most` pages without a cut). Cutting every `most` pages instead
would move every cut after a new post, and index every later part again. A blog of at most
`most` pages has one part.
"""

import hashlib
from collections.abc import Sequence

from .pages import Page


def starts_part(path: str, most: int) -> bool:
    """Whether the page at `path` starts a part of pages split `most` at most to a part."""
    every = max(2, most // 2)
    hashed = hashlib.sha256(path.encode()).digest()
    return int.from_bytes(hashed[:8], "big") % every == 0


def split(pages: Sequence[Page], most: int) -> list[list[Page]]:
    """`pages` (sorted by path) in parts of at most `most` pages, in order."""
    if len(pages) <= most:
        return [list(pages)]
    parts: list[list[Page]] = [[]]
    for page in pages:
        if parts[-1] and (len(parts[-1]) >= most or starts_part(page.path, most)):
            parts.append([])
        parts[-1].append(page)
    return parts
