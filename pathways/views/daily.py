"""Per-day counts of views per post and of referring sites, kept for all time, from the site's
own access logs: what the server keeps so that counts, and never readers' addresses or user
agents, leave it.

`count_days` reads the logs with every Popular Posts rule (the one line rule, bots, repeats,
time zones, rotated and compressed files) and reads only what is new since its last run (a
`kept_logs.LogState`, kept beside the database). Views are counted per local day of the blog's
`TIMEZONE`, for each post's address; referring sites per day by name only (see `referrers`),
for the views counted. Logs rotate away (after two weeks on Debian), so `DailyCounts` keeps
every day: the days the logs present hold whole are counted afresh on each run, and an earlier
day keeps what was counted while its lines were there.

The export is the `path,date,views` CSV every Popular Posts source reader knows (days in
`TIMEZONE`), and `date,site,views` for the referring sites.
"""

import csv
import json
import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import TextIO
from zoneinfo import ZoneInfo

from pathways.comments.store import database_path
from pathways.database import connection
from pathways.plugin_support import keep, load_kept
from pathways.views.kept_logs import FORMAT, LogState
from pathways.views.rules import Views, is_repeat, normalise_path

SCHEMA = """
CREATE TABLE IF NOT EXISTS post_views (
    path TEXT NOT NULL,
    day TEXT NOT NULL,
    views INTEGER NOT NULL,
    PRIMARY KEY (path, day)
);
CREATE TABLE IF NOT EXISTS referring_sites (
    site TEXT NOT NULL,
    day TEXT NOT NULL,
    views INTEGER NOT NULL,
    PRIMARY KEY (site, day)
);
"""


REDIRECT_MAP = "nginx-redirects.map"
"""The built site's map of old addresses, as nginx reads it (the redirects plugin writes it)."""
MAP_LINE = re.compile(r'"((?:[^"\\]|\\.)*)" "((?:[^"\\]|\\.)*)";')
MAP_ESCAPE = re.compile(r"\\(.)")


def counts_database(settings: dict, settings_file: Path) -> Path:
    """The counts' database: `views.sqlite3` beside the comment database (both on the server,
    in the comment service's state directory)."""
    return database_path(settings, settings_file).with_name("views.sqlite3")


def site_posts(index: Path, redirects: dict[str, str] | None = None) -> dict[str, str]:
    """Each path that leads to a post (normalised) -> the post's address, from the built
    site's index of posts (the one the comment service reads), and the old addresses of
    `redirects` (old path -> new path or URL); ValueError naming the file when the index
    cannot be read."""
    try:
        posts = json.loads(index.read_text(encoding="utf-8"))["posts"]
        paths = [normalise_path("/" + post["url"]) for post in posts.values()]
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as error:
        raise ValueError(
            f"{index}: cannot read the site's posts ({error}); build and publish the site first"
        ) from None
    resolved = {path: path for path in paths}
    for old, new in (redirects or {}).items():
        target = resolved.get(normalise_path(new))
        if target is not None:
            resolved.setdefault(normalise_path(old), target)
    return resolved


def site_redirects(site: Path) -> dict[str, str]:
    """Old path -> new URL, from the built site's nginx map (every `Old-URLs:`); empty when
    the site has none. Lines not in the map's form are no redirect."""
    try:
        text = (site / REDIRECT_MAP).read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as error:
        raise ValueError(f"{site / REDIRECT_MAP}: cannot be read ({error})") from None
    pairs = {}
    for line in text.splitlines():
        found = MAP_LINE.fullmatch(line.strip())
        if found:
            old, new = (MAP_ESCAPE.sub(r"\1", part) for part in found.groups())
            pairs[old] = new
    return pairs


@dataclass
class DayCounts:
    """What the logs present gave: views per (post, day), referring sites per (site, day), the
    first day they hold whole, and the accounting of their lines."""

    views: Counter
    sites: Counter
    whole_from: date | None
    accounting: Views


