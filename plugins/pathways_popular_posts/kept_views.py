"""Views read by an earlier build, used again while nothing they were counted from changed.

Reading the view sources (an access log of megabytes) is a noticeable part of a rebuild, and
on most rebuilds the sources are the same. With the build cache on, what reading them gave
(the views, their accounting and the warnings) is kept in `CACHE_PATH/popular-views.pickle`
with a digest of all it depends on: each matched file (resolved path, size, modification
time, inode), the sources, the paths leading to each post, the reference instant, the windows
and the time zone. A build with the same digest uses the kept views; a log appended to, a
post moved or another day reads the sources again.
"""

import hashlib
import json
from collections.abc import Iterable
from datetime import datetime
from pathlib import Path

from pathways.plugin_support import keep, load_kept
from pathways.views.rules import Views
from pathways.views.sources import expand_sources, read_sources

KEPT_VIEWS = "popular-views.pickle"
# Changed when reading the sources would count differently, so views kept by older rules
# are not used.
FORMAT = 1


def sources_digest(
    sources: list[str],
    paths: dict[str, str],
    now: datetime,
    windows: list[str],
    base: Path,
    timezone: str,
) -> str | None:
    """What reading the sources depends on, as a digest; None when a file cannot be looked at
    (it is then read without keeping anything)."""
    files, _, _ = expand_sources(sources, base)
    stamps = []
    for path, _ in files:
        try:
            status = path.stat()
        except OSError:
            return None
        stamps.append([str(path.resolve()), status.st_size, status.st_mtime_ns, status.st_ino])
    made_from = {
        "format": FORMAT,
        "sources": sources,
        "base": str(base.resolve()),
        "files": stamps,
        "paths": sorted(paths.items()),
        "now": now.timestamp(),
        "windows": windows,
        "timezone": timezone,
    }
    return hashlib.sha256(json.dumps(made_from).encode()).hexdigest()


def read_views(
    cache: Path | None,
    sources: Iterable[str],
    paths: dict[str, str],
    now: datetime,
    windows: Iterable[str],
    *,
    base: Path,
    timezone: str,
    load: bool = True,
) -> Views:
    """`read_sources` with `paths` as the resolver, or the views it gave an earlier build
    when their digest is the same (`cache`: the build cache, None when off; `load`: whether
    what the cache holds may be used)."""
    sources, windows = list(sources), list(windows)
    digest = None
    if cache is not None and sources:
        digest = sources_digest(sources, paths, now, windows, base, timezone)
    if digest is not None and load:
        kept = load_kept(cache / KEPT_VIEWS)
        if isinstance(kept, tuple) and len(kept) == 2 and kept[0] == digest:
            return kept[1]
    views = read_sources(sources, paths.get, now, windows, base=base, timezone=timezone)
    if digest is not None:
        keep(cache / KEPT_VIEWS, (digest, views))
    return views
