"""What counts as a view and in which window, shared by every source.

A view is a successful `GET` (2xx, or 304 Not Modified) of a post, by a reader that is not a
bot, at or before the reference instant, and not a repeat: the same address, user agent and
post within 30 minutes of that reader's last *counted* view of it, in time order.

Windows end at the reference instant `now`. With the reference given as a day (the end of that
day in the blog's time zone), the window `Nd` is that day and the N - 1 local days before it,
whole, whatever the clocks did meanwhile; with the reference given as an instant, it is the N
times 24 hours before it. A view belongs to a window when `start < t <= now`; a source with
per-day (or per-period) totals, whose days are local days of the blog's time zone, puts them
in a window only when the whole day (or period) lies inside it.
"""

from bisect import bisect_left
from collections import Counter
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from functools import lru_cache, partial
from urllib.parse import unquote
from zoneinfo import ZoneInfo

REPEAT_WINDOW = 30 * 60
DAY = 86_400


def is_repeat(last_counted: float | None, moment: float) -> bool:
    """The repeat rule: a hit less than 30 minutes after its key's last counted view (times
    in seconds; the key is the reader and the post)."""
    return last_counted is not None and 0 <= moment - last_counted < REPEAT_WINDOW


@lru_cache(maxsize=65536)
def is_bot(user_agent: str) -> bool:
    """A crawler, script or empty user agent; cached, as logs repeat a few thousand agents."""
    if user_agent in ("", "-"):
        return True
    return _crawlers().isCrawler(user_agent)


@lru_cache(maxsize=1)
def _crawlers():
    from crawlerdetect import CrawlerDetect

    return CrawlerDetect()


def normalise_path(raw: str) -> str:
    """The path part of a requested URL, without query, fragment, `index.html` or end slash,
    percent-decoded (after the query is dropped, so an encoded `?` stays in the path)."""
    path = raw.split("#", 1)[0].split("?", 1)[0]
    if "://" in path:
        path = "/" + path.split("://", 1)[1].partition("/")[2]
    path = unquote(path)
    if path.endswith("/index.html"):
        path = path[: -len("index.html")]
    return "/" + path.strip("/")


def window_seconds(window: str) -> int | None:
    """`7d` -> seconds in 7 days; `all` -> None."""
    return None if window == "all" else int(window[:-1]) * DAY


