"""Full-text search with Pagefind, indexed at the end of a build when the searched text changed.

Pagefind (its binary comes in the `pagefind[bin]` wheel) reads the built pages' elements
marked `data-pagefind-body` and writes a static index to `pagefind/` in the output; the
search page queries it in the reader's browser, with no request to anyone else.

Pagefind is given only what it indexes: the searched parts of posts and pages (see `pages`).
With the build cache on, those parts and the index are kept there, with a digest of what the
index was made from (the parts, Pagefind's options and its version); a build with the same
digest copies the kept index instead of running Pagefind (see `kept`).
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

from pathways.plugin_support import build_cache, build_workers, files_added, parallel_map

from . import kept
from .pages import Page, PageReader, remove_others

logger = logging.getLogger(__name__)

# Not the writing itself: heading links ("#"), code samples (raw Markdown in the writing
# guide) and glossary definitions. Left out, excerpts show the passage a reader looks for.
NOT_INDEXED = (".headerlink", "pre", "code", ".glossary-popover")
# Pagefind's allocator (jemalloc) gives freed memory back at once instead of after ten
# seconds: about a quarter less peak memory on a site of thousands of posts.
PAGEFIND_ENV = {"_RJEM_MALLOC_CONF": "dirty_decay_ms:0,muzzy_decay_ms:0"}
OUTPUT = "pagefind"
# Changed when the rules of what a searched part keeps change, so parts and indexes kept
# by older rules are not used.
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


def read_pages(site: Path, parts: Path, known: dict[str, list], workers: int) -> list[Page]:
    """Every HTML page of `site`, with the searched parts written to `parts`."""
    parts.mkdir(parents=True, exist_ok=True)
    paths = sorted(path.relative_to(site).as_posix() for path in site.rglob("*.html"))
    pages = parallel_map(PageReader(site, parts, known), paths, workers)
    remove_others(parts, pages)
    return pages


def run_pagefind(binary: str, source: Path, options: list[str], target: Path) -> str | None:
    """Index the pages in `source` into `target`; returns what went wrong, or None."""
    command = [binary, "--site", str(source), "--output-path", str(target), *options]
    env = {**os.environ, **PAGEFIND_ENV}
    result = subprocess.run(command, capture_output=True, text=True, check=False, env=env)
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
    cache = build_cache(settings)
    if cache is None:
        site = Path(pelican.output_path)
        parts = Path(tempfile.mkdtemp(prefix=".search-pages-", dir=site.parent))
        try:
            index_or_carry(pelican, binary, None, parts)
        finally:
            shutil.rmtree(parts, ignore_errors=True)
    else:
        index_or_carry(pelican, binary, cache / "search", cache / "search" / "pages")


def index_or_carry(pelican: Any, binary: str, folder: Path | None, parts: Path) -> None:
    """Index the site from the searched parts in `parts`, or copy the index kept in `folder`
    (None: nothing is kept) when it was made from the same."""
    started = time.monotonic()
    site = Path(pelican.output_path)
    state = kept.read_state(folder) if folder is not None else {}
    # Searched parts cut by other rules are cut again.
    known = state.get("pages", {}) if state.get("format") == DIGEST_FORMAT else {}
    pages = read_pages(site, parts, known, build_workers(pelican.settings))
    searched = [page for page in pages if page.searched]
    # Once a page marks what is searched, Pagefind leaves out pages that mark nothing; when
    # none does, it indexes every page whole.
    source = parts if searched else site
    version = subprocess.run(
        [binary, "--version"], capture_output=True, text=True, check=False
    ).stdout.strip()
    options = pagefind_options(pelican.settings)
    digest = index_digest(searched or pages, options, version)
    target = site / OUTPUT
    if folder is not None and kept.carry(folder, state, digest, target):
        logger.info(
            "Search index carried over in %.2f s: no searched text changed",
            time.monotonic() - started,
        )
    else:
        problem = run_pagefind(binary, source, options, target)
        if problem is not None:
            logger.error("Search index failed (pagefind): %s", problem)
            return
        if folder is not None:
            kept.keep(folder, state, digest, target)
        logger.info(
            "Search index built in %.2f s (%d pages)",
            time.monotonic() - started,
            len(searched or pages),
        )
    if folder is not None:
        state["format"] = DIGEST_FORMAT
        state["pages"] = {page.path: [page.file_hash, page.searched] for page in pages}
        kept.write_state(folder, state)
    files_added.send(pelican, paths=sorted(path for path in target.rglob("*") if path.is_file()))


def register() -> None:
    signals.finalized.connect(index_site)
