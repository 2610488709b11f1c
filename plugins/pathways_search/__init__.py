"""Full-text search with Pagefind, indexed at the end of a build when the searched text changed.

Pagefind (its binary comes in the `pagefind[bin]` wheel) reads the built pages' elements
marked `data-pagefind-body` and writes a static index to `pagefind/` in the output; the
search page queries it in the reader's browser, with no request to anyone else.

Pagefind is given only the pages it indexes (posts and pages, see `pages`), which keeps its
memory to what the index needs. With the build cache on, the index is kept there with a
digest of what it was made from (what Pagefind takes from each page, its options and its
version); a build with the same digest copies the kept index instead of running Pagefind
(see `kept`).
"""

import hashlib
import json
import logging
import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

from pelican import signals

from pathways.plugin_support import build_cache, build_workers, parallel_map

from . import kept
from .pages import Page, PageReader

logger = logging.getLogger(__name__)

# Not the writing itself: heading links ("#"), code samples (raw Markdown in the writing
# guide) and glossary definitions. Left out, excerpts show the passage a reader looks for.
NOT_INDEXED = (".headerlink", "pre", "code", ".glossary-popover")
# Pagefind's allocator (jemalloc) gives freed memory back at once instead of after ten
# seconds: about a quarter less peak memory on a site of thousands of posts.
PAGEFIND_ENV = {"_RJEM_MALLOC_CONF": "dirty_decay_ms:0,muzzy_decay_ms:0"}
OUTPUT = "pagefind"
# Changed when what a digest covers changes, so older kept indexes are not used.
DIGEST_FORMAT = 1


def pagefind_binary() -> str | None:
    """The Pagefind program the `pagefind` package would run, or None when there is none."""
    from pagefind.service import get_executable

    binary = get_executable()
    return None if binary is None else str(binary)


def pagefind_options(settings: dict[str, Any]) -> list[str]:
    options = ["--force-language", settings.get("DEFAULT_LANG", "en")]
    for selector in NOT_INDEXED:
        options += ["--exclude-selectors", selector]
    return options


def index_digest(pages: list[Page], options: list[str], version: str) -> str:
    """What an index is made from: each page's searched part, Pagefind's options and version."""
    made_from = {
        "format": DIGEST_FORMAT,
        "pagefind": version,
        "options": options,
        "pages": [[page.path, page.searched or page.file_hash] for page in pages],
    }
    return hashlib.sha256(json.dumps(made_from).encode()).hexdigest()


def read_pages(site: Path, known: dict[str, list], workers: int) -> list[Page]:
    paths = sorted(path.relative_to(site).as_posix() for path in site.rglob("*.html"))
    return parallel_map(PageReader(site, known), paths, workers)


def run_pagefind(
    binary: str, site: Path, pages: list[Page], options: list[str], target: Path
) -> str | None:
    """Index `pages` of `site` into `target`; returns what went wrong, or None.

    Pagefind reads a folder of its own with (hard links to) only these pages.
    """
    chosen = Path(tempfile.mkdtemp(prefix=".search-pages-", dir=site.parent))
    try:
        for page in pages:
            (chosen / page.path).parent.mkdir(parents=True, exist_ok=True)
            try:
                os.link(site / page.path, chosen / page.path)
            except OSError:
                shutil.copyfile(site / page.path, chosen / page.path)
        command = [binary, "--site", str(chosen), "--output-path", str(target), *options]
        result = subprocess.run(
            command,
            capture_output=True,
            text=True,
            check=False,
            env={**os.environ, **PAGEFIND_ENV},
        )
    finally:
        shutil.rmtree(chosen, ignore_errors=True)
    if result.returncode != 0:
        return (result.stderr or result.stdout).strip()
    return None


def index_site(pelican: Any) -> None:
    """Index the built site into `pagefind/`, or copy the kept index when it was made from the
    same searched text."""
    settings = pelican.settings
    if not settings["SEARCH_INDEX"]:
        return
    binary = pagefind_binary()
    if binary is None:
        logger.error("Search index failed: Pagefind is not installed (pip install 'pagefind[bin]')")
        return
    started = time.monotonic()
    site = Path(pelican.output_path)
    cache = build_cache(settings)
    folder = cache / "search" if cache is not None else None
    state = kept.read_state(folder) if folder is not None else {}
    pages = read_pages(site, state.get("pages", {}), build_workers(settings))
    # Once a page marks what is searched, Pagefind leaves out pages that mark nothing.
    searched = [page for page in pages if page.searched] or pages
    version = subprocess.run(
        [binary, "--version"], capture_output=True, text=True, check=False
    ).stdout.strip()
    options = pagefind_options(settings)
    digest = index_digest(searched, options, version)
    target = site / OUTPUT
    if folder is not None and kept.carry(folder, state, digest, target):
        logger.info(
            "Search index carried over in %.2f s: no searched text changed",
            time.monotonic() - started,
        )
    else:
        problem = run_pagefind(binary, site, searched, options, target)
        if problem is not None:
            logger.error("Search index failed (pagefind): %s", problem)
            return
        if folder is not None:
            kept.keep(folder, state, digest, target)
        logger.info(
            "Search index built in %.2f s (%d pages)", time.monotonic() - started, len(searched)
        )
    if folder is not None:
        state["pages"] = {page.path: [page.file_hash, page.searched] for page in pages}
        kept.write_state(folder, state)


def register() -> None:
    signals.finalized.connect(index_site)
