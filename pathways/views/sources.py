"""Read page views from the writer's own data: access logs and CSV exports.

Every source yields daily view counts per post, after the counting rules: only successful
GETs, no bots (crawlerdetect's maintained list), one view per client and post per 30
minutes, URLs mapped to posts by a resolver the caller gives. Nothing is ever fatal: a bad
line, a corrupt gzip member or an unknown CSV is skipped and counted in `ReadStats`.
"""

import csv
import glob
import gzip
import io
import logging
import re
import zlib
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from functools import lru_cache
from itertools import islice
from pathlib import Path
from urllib.parse import unquote

logger = logging.getLogger(__name__)

REPEAT_WINDOW = 30 * 60
MAX_LINE = 8192
MAX_CACHED_PATHS = 100_000
MAX_CACHED_MINUTES = 4096
PROGRESS_EVERY = 100_000
EARLIEST_YEAR = 1995
MONTHS = {
    name.encode(): number
    for number, name in enumerate(
        ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"], 1
    )
}
# Common and combined log formats (Apache and nginx defaults).
LOG_LINE = re.compile(
    rb"(\S+) \S+ \S+ \[(\d\d/\w\w\w/\d{4}:\d\d:\d\d):(\d\d) ([+-]\d{4})\] "
    rb'"([A-Z]+) (\S+)[^"]*" (\d{3}) \S+(?: "[^"]*" "([^"]*)")?'
)
ROTATION = re.compile(r"\.(\d+)(?:\.gz)?$")

Resolver = Callable[[str], str | None]
"""Maps a URL path (as requested) to a post's key, or None for anything that is not a post."""

DailyCounts = Counter
"""Views per (post key, day); the day is None for sources with totals only."""


@dataclass
class ReadStats:
    """What happened to every line or row read, for the report."""

    read: int = 0
    counted: int = 0
    bots: int = 0
    repeats: int = 0
    not_views: int = 0
    unmatched: int = 0
    unparseable: int = 0
    files: int = 0
    missing: list[str] = field(default_factory=list)
    damaged: list[str] = field(default_factory=list)


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
    """The path part of a requested URL, without query, fragment, `index.html` or end slash."""
    path = raw.split("#", 1)[0].split("?", 1)[0]
    if "://" in path:
        path = "/" + path.split("://", 1)[1].partition("/")[2]
    path = unquote(path)
    if path.endswith("/index.html"):
        path = path[: -len("index.html")]
    return "/" + path.strip("/")


def expand_sources(patterns: Iterable[str], base: Path) -> tuple[list[Path], list[str]]:
    """Files matching each glob, oldest rotation first; and the patterns that matched nothing."""
    files: list[Path] = []
    missing = []
    for pattern in patterns:
        full = str(base / Path(pattern).expanduser())
        matches = [Path(name) for name in glob.glob(full) if Path(name).is_file()]
        if not matches:
            missing.append(pattern)
        files += sorted(matches, key=_rotation_order)
    return files, missing


def _rotation_order(path: Path) -> tuple:
    """`access.log.3.gz` before `access.log.2.gz` before `access.log.1` before `access.log`."""
    match = ROTATION.search(path.name)
    stem = ROTATION.sub("", path.name)
    return (str(path.parent), stem, -(int(match.group(1)) if match else 0))


class _RepeatFilter:
    """Counts a (client, post) pair once per 30 minutes; memory bounded by recent visitors."""

    def __init__(self) -> None:
        self.last_seen: dict[tuple, float] = {}
        self.newest = 0.0
        self.checked = 0

    def is_repeat(self, client: object, post: str, moment: float) -> bool:
        key = (client, post)
        previous = self.last_seen.get(key)
        if previous is not None and 0 <= moment - previous < REPEAT_WINDOW:
            return True
        self.last_seen[key] = moment
        if moment > self.newest:
            self.newest = moment
        self.checked += 1
        if self.checked % 50_000 == 0:
            horizon = self.newest - REPEAT_WINDOW
            self.last_seen = {k: t for k, t in self.last_seen.items() if t >= horizon}
        return False


def read_access_log(
    path: Path,
    resolve: Resolver,
    counts: DailyCounts,
    stats: ReadStats,
    repeats: _RepeatFilter,
    progress: Callable[[int], None] | None = None,
) -> None:
    """Add the views in one access log (plain or gzip) to `counts`.

    The loop runs once per line of logs that can hold millions, so it keeps its tallies in
    local variables and caches what repeats (paths, user agents, minutes).
    """
    minutes: dict[tuple[bytes, bytes], tuple[date, float] | None] = {}
    posts: dict[bytes, str | None] = {}
    agents: dict[bytes, bool] = {}
    this_year = datetime.now(UTC).year
    match_line = LOG_LINE.match
    is_repeat = repeats.is_repeat
    read = counted = bots = repeated = not_views = unmatched = unparseable = 0
    opener = gzip.open if path.suffix == ".gz" else open
    try:
        with opener(path, "rb") as stream:
            raw = getattr(stream, "fileobj", stream)
            while True:
                before = read
                for line in islice(stream, PROGRESS_EVERY):
                    read += 1
                    match = match_line(line) if len(line) <= MAX_LINE else None
                    if match is None:
                        unparseable += 1
                        continue
                    client, minute, second, zone, method, target, status, agent = match.groups()
                    if method != b"GET" or not (status[0] == 50 or status == b"304"):  # 50 is "2"
                        not_views += 1
                        continue
                    post = posts.get(target, "")
                    if post == "":
                        if len(posts) > MAX_CACHED_PATHS:
                            posts.clear()
                        post = posts[target] = resolve(
                            normalise_path(target.decode("utf-8", "replace"))
                        )
                    if post is None:
                        unmatched += 1
                        continue
                    if agent is not None:
                        bot = agents.get(agent)
                        if bot is None:
                            if len(agents) > MAX_CACHED_PATHS:
                                agents.clear()
                            bot = agents[agent] = is_bot(agent.decode("utf-8", "replace"))
                        if bot:
                            bots += 1
                            continue
                    start = minutes.get((minute, zone), False)
                    if start is False:
                        if len(minutes) > MAX_CACHED_MINUTES:
                            minutes.clear()
                        start = minutes[(minute, zone)] = _minute(minute, zone, this_year)
                    if start is None:
                        unparseable += 1
                        continue
                    if is_repeat(client, post, start[1] + int(second)):
                        repeated += 1
                        continue
                    counts[(post, start[0])] += 1
                    counted += 1
                if read == before:
                    break
                if progress is not None:
                    progress(raw.tell())
    except (OSError, EOFError, zlib.error) as error:
        stats.damaged.append(f"{path}: {error}")
        logger.warning("%s: unreadable after line %d (%s); the rest is skipped", path, read, error)
    finally:
        stats.read += read
        stats.counted += counted
        stats.bots += bots
        stats.repeats += repeated
        stats.not_views += not_views
        stats.unmatched += unmatched
        stats.unparseable += unparseable


