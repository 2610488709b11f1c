"""Read page views from the writer's own data: access logs and CSV exports.

A source is a glob (relative to the content folder unless absolute), optionally followed by
the period a CSV of totals covers: `"stats/pages.csv 2026-10-22..2026-11-20"`. Access logs
are read by `pathways.views.logs`; CSVs here: a plain `path,date,views` (local days of the
blog's time zone, as the comment service's beacon writes them), a GoatCounter export (one
row per hit) or a Plausible "Top pages" export (totals for the period it was exported for,
in local days). Nothing is ever fatal: a bad line or row, a corrupt gzip or an unknown CSV
is skipped, counted and reported once.
"""

import csv
import glob
import io
import re
from collections.abc import Callable, Iterable
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import TypeVar
from zoneinfo import ZoneInfo

from pathways.views.lines import LineRules
from pathways.views.logs import LogReader
from pathways.views.rules import Hit, Views, Visits, normalise_path

PERIOD = re.compile(r"(.*\S)\s+(\d{4}-\d\d-\d\d)\.\.(\d{4}-\d\d-\d\d)")
ROTATION = re.compile(r"\.(\d+)(?:\.gz)?$")

Resolver = Callable[[str], str | None]
"""Maps a URL path (normalised) to a post's key, or None for anything that is not a post."""

Period = tuple[date, date]
T = TypeVar("T")


def parse_source(source: str) -> tuple[str, Period | None]:
    """`"glob"` or `"glob FROM..TO"` -> (glob, period); ValueError naming the source for an
    impossible day or a period that ends before it starts."""
    match = PERIOD.fullmatch(source.strip())
    if match is None:
        return source, None
    try:
        first, last = date.fromisoformat(match.group(2)), date.fromisoformat(match.group(3))
    except ValueError as error:
        raise ValueError(f"source {source!r}: {error}") from None
    if last < first:
        raise ValueError(f"source {source!r}: the period ends before it starts")
    return match.group(1), (first, last)


def expand_sources(
    sources: Iterable[str], base: Path
) -> tuple[list[tuple[Path, Period | None]], list[str], list[str]]:
    """Files matching each source's glob (with its period), the sources matching nothing, and
    what is wrong with the sources that cannot be read as one."""
    files: list[tuple[Path, Period | None]] = []
    missing = []
    wrong = []
    for source in sources:
        try:
            pattern, period = parse_source(source)
        except ValueError as error:
            wrong.append(str(error))
            continue
        full = str(base / Path(pattern).expanduser())
        matches = [Path(name) for name in glob.glob(full) if Path(name).is_file()]
        if not matches:
            missing.append(source)
        files += [(path, period) for path in sorted(matches, key=_rotation_order)]
    return files, missing, wrong


def _rotation_order(path: Path) -> tuple:
    """`access.log.3.gz` before `access.log.2.gz` before `access.log.1` before `access.log`."""
    match = ROTATION.search(path.name)
    stem = ROTATION.sub("", path.name)
    return (str(path.parent), stem, -(int(match.group(1)) if match else 0))


def read_sources(
    sources: Iterable[str],
    resolve: Resolver,
    now: datetime,
    windows: Iterable[str],
    *,
    base: Path = Path(),
    timezone: str = "UTC",
    whole_days: bool = False,
    hosts: frozenset[str] = frozenset(),
    explain: str | None = None,
    progress: Callable[[int], None] | None = None,
) -> Views:
    """Views per post and window from every source, counted back from `now`, with the
    accounting; `whole_days`: `now` is the end of a day in `timezone`, and windows are whole
    days there (see `rules`); `hosts`: the site's host names, when known; `explain` (a
    post's key) keeps the hits behind that post's count."""
    rules = LineRules(hosts)
    views, _ = count_views(
        sources,
        resolve,
        Views(now.timestamp(), tuple(windows), timezone if whole_days else None),
        lambda logs, views: LogReader(views, resolve, explain, progress, rules=rules).read(logs),
        base=base,
        timezone=timezone,
        explain=explain,
    )
    return views


def count_views(
    sources: Iterable[str],
    resolve: Resolver,
    views: Views,
    read_logs: Callable[[list[Path], Views], T],
    *,
    base: Path,
    timezone: str,
    explain: str | None = None,
) -> tuple[Views, T]:
    """`views` (empty) with what every source gives: the access logs counted by
    `read_logs(paths, views)`, whose result is returned too, and the CSVs here."""
    files, views.missing, views.problems = expand_sources(sources, base)
    outcome = read_logs([path for path, _ in files if path.suffix.lower() != ".csv"], views)
    for path, period in files:
        if path.suffix.lower() == ".csv":
            CsvReader(views, resolve, ZoneInfo(timezone), explain).read(path, period)
    return views, outcome


