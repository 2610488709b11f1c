"""Views per post and local day, with each window's totals and the accounting, from the blog's
configured view sources as Popular Posts reads them (`pathways.views.sources.count_views`).

Access logs give instants, each put on its day in the blog's `TIMEZONE`; a per-day CSV row is
put on its own day. Totals for a period (a Plausible export) count in the windows and the
accounting but on no day: they are `undated`. Referring sites per day come from the access
logs, by name only, as the server counts them (`pathways.views.daily.count_days`), and from
the server's own counts (`date,site,views`, which `make publish` and `make stats` fetch) when
the blog has them: from the server's first day on, the server's; before it, the logs'.
"""

import csv
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from pathways.views.daily import count_days
from pathways.views.kept_logs import LogState
from pathways.views.lines import LineRules
from pathways.views.logs import LogReader
from pathways.views.rules import DAY, Views
from pathways.views.sources import Resolver, count_views, parse_source

BLOCK = 900
"""Seconds in a block of time that lies in one local day (every offset in use is a multiple of
a quarter hour)."""


@dataclass
class DailyViews(Views):
    """`Views` that also keep views per (post, local day), and the views of no one day."""

    zone: ZoneInfo = field(default_factory=lambda: ZoneInfo("UTC"))
    days: Counter = field(default_factory=Counter)
    undated: Counter = field(default_factory=Counter)
    dated: bool = True
    """Whether the source being read gives days (False for totals of a period)."""

    def __post_init__(self) -> None:
        super().__post_init__()
        self._day_of_block: dict[int, date] = {}

    def day(self, moment: float) -> date:
        """The local day of an instant (UTC seconds)."""
        block = int(moment // BLOCK)
        found = self._day_of_block.get(block)
        if found is None:
            found = self._day_of_block[block] = datetime.fromtimestamp(moment, self.zone).date()
        return found

    def add(self, post: str, start: float, views: int = 1) -> None:
        super().add(post, start, views)
        if self.dated and start != float("-inf"):
            # A row's day starts at `start` (midnight, UTC or local): its middle is on it.
            self.days[(post, self.day(start + DAY / 2))] += views
        else:
            self.undated[post] += views

    def add_instants(self, posts: Iterable[str], moments: Iterable[float]) -> None:
        posts, moments = list(posts), list(moments)
        super().add_instants(posts, moments)
        day = self.day
        self.days.update(zip(posts, map(day, moments), strict=True))


@dataclass
class DailyCounts:
    """What the stats page shows of views: per post and day, per window, and the accounting."""

    views: DailyViews
    """Window totals (`in_window`), per-day counts (`days`) and the accounting."""
    referrers: Counter = field(default_factory=Counter)
    """(local day, referring domain) -> views, from sources that record referring sites."""

    def per_day(self) -> Counter:
        """Views of all posts per local day."""
        totals: Counter = Counter()
        for (_, day), views in self.views.days.items():
            totals[day] += views
        return totals


def daily_counts(
    sources: Iterable[str],
    resolve: Resolver,
    now: datetime,
    windows: Iterable[str],
    *,
    base: Path,
    timezone: str,
    whole_days: bool = False,
    hosts: frozenset[str] = frozenset(),
) -> DailyCounts:
    """Every source's views up to `now`, by post and local day and in `windows`, counted by
    the rules Popular Posts applies, with the arguments `sources.read_sources` takes (a big
    log is read in one piece, so every view passes through here)."""
    sources = list(sources)
    views = DailyViews(
        now.timestamp(),
        tuple(windows),
        timezone if whole_days else None,
        zone=ZoneInfo(timezone),
    )
    rules = LineRules(hosts)
    with_period = [source for source in sources if _has_period(source)]
    dated = [source for source in sources if source not in with_period]
    count_views(
        dated,
        resolve,
        views,
        lambda logs, views: LogReader(views, resolve, split_over=float("inf"), rules=rules).read(
            logs
        ),
        base=base,
        timezone=timezone,
    )
    if with_period:
        missing, problems = views.missing, views.problems
        views.dated = False
        count_views(
            with_period,
            resolve,
            views,
            lambda logs, views: problems.extend(
                f"{log}: a period is for CSV totals, not for an access log; not read"
                for log in logs
            ),
            base=base,
            timezone=timezone,
        )
        views.missing = missing + views.missing
        views.problems = problems + views.problems
    sites = count_days(
        LogState(), dated, resolve, now, base=base, timezone=timezone, hosts=hosts
    ).sites
    return DailyCounts(views, Counter({(day, site): n for (site, day), n in sites.items()}))


def server_sites(path: Path) -> tuple[Counter, list[str]]:
    """(day, site) -> views from the server's `date,site,views` file, and what could not be
    read in it (naming the file and row); rows that are not counts are left out."""
    sites: Counter = Counter()
    problems: list[str] = []
    try:
        with path.open(encoding="utf-8", newline="") as stream:
            table = csv.reader(stream)
            if next(table, None) != ["date", "site", "views"]:
                return sites, [f"{path}: not the server's referring sites (date,site,views)"]
            for number, row in enumerate(table, 2):
                try:
                    day, site, views = row
                    if not site or not views.isdigit():
                        raise ValueError(f"{views!r} is not a count")
                    sites[(date.fromisoformat(day), site)] += int(views)
                except ValueError as error:
                    problems.append(f"{path}: row {number} is not counts ({error}); left out")
    except (OSError, UnicodeDecodeError, csv.Error) as error:
        problems.append(f"{path}: cannot be read ({error})")
    return sites, problems


def merged_sites(logs: Counter, server: Counter) -> Counter:
    """The server's referring sites, and the logs' for the days before the server's first
    (the same readers are in both from then on)."""
    first = min((day for day, _ in server), default=None)
    earlier = Counter({key: n for key, n in logs.items() if first is None or key[0] < first})
    return earlier + server


def _has_period(source: str) -> bool:
    try:
        return parse_source(source)[1] is not None
    except ValueError:
        return False
