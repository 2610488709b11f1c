"""How the searched pages are split into parts, each indexed by its own Pagefind run, so that
Pagefind's memory grows with the largest part, not with the blog.

Pages are taken in the order of their paths, and each path has a level drawn from a hash of
the path alone: half the paths have level 0, a quarter level 1, an eighth level 2, and so on.
A run of more than `most` pages is cut before each page of at least the level that makes
runs of about `most` / 2 pages; a run still longer than `most` is cut again, one level lower,
until no part has more than `most` pages. Whether a cut goes before a page thus depends on
that page and the run around it, never on how many pages come before: a new, removed or
edited post changes the part it falls in, and rarely more: two when a cut goes before its own
path; when its part grows past `most`, the few parts that part is cut into. Cutting every
`most` pages instead would move every later cut after a new post, and index every later
part again.
"""

import hashlib
from collections.abc import Sequence

from .pages import Page


def level(path: str) -> int:
    """How many cuts a page at `path` starts: the trailing zero bits of a hash of the path."""
    number = int.from_bytes(hashlib.sha256(path.encode()).digest()[:8], "big")
    return 64 if number == 0 else (number & -number).bit_length() - 1


def split(pages: Sequence[Page], most: int, cut_level: int | None = None) -> list[list[Page]]:
    """`pages` (sorted by path) in parts of at most `most` pages, in order."""
    if len(pages) <= most:
        return [list(pages)]
    if cut_level is None:
        # Pages of this level or higher come once in about `most` / 2.
        cut_level = (most // 2).bit_length()
    runs: list[list[Page]] = [[]]
    for page in pages:
        # At level 0 or lower, every page starts a part of its own.
        if runs[-1] and level(page.path) >= cut_level:
            runs.append([])
        runs[-1].append(page)
    return [part for run in runs for part in split(run, most, cut_level - 1)]
