"""What counts as a view and in which window, shared by every source.

A view is a successful `GET` (2xx, or 304 Not Modified) of a post, by a reader that is not a
bot, at or before the reference instant, and not a repeat: the same address, user agent and
post within 30 minutes of that reader's last *counted* view of it, in time order. A view
belongs to the window `Nd` when `now - N days < t <= now`; a source with per-day (or
per-period) totals puts them in a window only when the whole day (or period) lies inside it.
"""

from bisect import bisect_left
from collections import Counter
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache, partial
from urllib.parse import unquote

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
    logs: Tally = field(default_factory=Tally)
    rows: Tally = field(default_factory=Tally)
    log_files: int = 0
    csv_files: int = 0
    missing: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    explained: list[Hit] = field(default_factory=list)

    def __post_init__(self) -> None:
        spans = {window: window_seconds(window) for window in self.windows}
        # Views are kept per post and "age": how many window floors lie before them.
        self.floors = sorted({self.now - span for span in spans.values() if span is not None})
        self.ages: Counter = Counter()
        self._window_floor = {
            window: None if span is None else self.now - span for window, span in spans.items()
        }

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
