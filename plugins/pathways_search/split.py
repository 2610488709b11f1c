"""How the searched pages are split into parts, each indexed by its own Pagefind run, so that
Pagefind's memory grows with the largest part, not with the blog.

Pagefind ranks a page by how rare the words searched are among the pages of its own index,
so for the parts' results to rank together as one index's would, each part should be like
the blog as a whole: parts all of the same size (give or take a page; a word found in every
page would weigh far more in a small part than in a large one), each a sample of the whole
blog, not a stretch of it (pages in the order of a hash of their path, not of the path
itself, so that no part holds all of one series or one year). There are as few parts of at
most `most` pages as will hold the pages. The cost is in the build: a new or removed post
moves the cuts after it, so the parts from its own on are indexed again (an edit to a post
indexes only its part).
"""

import hashlib
from collections.abc import Sequence

from .pages import Page


def order(page: Page) -> bytes:
    return hashlib.sha256(page.path.encode()).digest()


def split(pages: Sequence[Page], most: int) -> list[list[Page]]:
    """`pages` in parts of at most `most` pages and the same size, in an order that mixes them."""
    mixed = sorted(pages, key=order)
    count = max(1, -(-len(mixed) // most))
    return [
        mixed[len(mixed) * number // count : len(mixed) * (number + 1) // count]
        for number in range(count)
    ]
