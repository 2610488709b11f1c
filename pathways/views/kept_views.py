"""Views counted from what the view sources gave earlier builds, plus what is new in them.

Reading an access log of a million lines takes most of a second, and a live log only grows
between builds. With the build cache on, what each log's lines gave before the rules that
depend on the build is kept in `CACHE_PATH/popular-views.pickle` (see
`pathways.views.kept_logs`): a build reads only what was appended to a log, or a log that is
new or changed, and counts as reading everything would, for the posts, reference instant and
windows of this build. CSV exports are small and read whole.
"""

from collections.abc import Iterable
from datetime import datetime
from pathlib import Path

from pathways.plugin_support import keep, load_kept
from pathways.views.kept_logs import FORMAT, LogState
from pathways.views.rules import Views
from pathways.views.sources import read_sources

KEPT_VIEWS = "popular-views.pickle"


def read_views(
    cache: Path | None,
    sources: Iterable[str],
    paths: dict[str, str],
    now: datetime,
    windows: Iterable[str],
    *,
    base: Path,
    timezone: str,
    whole_days: bool = False,
    hosts: frozenset[str] = frozenset(),
    load: bool = True,
) -> Views:
    """What `read_sources` gives with `paths` as the resolver, reading only what the sources
    gained since an earlier build (`cache`: the build cache, None when off; `load`: whether
    what the cache holds may be used)."""
    sources, windows = list(sources), list(windows)
    options = {"base": base, "timezone": timezone, "whole_days": whole_days, "hosts": hosts}
    if cache is None or not sources:
        return read_sources(sources, paths.get, now, windows, **options)
    kept = load_kept(cache / KEPT_VIEWS) if load else None
    if isinstance(kept, tuple) and len(kept) == 2 and kept[0] == FORMAT:
        state = kept[1]
    else:
        state = LogState()
    views, changed = state.read(sources, paths.get, now, windows, **options)
    if changed or kept is None:
        keep(cache / KEPT_VIEWS, (FORMAT, state))
    return views
