"""The site's Markdown reader.

- Front-matter errors name the file, the field and the value, and fail the build.
- One Markdown instance per reader, reset between files, instead of one per file; its
  inline step leaves out the patterns whose characters are in no text of the document.
- Typography (typogrify, when `TYPOGRIFY = True`) is applied while reading, so it runs in
  parallel and is kept in Pelican's content cache with the rest of what was read.
- Posts and pages are converted by `BUILD_WORKERS` processes at once.
- Pelican's content cache (`CACHE_CONTENT`) is kept apart per set of settings, and let go
  of once saved.

The output is the same as Pelican's own reader and typogrify step; `FAST_BUILD = False` keeps
only the error messages (and turns the content cache off).
"""

from pelican import signals

from .prefetch import finish_prefetch, prefetch_sources
from .reader import use_site_reader
from .saved_cache import forget_saved_cache
from .settings import prepare_settings
from .typography import hide_typography_from_pelican


def register() -> None:
    signals.initialized.connect(prepare_settings)
    signals.readers_init.connect(use_site_reader)
    signals.generator_init.connect(hide_typography_from_pelican)
    signals.article_generator_preread.connect(prefetch_sources)
    signals.page_generator_preread.connect(prefetch_sources)
    signals.article_generator_finalized.connect(finish_prefetch)
    signals.page_generator_finalized.connect(finish_prefetch)
    signals.article_generator_finalized.connect(forget_saved_cache)
    signals.page_generator_finalized.connect(forget_saved_cache)
