"""Pelican's content cache let go of once it is saved.

Pelican saves the cache of what it read (each source's text and metadata) when a generator
has read everything, and keeps it in memory to the end of the build. Nothing reads it again
in that build; let go of, it is memory the page workers do not inherit. (A later read, as by
the preview, finds it empty and reads the file.)
"""

from typing import Any

from pathways.pelican_internals.generators import forget_cache


def forget_saved_cache(generator: Any) -> None:
    for cacher in (generator, getattr(generator, "readers", None)):
        forget_cache(cacher)
