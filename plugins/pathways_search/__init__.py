"""Full-text search with Pagefind, indexed at the end of a build when the searched text changed.

Pagefind (its binary comes in the `pagefind[bin]` wheel) reads the built pages' elements
marked `data-pagefind-body` and writes a static index to `pagefind/` in the output; the
search page queries it in the reader's browser, with no request to anyone else.

Pagefind is given only what it indexes: the searched parts of posts and pages (see `pages`).
Its memory grows with the pages it indexes at once, so a larger blog is indexed in parts of
at most `SEARCH_PART_PAGES` pages (see `split`), a Pagefind run each, as many at once as the
build has workers (`BUILD_WORKERS`): the first part's index goes to `pagefind/`, the
others' to `pagefind/part-2/` and on, listed in `pagefind/parts.json`; the search page
merges them into the first (Pagefind's `mergeIndex`), so results from every part come back
ranked together. With the build cache on, the searched parts and each part's index are kept
there, by a digest of what the index was made from (its pages' searched parts, Pagefind's
options and its version); a part with a kept digest is copied instead of indexed (see
`kept`). If Pagefind fails on a part, the build says why and the site has no index at all.
"""

import hashlib
import json
import logging
import os
import re
import shutil
import subprocess
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor, as_completed
from pathlib import Path
from typing import Any

from pelican import signals

from pathways.files import link_or_copy
from pathways.plugin_support import build_cache, build_workers, files_added, parallel_map

from . import kept
from .pages import Page, PageReader, has_text, remove_others
from .split import split

logger = logging.getLogger(__name__)

# Not the writing itself: heading links ("#"), code samples (raw Markdown in the writing
# guide) and glossary definitions. Left out, excerpts show the passage a reader looks for.
NOT_INDEXED = (".headerlink", "pre", "code", ".glossary-popover")
# Pagefind's allocator (jemalloc) gives freed memory back at once instead of after ten
# seconds: about a quarter less peak memory on a site of thousands of posts.
PAGEFIND_ENV = {"_RJEM_MALLOC_CONF": "dirty_decay_ms:0,muzzy_decay_ms:0"}
OUTPUT = "pagefind"
# In `pagefind/`: the folders of the parts' indexes after the first, for the search page to
# merge into the first.
MANIFEST = "parts.json"
# Paths given to Pagefind in a glob as they are, and the longest such glob (an argument of a
# command may not exceed 128 KiB).
PLAIN_PATH = re.compile(r"[A-Za-z0-9._/-]+")
LONGEST_GLOB = 100_000
# What Pagefind says when none of the pages it was given had anything to index.
NOTHING_INDEXED = "not able to build an index"
# The file every index Pagefind writes has.
ENTRY = "pagefind-entry.json"
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


def read_pages(site: Path, searched: Path, known: dict[str, list], workers: int) -> list[Page]:
    """Every HTML page of `site`, with the searched parts written to `searched`."""
    searched.mkdir(parents=True, exist_ok=True)
    paths = sorted(path.relative_to(site).as_posix() for path in site.rglob("*.html"))
    reader = PageReader(site, searched, known)
    found = {path: reader.unchanged(path) for path in paths}
    changed = [path for path, page in found.items() if page is None]
    found.update(zip(changed, parallel_map(reader, changed, workers), strict=True))
    pages = list(found.values())
    remove_others(searched, pages, known)
    return pages


def part_folder(number: int) -> str:
    """Where in `pagefind/` the index of the `number`th part (from 1) goes."""
    return "" if number == 1 else f"part-{number}/"


def run_pagefind(binary: str, source: Path, options: list[str], target: Path) -> str | None:
    """Index the pages in `source` into `target`; returns what went wrong, or None."""
    command = [binary, "--site", str(source), "--output-path", str(target), *options]
    env = {**os.environ, **PAGEFIND_ENV}
    result = subprocess.run(command, capture_output=True, text=True, check=False, env=env)
    if result.returncode != 0:
        return (result.stderr or result.stdout).strip()
    return None


def index_part(
    binary: str, source: Path, part: list[Page], options: list[str], target: Path
) -> str | None:
    """Index the pages of `part` (files in `source`) into `target`; returns what went wrong,
    or None.

    Pagefind is given the part's pages as a glob of their paths, unless a path has a
    character a glob would read otherwise or the glob would be too long for a command line;
    the pages are then linked into a folder of their own for it. A part none of whose
    pages has text (photos only) gets no index, and that is no failure."""
    paths = [page.path for page in part]
    glob = "{" + ",".join(paths) + "}"
    if paths and len(glob) <= LONGEST_GLOB and all(map(PLAIN_PATH.fullmatch, paths)):
        problem = run_pagefind(binary, source, [*options, "--glob", glob], target)
    else:
        work = Path(tempfile.mkdtemp(prefix=".search-part-", dir=source.parent))
        try:
            for page in part:
                linked = work / page.path
                linked.parent.mkdir(parents=True, exist_ok=True)
                link_or_copy(source / page.path, linked)
            problem = run_pagefind(binary, work, options, target)
        finally:
            shutil.rmtree(work, ignore_errors=True)
    if problem is None or NOTHING_INDEXED not in problem:
        return problem
    return problem if any(has_text((source / page.path).read_bytes()) for page in part) else None