def window_start(window: str, now: float, days_of: str | None) -> float | None:
    """The instant a window starts after (None for `all`), ending at `now`: with `days_of` (a
    time zone: the reference is the end of a day there) at the end of the day before the
    window's first whole day, else `window_seconds` before `now`."""
    span = window_seconds(window)
    if span is None:
        return None
    if days_of is None:
        return now - span
    zone = ZoneInfo(days_of)
    first = datetime.fromtimestamp(now, zone).date() - timedelta(days=span // DAY - 1)
    return (datetime.combine(first, time(0), zone) - timedelta(microseconds=1)).timestamp()


@dataclass
class Tally:
    """What happened to every line (or CSV row) read, in the order the rules apply."""

    read: int = 0
    malformed: int = 0
    not_views: int = 0
    bots: int = 0
    future: int = 0
    repeats: int = 0
    counted: int = 0
    counted_304: int = 0
    views: int = 0
    """Views the counted lines or rows stand for (a CSV row can carry many)."""

    def rejected(self) -> int:
        return self.malformed + self.not_views + self.bots + self.future + self.repeats

    def add(self, other: "Tally") -> None:
        for name in self.__dataclass_fields__:
            setattr(self, name, getattr(self, name) + getattr(other, name))


@dataclass(frozen=True)
class Hit:
    """One counted view, for `views report --explain`: where it was read and when."""

    source: str
    line: int
    start: float
    end: float
    status: int
    """The HTTP status of a log line; 0 for a CSV row."""
    views: int = 1


@dataclass
class Views:
    """Views per post and window, and the accounting behind them."""

    now: float
    windows: tuple[str, ...]
    days_of: str | None = None
    """The time zone whose whole days the windows are, when the reference is a day."""
    logs: Tally = field(default_factory=Tally)
    rows: Tally = field(default_factory=Tally)
    log_files: int = 0
    csv_files: int = 0
    missing: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    explained: list[Hit] = field(default_factory=list)
    not_posts: Counter = field(default_factory=Counter)
    """Path -> lines (or rows) of views, but for a path no post has (among `not_views`)."""

    def __post_init__(self) -> None:
        starts = {window: window_start(window, self.now, self.days_of) for window in self.windows}
        # Views are kept per post and "age": how many window floors lie before them.
        self.floors = sorted({start for start in starts.values() if start is not None})
        self.ages: Counter = Counter()
        self._window_floor = starts

    def add(self, post: str, start: float, views: int = 1) -> None:
        """Views seen from `start` on (one instant, a day, a period; ending by `now`): they
        are in every window whose floor lies before `start`."""
        self.ages[(post, bisect_left(self.floors, start))] += views

    def add_instants(self, posts: Iterable[str], moments: Iterable[float]) -> None:
        """One view of each post at the instant alongside it."""
        self.ages.update(zip(posts, map(partial(bisect_left, self.floors), moments), strict=True))

    @property
    def counts(self) -> Counter:
        """(post, window) -> views."""
        counts: Counter = Counter()
        for window, floor in self._window_floor.items():
            needed = 0 if floor is None else self.floors.index(floor) + 1
            for (post, age), views in self.ages.items():
                if age >= needed:
                    counts[(post, window)] += views
        return counts

    def in_window(self, window: str) -> Counter:
        """Views per post in one of the windows."""
        return Counter({post: n for (post, name), n in self.counts.items() if name == window})

    def total(self) -> int:
        return self.logs.views + self.rows.views


class Visits:
    """The repeat rule: candidate views grouped by reader and post, decided in time order.

    `hits` maps each key (address, user agent, post; or session, post) to the times of its
    hits, which callers append to; `details` (key -> {hit's index: detail}) holds what a few
    hits need remembered. A key stays open until no later hit can change it; `settle` then
    decides its hits, calling `counted(key, t, detail)` or `repeated(key, t, detail)`.
    Memory holds only the keys still open.
    """

    def __init__(
        self,
        counted: Callable[[list, list[float], list[tuple[Hashable, float, object]]], None],
        repeated: Callable[[Hashable, float, object], None],
    ) -> None:
        self.hits: dict[Hashable, list[float]] = {}
        self.details: dict[Hashable, dict[int, object]] = {}
        self.hold_until = float("-inf")
        self.held: set[Hashable] = set()
        """Keys first seen before `hold_until` are never decided here (someone else will)."""
        self.counted = counted
        self.repeated = repeated

    def add(self, key: Hashable, moment: float, detail: object = None) -> None:
        times = self.hits.get(key)
        if times is None:
            times = self.hits[key] = []
            if moment < self.hold_until:
                self.held.add(key)
        if detail is not None:
            self.details.setdefault(key, {})[len(times)] = detail
        times.append(moment)

    def settle(self, horizon: float | None = None) -> None:
        """Decide every key whose hits are all before `horizon` (every key without one); the
        counted hits go to `counted(keys, times, detailed)` at once: the keys and times of
        those without a detail, and (key, t, detail) for those with one."""
        hits, details = self.hits, self.details
        if horizon is None:
            done = list(hits)
        else:
            held = self.held
            done = [key for key, times in hits.items() if max(times) < horizon and key not in held]
        keys: list = []
        moments: list[float] = []
        detailed: list = []
        for key in done:
            times = hits.pop(key)
            if len(times) == 1 and key not in details:
                keys.append(key)
                moments.append(times[0])
            else:
                self._decide(key, times, details.pop(key, {}), keys, moments, detailed)
        if keys or detailed:
            self.counted(keys, moments, detailed)

    def _decide(
        self,
        key: Hashable,
        times: Sequence[float],
        details: dict[int, object],
        keys: list,
        moments: list[float],
        detailed: list,
    ) -> None:
        last = None
        for index in sorted(range(len(times)), key=times.__getitem__):
            moment = times[index]
            if is_repeat(last, moment):
                self.repeated(key, moment, details.get(index))
                continue
            last = moment
            if index in details:
                detailed.append((key, moment, details[index]))
            else:
                keys.append(key)
                moments.append(moment)