class CsvReader:
    """One CSV export into `views.rows` (rows) and the windows (the views they carry)."""

    def __init__(self, views: Views, resolve: Resolver, zone: ZoneInfo, explain: str | None):
        self.views = views
        self.tally = views.rows
        self.resolve = resolve
        self.zone = zone
        self.explain = explain
        self.source = ""

    def read(self, path: Path, period: Period | None) -> None:
        self.source = str(path)
        try:
            text = path.read_bytes().decode("utf-8-sig", "replace")
        except OSError as error:
            self.views.problems.append(f"{path}: cannot be read ({error}); skipped")
            return
        rows = csv.reader(io.StringIO(text.replace("\0", "")))
        header = [cell.strip() for cell in next(rows, [])]
        if header[:2] == ["2", "Path"] or (header and re.fullmatch(r"\d+Path", header[0])):
            header = ["Path", *header[2 if header[0].isdigit() else 1 :]]
        names = {name.lower(): position for position, name in enumerate(header)}
        if {"path", "date", "views"} <= set(names):
            count_row = self._plain
        elif {"path", "bot", "date"} <= set(names):
            count_row = self._goatcounter
        elif "name" in names and ("pageviews" in names or "visitors" in names):
            count_row = self._plausible
            if period is None:
                self.views.notes.append(
                    f"{path}: totals without a period, filed under All time only "
                    '(give its period in the source: "FILE YYYY-MM-DD..YYYY-MM-DD")'
                )
        else:
            self.views.problems.append(
                f"{path}: not a CSV format Popular Posts reads (header {header[:5]}): "
                "use path,date,views, a GoatCounter export or a Plausible Top pages export"
            )
            return
        self.views.csv_files += 1
        self.visits = Visits(self._counted_hits, self._repeated_hit)
        for number, row in enumerate(rows, 2):
            if not row:
                continue
            self.tally.read += 1
            try:
                count_row(row, names, period, number)
            except (IndexError, ValueError):
                self.tally.malformed += 1
        self.visits.settle()

    def _post(self, path: str) -> str | None:
        return self.resolve(normalise_path(path))

    def _plain(self, row: list[str], names: dict, period: Period | None, number: int) -> None:
        day = date.fromisoformat(row[names["date"]].strip())
        start, end = self._days(day, day)
        self._total(row[names["path"]], row[names["views"]], start, end, number)

    def _plausible(self, row: list[str], names: dict, period: Period | None, number: int) -> None:
        column = names.get("pageviews", names.get("visitors"))
        if period is None:
            start = end = float("-inf")
        else:
            start, end = self._days(*period)
        self._total(row[names["name"]], row[column], start, end, number)

    def _days(self, first: date, last: date) -> tuple[float, float]:
        """The first and last second of local days `first` to `last` (UTC seconds)."""
        start = datetime.combine(first, time(0), self.zone).timestamp()
        after = datetime.combine(last + timedelta(days=1), time(0), self.zone)
        return start, after.timestamp() - 1

    def _total(self, path: str, views: str, start: float, end: float, number: int) -> None:
        """A row of `views` seen from `start` to `end` (UTC seconds, both included)."""
        count = int(views)
        if count < 0:
            raise ValueError("negative views")
        post = self._post(path)
        if post is None:
            self.tally.not_views += 1
            self.views.not_posts[normalise_path(path)] += 1
        elif end > self.views.now:
            self.tally.future += 1
        else:
            self._count(post, start, end, count, number)

    def _goatcounter(self, row: list[str], names: dict, period: Period | None, number: int) -> None:
        moment = datetime.fromisoformat(row[names["date"]].strip().replace("Z", "+00:00"))
        if moment.tzinfo is None:
            raise ValueError("a time without offset")
        event = "event" in names and row[names["event"]].strip().lower() == "true"
        post = None if event else self._post(row[names["path"]])
        session = row[names["session"]].strip() if "session" in names else ""
        if post is None:
            self.tally.not_views += 1
            if not event:
                self.views.not_posts[normalise_path(row[names["path"]])] += 1
        elif row[names["bot"]].strip() not in ("", "0"):
            self.tally.bots += 1
        elif moment.timestamp() > self.views.now:
            self.tally.future += 1
        else:
            key = (session, post) if session else (number, post)
            self.visits.add(key, moment.timestamp(), number)

    def _counted_hits(self, keys: list, moments: list[float], detailed: list) -> None:
        for key, moment, number in detailed:
            self._count(key[-1], moment, moment, 1, number)

    def _repeated_hit(self, key: tuple, moment: float, number: int) -> None:
        self.tally.repeats += 1

    def _count(self, post: str, start: float, end: float, views: int, number: int) -> None:
        self.tally.counted += 1
        self.tally.views += views
        self.views.add(post, start, views)
        if post == self.explain:
            self.views.explained.append(Hit(self.source, number, start, end, 0, views))