def index_parts(
    binary: str,
    source: Path,
    parts: dict[int, tuple[list[Page], Path]],
    options: list[str],
    workers: int,
) -> str | None:
    """Index each part (by number: its pages, files in `source`, and the folder its index
    goes to), `workers` Pagefind runs at a time; returns what went wrong in the first part
    that failed (no part is started after a failure), or None."""
    with ThreadPoolExecutor(max(1, min(workers, len(parts)))) as pool:
        running = {
            pool.submit(index_part, binary, source, part, options, into): number
            for number, (part, into) in parts.items()
        }
        for done in as_completed(running):
            if done.result() is not None:
                pool.shutdown(cancel_futures=True)
                break
    # Runs under way when one failed are waited for; one of them may have failed too.
    failed = sorted(
        (number, run.result())
        for run, number in running.items()
        if not run.cancelled() and run.result() is not None
    )
    return failed[0][1] if failed else None


def index_site(pelican: Any) -> None:
    """Index the built site into `pagefind/`, part by part, copying each part's kept index
    when it was made from the same searched text."""
    settings = pelican.settings
    if not settings["SEARCH_INDEX"]:
        return
    binary = pagefind_binary()
    if binary is None:
        logger.error("Search index failed: Pagefind is not installed (pip install 'pagefind[bin]')")
        return
    cache = build_cache(settings)
    site = Path(pelican.output_path)
    work = Path(tempfile.mkdtemp(prefix=".search-", dir=site.parent))
    try:
        if cache is None:
            index_or_carry(pelican, binary, None, work / "pages", work)
        else:
            index_or_carry(pelican, binary, cache / "search", cache / "search" / "pages", work)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def index_or_carry(
    pelican: Any, binary: str, folder: Path | None, searched_folder: Path, work: Path
) -> None:
    """Index the site part by part from the searched parts in `searched_folder`, or copy the
    parts kept in `folder` (None: nothing is kept) that were made from the same; `work` is an
    empty folder for Pagefind's output."""
    started = time.monotonic()
    settings = pelican.settings
    site = Path(pelican.output_path)
    state = kept.read_state(folder) if folder is not None else {}
    # Searched parts cut, and indexes made, by other rules are made again.
    last = state if state.get("format") == DIGEST_FORMAT else {}
    known = last.get("pages", {})
    pages = read_pages(site, searched_folder, known, build_workers(settings))
    searched = [page for page in pages if page.searched]
    # Once a page marks what is searched, Pagefind leaves out pages that mark nothing; when
    # none does, it indexes every page whole.
    source = searched_folder if searched else site
    version = subprocess.run(
        [binary, "--version"], capture_output=True, text=True, check=False
    ).stdout.strip()
    options = pagefind_options(settings)
    parts = split(searched or pages, settings["SEARCH_PART_PAGES"])
    target = site / OUTPUT
    shutil.rmtree(target, ignore_errors=True)
    was_kept = last.get("parts", {})
    now_kept = {}
    to_index = {}
    # Each part's index is made (or carried) in `work`, then moved into the site.
    made = {number: work / f"index-{number}" for number in range(1, len(parts) + 1)}
    for number, part in enumerate(parts, 1):
        digest = index_digest(part, options, version)
        files = was_kept.get(digest)
        # A part without text (`{}`, as last time) has no index to carry.
        if folder is not None and (files == {} or kept.carry(folder, files, digest, made[number])):
            now_kept[digest] = files
        else:
            to_index[number] = (part, digest)
    problem = index_parts(
        binary,
        source,
        {number: (part, made[number]) for number, (part, _) in to_index.items()},
        options,
        build_workers(settings),
    )
    if problem is not None:
        logger.error("Search index failed (pagefind): %s", problem)
        return
    # Parts of pages without text have no index; the others are numbered without them.
    made = {number: index for number, index in made.items() if (index / ENTRY).is_file()}
    if not made:
        logger.warning(
            "Search: no post or page has any text to search yet, so the site has no "
            "search index (its search page suggests the archive instead)"
        )
        return
    if folder is not None:
        for number, (_, digest) in to_index.items():
            now_kept[digest] = kept.keep(folder, digest, made[number]) if number in made else {}
    for position, index in enumerate(made.values(), 1):
        index.rename(target / part_folder(position))
    indexed = len(to_index)
    others = [part_folder(position) for position in range(2, len(made) + 1)]
    (target / MANIFEST).write_text(json.dumps(others), encoding="utf-8")
    took = time.monotonic() - started
    if indexed:
        logger.info(
            "Search index built in %.2f s (%d pages, %d of %d part%s indexed)",
            took,
            len(searched or pages),
            indexed,
            len(parts),
            "" if len(parts) == 1 else "s",
        )
    else:
        logger.info("Search index carried over in %.2f s: no searched text changed", took)
    if folder is not None:
        kept.forget_others(folder, set(now_kept))
        state["format"] = DIGEST_FORMAT
        state["pages"] = {
            page.path: [page.file_hash, page.searched, page.identity] for page in pages
        }
        state["parts"] = now_kept
        kept.write_state(folder, state)
    files_added.send(pelican, paths=sorted(path for path in target.rglob("*") if path.is_file()))


def register() -> None:
    signals.finalized.connect(index_site)