def count_days(
    state: LogState,
    sources: Iterable[str],
    resolve: Callable[[str], str | None],
    now: datetime,
    *,
    base: Path,
    timezone: str,
    hosts: frozenset[str],
) -> DayCounts:
    """Bring `state` up to date with the logs, and count their views up to `now` per day."""
    accounting, _ = state.read(
        sources, resolve, now, ("all",), base=base, timezone=timezone, hosts=hosts
    )
    zone = ZoneInfo(timezone)
    posts = [resolve(path) for path in state.paths]
    limit = now.timestamp()
    hits: dict[tuple[int, str], list[tuple[float, int]]] = {}
    names: dict[int, str] = {}
    first = None
    for scan in state.scans.values():
        names.update(scan.site_names)
        if scan.first is not None:
            first = scan.first if first is None else min(first, scan.first)
        for (path, moment, reader, _), site in zip(scan.candidates(), scan.sites, strict=True):
            post = posts[path]
            if post is not None and moment <= limit:
                hits.setdefault((reader, post), []).append((moment, site))
    views: Counter = Counter()
    sites: Counter = Counter()
    for (_, post), seen in hits.items():
        last = None
        for moment, site in sorted(seen, key=lambda hit: hit[0]):
            if is_repeat(last, moment):
                continue
            last = moment
            day = datetime.fromtimestamp(moment, zone).date()
            views[(post, day)] += 1
            if site:
                sites[(names[site], day)] += 1
    return DayCounts(views, sites, _whole_from(first, zone), accounting)


def _whole_from(first: float | None, zone: ZoneInfo) -> date | None:
    """The first local day that starts at or after the logs' first line."""
    if first is None:
        return None
    day = datetime.fromtimestamp(first, zone).date()
    return (
        day
        if datetime.combine(day, time(0), zone).timestamp() >= first
        else day + (timedelta(days=1))
    )


class DailyCounts:
    """The per-day counts in SQLite, and the log reading's state in a file beside them."""

    def __init__(self, path: Path, *, busy_timeout: float = 5.0) -> None:
        self.path = Path(path)
        self.state_path = self.path.with_name(self.path.name + ".logs")
        self.busy_timeout = busy_timeout
        with connection(self.path, self.busy_timeout) as db:
            db.execute("PRAGMA journal_mode=WAL")
            db.executescript(SCHEMA)

    def state(self) -> LogState:
        """What the logs gave on the last run (a fresh state when there is none)."""
        kept = load_kept(self.state_path)
        if isinstance(kept, tuple) and len(kept) == 2 and kept[0] == FORMAT:
            return kept[1]
        return LogState()

    def record(self, counts: DayCounts, state: LogState) -> None:
        """Keep the counts: the days the logs hold whole replace what was kept of them; an
        earlier day is added only when nothing was kept of it."""
        if counts.whole_from is None:
            return
        whole_from = counts.whole_from.isoformat()
        with connection(self.path, self.busy_timeout) as db:
            for table, key, counted in (
                ("post_views", "path", counts.views),
                ("referring_sites", "site", counts.sites),
            ):
                db.execute(f"DELETE FROM {table} WHERE day >= ?", (whole_from,))
                db.executemany(
                    f"INSERT INTO {table} ({key}, day, views) VALUES (?, ?, ?)"
                    f" ON CONFLICT ({key}, day) DO NOTHING",
                    [(name, day.isoformat(), n) for (name, day), n in sorted(counted.items())],
                )
        keep(self.state_path, (FORMAT, state))

    def export_views(self, stream: TextIO) -> int:
        """Write `path,date,views` rows; returns how many."""
        return self._export(stream, "SELECT path, day, views FROM post_views", "path")

    def export_sites(self, stream: TextIO) -> int:
        """Write `date,site,views` rows; returns how many."""
        return self._export(stream, "SELECT day, site, views FROM referring_sites", "site")

    def _export(self, stream: TextIO, query: str, key: str) -> int:
        with connection(self.path, self.busy_timeout) as db:
            rows = [tuple(row) for row in db.execute(f"{query} ORDER BY day, {key}")]
        writer = csv.writer(stream, lineterminator="\n")
        writer.writerow(["path", "date", "views"] if key == "path" else ["date", "site", "views"])
        writer.writerows(rows)
        return len(rows)