def _minute(minute: bytes, zone: bytes, this_year: int) -> tuple[date, float] | None:
    """For `10/Oct/2000:13:55` and `-0700`: the local calendar day and the minute's start in
    UTC seconds; None for an impossible date."""
    month = MONTHS.get(minute[3:6])
    year = int(minute[7:11])
    if month is None or not EARLIEST_YEAR <= year <= this_year + 1:
        return None
    try:
        local = datetime(
            year, month, int(minute[0:2]), int(minute[12:14]), int(minute[15:17]), tzinfo=UTC
        )
    except ValueError:
        return None
    offset = (int(zone[1:3]) * 3600 + int(zone[3:5]) * 60) * (-1 if zone[:1] == b"-" else 1)
    return local.date(), local.timestamp() - offset


def read_csv(path: Path, resolve: Resolver, counts: DailyCounts, stats: ReadStats) -> None:
    """A plain `path,date,views` CSV, a GoatCounter export or a Plausible "Top pages" export."""
    try:
        text = path.read_bytes().decode("utf-8-sig", "replace")
    except OSError as error:
        stats.damaged.append(f"{path}: {error}")
        return
    rows = csv.reader(io.StringIO(text.replace("\0", "")))
    header = [cell.strip() for cell in next(rows, [])]
    if header[:2] == ["2", "Path"] or (header and re.fullmatch(r"\d+Path", header[0])):
        header = ["Path", *header[2 if header[0].isdigit() else 1 :]]
    names = {name.lower(): position for position, name in enumerate(header)}
    if {"path", "date", "views"} <= set(names):
        kind = "plain"
    elif {"path", "bot", "date"} <= set(names):
        kind = "goatcounter"
    elif "name" in names and ("pageviews" in names or "visitors" in names):
        kind = "plausible"
    else:
        stats.damaged.append(f"{path}: not a CSV format this site knows (header {header[:5]})")
        return
    stats.files += 1
    repeats = _RepeatFilter()
    for row in rows:
        if not row:
            continue
        stats.read += 1
        try:
            _count_row(kind, row, names, resolve, counts, stats, repeats)
        except (IndexError, ValueError):
            stats.unparseable += 1


def _count_row(kind, row, names, resolve, counts, stats, repeats) -> None:
    if kind == "plausible":
        post = resolve(normalise_path(row[names["name"]]))
        views = int(row[names.get("pageviews", names.get("visitors"))])
        day = None
    elif kind == "plain":
        post = resolve(normalise_path(row[names["path"]]))
        views = int(row[names["views"]])
        day = _iso_day(row[names["date"]])
    else:
        if row[names["bot"]].strip() not in ("", "0"):
            stats.bots += 1
            return
        if "event" in names and row[names["event"]].strip().lower() == "true":
            stats.not_views += 1
            return
        post = resolve(normalise_path(row[names["path"]]))
        moment = datetime.fromisoformat(row[names["date"]].strip().replace("Z", "+00:00"))
        day = _iso_day(moment.date().isoformat())
        views = 1
        session = row[names["session"]] if "session" in names else None
        if post is not None and session and repeats.is_repeat(session, post, moment.timestamp()):
            stats.repeats += 1
            return
    if views < 0:
        raise ValueError("negative views")
    if post is None:
        stats.unmatched += 1
        return
    counts[(post, day)] += views
    stats.counted += views


def _iso_day(text: str) -> date:
    day = date.fromisoformat(text.strip()[:10])
    if not EARLIEST_YEAR <= day.year <= datetime.now(UTC).year + 1:
        raise ValueError("absurd date")
    return day


def read_sources(
    patterns: Iterable[str],
    resolve: Resolver,
    base: Path = Path(),
    progress: Callable[[int], None] | None = None,
) -> tuple[DailyCounts, ReadStats]:
    """All views from every configured source, and what was skipped and why."""
    files, missing = expand_sources(patterns, base)
    counts: DailyCounts = Counter()
    stats = ReadStats(missing=missing)
    repeats = _RepeatFilter()
    for path in files:
        if path.suffix.lower() == ".csv":
            read_csv(path, resolve, counts, stats)
        else:
            stats.files += 1
            read_access_log(path, resolve, counts, stats, repeats, progress)
    return counts, stats
