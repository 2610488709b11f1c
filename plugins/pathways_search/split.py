"""How the searched pages are split into parts, each indexed by its own Pagefind run, so that
Pagefind's memory grows with the largest part, not with the blog.

Pages are taken in the order of their paths and cut into as few parts of at most `most`
pages as will hold them, all of the same size (give or take a page). The same size matters
to the reader: Pagefind ranks a page by how rare the words searched are among the pages of
its own index, so a word found in every page would weigh far more in a small part than in a
large one, and the small part's pages would come first whatever their text. The cost is in
the build: a new or removed post moves the cuts after it, so the parts from its own on are
indexed again (an edit to a post indexes only its part).
"""

from collections.abc import Sequence

from .pages import Page


def split(pages: Sequence[Page], most: int) -> list[list[Page]]:
    """`pages` (sorted by path) in parts of at most `most` pages and the same size, in order."""
    count = max(1, -(-len(pages) // most))
    return [
        list(pages[len(pages) * number // count : len(pages) * (number + 1) // count])
        for number in range(count)
    ]
