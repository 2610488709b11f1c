"""Access logs as web servers write them by default, read for Popular Posts.

Formats: nginx and Apache `combined`, Apache `common` (no user agent: nobody is a bot, and a
reader is their address) and `vhost_combined` (`host:port` first), and Caddy's JSON access
log (the address is `request.client_ip`, else `request.remote_ip`; the time is `ts`). Each
file's format is found from its first lines; every line then either parses in that format or
is malformed. Times carry their offset and become UTC instants. Reading is one pass over the
lines, tallying each as malformed, not a view, bot, future or a candidate view; candidates
go to the repeat rule (`rules.Visits`). Files are read in the order of their first line's
time (whatever their names) and may overlap in time; a big plain file is read in two halves
at once.
"""

import gzip
import json
import os
import pickle
import re
import zlib
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from functools import partial
from itertools import islice
from operator import itemgetter
from pathlib import Path

from pathways.views.rules import (
    REPEAT_WINDOW,
    Hit,
    Tally,
    Views,
    Visits,
    is_bot,
    normalise_path,
)

POST_OF_KEY = itemgetter(2)
"""Keys of the repeat rule are (address, user agent, post)."""
MAX_LINE = 16_384
GZIP_MAGIC = b"\x1f\x8b"
SAMPLE = 200
CHUNK = 65_536
SPLIT_OVER = 64 << 20
"""Plain logs this big are read in two halves at once (on two processors or more)."""
CHUNK_BYTES = 8 << 20
MAX_CACHED = 100_000
EARLIEST_YEAR = 1995
DISORDER = 3600
"""Lines of one file may be this many seconds out of time order (Apache logs the time a
request came in, when it is done) and still be decided exactly."""
MONTHS = {
    name.encode(): number
    for number, name in enumerate(
        ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"], 1
    )
}
# b":MM:SS" -> seconds into the hour (60 for a leap second).
MINUTE_SECONDS = {
    f":{minute:02d}:{second:02d}".encode(): minute * 60 + second
    for minute in range(60)
    for second in range(61)
}
VIEW_STATUSES = frozenset([str(status).encode() for status in range(200, 300)] + [b"304"])
HOUR = re.compile(rb"(\d\d)/(\w\w\w)/(\d{4}):(\d\d)")
ZONE = re.compile(rb"([+-])(\d\d)([0-5]\d)")


def _clf(vhost: bool, agent: bool, quoted: bytes) -> re.Pattern:
    """The pattern of a common-log-format line; `quoted` is how a quoted field is matched."""
    field = b'"(' + quoted + b')"'
    pattern = (
        (rb"\S++ " if vhost else b"")
        + rb"(\S++) \S++ \S++ \[([^:\]]++:\d\d)(:\d\d:\d\d) ([^\]]++)\] "
        + field
        + rb" (\d{3}) (?:\d++|-)"
        + (b' "' + quoted + b'" ' + field if agent else rb"()\r?\n?\Z")
    )
    return re.compile(pattern)


# Apache writes a `"` inside a field as `\"`. Lines are matched first as if no field held
# one (faster), then, if that fails or the user agent ends in a backslash, exactly.
PLAIN = rb'[^"]*+'
ESCAPED = rb'[^"\\]*+(?:\\.[^"\\]*+)*+'
CLF_FORMATS = {
    name: (_clf(vhost, agent, PLAIN), _clf(vhost, agent, ESCAPED))
    for name, vhost, agent in (
        ("vhost_combined", True, True),
        ("combined", False, True),
        ("common", False, False),
    )
}
FORMAT_NAMES = "nginx or Apache combined, Apache common or vhost_combined, Caddy JSON"

# One line of a common/combined/vhost_combined log: address, time (UTC seconds), request line,
# status and user agent (empty in the common format).
ClfRecord = tuple[bytes, float, bytes, bytes, bytes]


def clf_records(
    lines: list[bytes],
    log_format: str,
    hours: dict[bytes, tuple[float, bytes] | None],
    time_of: Callable[[bytes, bytes, bytes], float | None],
) -> Iterator[ClfRecord | None]:
    """Each line of a chunk as a `ClfRecord`, or None when it is malformed (too long, not of
    the format, or at an impossible time). Runs once per line of logs that hold millions, so
    times are looked up in `hours` (hour -> start and zone written, or None when impossible)
    inline, and `time_of` is called only when that misses."""
    fast, exact = (pattern.match for pattern in CLF_FORMATS[log_format])
    for line in lines:
        if len(line) > MAX_LINE:
            found = None
        elif (found := fast(line)) is None:
            found = exact(line)
        if found is None:
            yield None
            continue
        client, hour, minute, zone, request, status, agent = found.groups()
        try:  # the cache's misses raise KeyError, an impossible time TypeError
            start, written_zone = hours[hour]
            moment = start + MINUTE_SECONDS[minute]
            if written_zone != zone:
                raise KeyError(zone)
        except (KeyError, TypeError):
            moment = time_of(hour, minute, zone)
            if moment is None:
                yield None
                continue
        if agent.endswith(b"\\"):
            client, hour, minute, zone, request, status, agent = exact(line).groups()
        yield client, moment, request, status, agent


@dataclass
class Half:
    """What the child reading a log's second half sends back."""

    tally: Tally
    candidates: int
    repeats: int
    counted_304: int
    ages: Counter
    explained: list[Hit]
    problems: list[str]
    open: dict
    example: bytes | None


@dataclass
class LogFile:
    """One access log, its format (None: no line readable) and its first line's time."""

    path: Path
    format: str | None
    first: float | None


class LogReader:
    """Reads access logs into `views`, deciding repeats across all of them."""

    def __init__(
        self,
        views: Views,
        resolve: Callable[[str], str | None],
        explain: str | None = None,
        progress: Callable[[int], None] | None = None,
        split_over: int = SPLIT_OVER,
    ) -> None:
        self.views = views
        self.split_over = split_over
        self.tally = views.logs
        self.resolve = resolve
        self.explain = explain
        self.progress = progress
        self.visits = Visits(self._counted, self._repeated)
        self.posts: dict = {}
        self.agents: dict = {}
        self.hours: dict[bytes, tuple[float | None, bytes]] = {}
        self.candidates = 0

    def read(self, paths: list[Path]) -> None:
        """Every line of every file; files in the order of their first line's time."""
        files = [log for log in map(self._survey, paths) if log is not None]
        files.sort(key=lambda log: float("inf") if log.first is None else log.first)
        for position, log in enumerate(files):
            later = [other.first for other in files[position + 1 :] if other.first is not None]
            self._read_file(log, min(later, default=None))
        self.visits.settle()
        # Every candidate view is now counted or a repeat.
        self.tally.counted = self.tally.views = self.candidates - self.tally.repeats

    def _survey(self, path: Path) -> LogFile | None:
        """The file's format and first time, from its first lines; None if unreadable."""
        try:
            with _open(path) as stream:
                sample = list(islice(stream, SAMPLE))
        except (OSError, EOFError, zlib.error) as error:
            self.views.problems.append(f"{path}: cannot be read ({error}); skipped")
            return None
        self.views.log_files += 1
        best, best_count = None, 0
        for name in [*CLF_FORMATS, "caddy"]:
            times = [self._line_time(line, name) for line in sample]
            count = sum(t is not None for t in times)
            if count > best_count:
                best, best_count = name, count
                first = next(t for t in times if t is not None)
        return LogFile(path, best, first if best else None)

    def _line_time(self, line: bytes, format_name: str) -> float | None:
        if len(line) > MAX_LINE:
            return None
        if format_name == "caddy":
            fields = _caddy_fields(line)
            return None if fields is None else fields[1]
        match = CLF_FORMATS[format_name][1].match(line)
        return None if match is None else self._time(*match.group(2, 3, 4))

    def _time(self, hour: bytes, minute: bytes, zone: bytes) -> float | None:
        """`10/Oct/2000:13`, `:55:36` and `-0700` as UTC seconds, None for an impossible
        time; the hour's start is cached (with its zone, which changes with the clocks)."""
        if len(self.hours) > MAX_CACHED:
            self.hours.clear()
        start = _hour_start(hour, zone)
        self.hours[hour] = (start, zone)
        seconds = MINUTE_SECONDS.get(minute)
        return None if start is None or seconds is None else start + seconds

    def _read_file(self, log: LogFile, next_first: float | None) -> None:
        tally = Tally()
        split = self._split_point(log)
        if split is None:
            _, example = self._read_range(log, next_first, tally)
        else:
            example = self._read_halves(log, next_first, tally, *split)
        self.tally.add(tally)
        if tally.read and tally.malformed * 2 > tally.read:
            shown = (example or b"").decode("utf-8", "replace").rstrip("\r\n")
            shown = shown[:120] + ("…" if len(shown) > 120 else "")
            self.views.problems.append(
                f"{log.path}: {tally.malformed:,} of {tally.read:,} lines are not in a log "
                f"format Popular Posts reads ({FORMAT_NAMES}), for example {shown!r}"
            )

    def _read_range(
        self,
        log: LogFile,
        next_first: float | None,
        tally: Tally,
        start: int = 0,
        stop: int | None = None,
    ) -> tuple[int, bytes | None]:
        """The lines from byte `start` to `stop` (a plain file's; a gzip is read whole);
        returns how many were read and an example of a malformed one."""
        number = 0
        example = None
        try:
            with _open(log.path) as stream:
                stream.seek(start)
                raw = getattr(stream, "fileobj", stream)
                for lines in _chunks(stream, isinstance(stream, gzip.GzipFile), stop):
                    if log.format == "caddy":
                        newest, bad = self._caddy_lines(lines, log, number, tally)
                    elif log.format is None:
                        tally.read += len(lines)
                        tally.malformed += len(lines)
                        newest, bad = None, lines[0]
                    else:
                        newest, bad = self._clf_lines(lines, log, number, tally)
                    number += len(lines)
                    example = example or bad
                    self._settle(newest, next_first)
                    if self.progress is not None:
                        self.progress(raw.tell())
        except (OSError, EOFError, zlib.error) as error:
            self.views.problems.append(
                f"{log.path}: unreadable after line {number:,} ({error}); the rest is skipped"
            )
        return number, example

    def _split_point(self, log: LogFile) -> tuple[int, float] | None:
        """Where a big plain log can be cut in two halves read at once (the byte offset of a
        line near its middle, and that line's time), or None to read it in one go: for a small
        or compressed file, on one processor, or when readers still open from earlier files
        reach past the middle (files that overlap in time)."""
        if not (
            log.format is not None
            and not _compressed(log.path)
            and hasattr(os, "fork")
            and (os.cpu_count() or 1) > 1
            and log.path.stat().st_size >= self.split_over
        ):
            return None
        with log.path.open("rb") as stream:
            stream.seek(log.path.stat().st_size // 2)
            stream.readline()
            offset = stream.tell()
            first = next(
                (t for t in map(partial(self._line_time, format_name=log.format), stream) if t),
                None,
            )
        open_until = max((max(times) for times in self.visits.hits.values()), default=None)
        if first is None or (open_until is not None and open_until >= first):
            return None
        return offset, first

    def _read_halves(
        self, log: LogFile, next_first: float | None, tally: Tally, offset: int, middle: float
    ) -> bytes | None:
        """Read the second half in a child process while this one reads the first; the child
        decides only the readers that cannot have been seen in the first half, and sends the
        others' hits back to be decided here."""
        receive, send = os.pipe()
        child = os.fork()
        if child == 0:  # the child: read the second half, send it, and leave
            try:
                os.close(receive)
                with os.fdopen(send, "wb") as pipe:
                    pickle.dump(self._second_half(log, next_first, offset, middle), pipe)
            finally:
                os._exit(0)
        os.close(send)
        bound = middle if next_first is None else min(middle, next_first)
        number, example = self._read_range(log, bound, tally, 0, offset)
        with os.fdopen(receive, "rb") as pipe:
            try:
                half = pickle.load(pipe)
            except (EOFError, pickle.UnpicklingError):
                half = None
        os.waitpid(child, 0)
        if half is None:  # the child failed: read its half here
            _, later = self._read_range(log, next_first, tally, offset)
            return example or later
        tally.add(half.tally)
        self.candidates += half.candidates
        self.tally.repeats += half.repeats
        self.tally.counted_304 += half.counted_304
        self.views.ages.update(half.ages)
        for hit in half.explained:
            self.views.explained.append(replace(hit, line=hit.line + number))
        self.views.problems += half.problems
        for key, (times, details) in half.open.items():
            for index, moment in enumerate(times):
                detail = details.get(index)
                if detail is not None:  # (304?, file, line in the half)
                    detail = (detail[0], detail[1], detail[2] + number)
                self.visits.add(key, moment, detail)
        return example or half.example

    def _second_half(
        self, log: LogFile, next_first: float | None, offset: int, middle: float
    ) -> "Half":
        """In the child: the lines from `offset` on, with a repeat rule of its own that holds
        back every reader seen near the middle."""
        self.views = Views(self.views.now, self.views.windows)
        self.tally = self.views.logs
        self.visits = Visits(self._counted, self._repeated)
        self.visits.hold_until = middle + REPEAT_WINDOW + 2 * DISORDER
        self.candidates = 0
        self.progress = None
        tally = Tally()
        _, example = self._read_range(log, next_first, tally, offset)
        details = self.visits.details
        return Half(
            tally=tally,
            candidates=self.candidates,
            repeats=self.tally.repeats,
            counted_304=self.tally.counted_304,
            ages=self.views.ages,
            explained=self.views.explained,
            problems=self.views.problems,
            open={key: (times, details.get(key, {})) for key, times in self.visits.hits.items()},
            example=example,
        )

    def _settle(self, newest: float | None, next_first: float | None) -> None:
        """Decide the readers no line still to come (this file's or a later one's) can repeat."""
        bounds = [t for t in (newest, next_first) if t is not None]
        if bounds:
            self.visits.settle(min(bounds) - REPEAT_WINDOW - DISORDER)

    def _clf_lines(
        self, lines: list[bytes], log: LogFile, before: int, tally: Tally
    ) -> tuple[float | None, bytes | None]:
        """One chunk of a common/combined/vhost_combined log. The loop runs once per line of
        logs that hold millions, so it keeps its tallies in locals, looks up what repeats
        (hours, paths, user agents) in caches inline, and appends to the repeat rule's hits."""
        has_agent = log.format != "common"
        now, explain = self.views.now, self.explain
        posts, agents = self.posts, self.agents
        hits, held, hold_until = self.visits.hits, self.visits.held, self.visits.hold_until
        hits_get = hits.get
        malformed = not_views = bots = future = candidates = 0
        newest = None
        bad = None
        records = clf_records(lines, log.format, self.hours, self._time)
        for number, record in enumerate(records, before + 1):
            if record is None:
                malformed += 1
                bad = bad or lines[number - before - 1]
                continue
            client, moment, request, status, agent = record
            newest = moment
            if status not in VIEW_STATUSES:
                not_views += 1
                continue
            try:
                post = posts[request]
            except KeyError:
                post = self._request_post(request)
            if post is None:
                not_views += 1
                continue
            if has_agent:
                try:
                    bot = agents[agent]
                except KeyError:
                    bot = self._bot(agent)
                if bot:
                    bots += 1
                    continue
            if moment > now:
                future += 1
                continue
            candidates += 1
            key = (client, agent, post)
            if status == b"304" or post == explain:
                self._candidate(key, moment, status == b"304", log.path, number)
                continue
            times = hits_get(key)
            if times is None:
                hits[key] = [moment]
                if moment < hold_until:
                    held.add(key)
            else:
                times.append(moment)
        tally.read += len(lines)
        tally.malformed += malformed
        tally.not_views += not_views
        tally.bots += bots
        tally.future += future
        self.candidates += candidates
        return newest, bad

    def _caddy_lines(
        self, lines: list[bytes], log: LogFile, before: int, tally: Tally
    ) -> tuple[float | None, bytes | None]:
        """One chunk of a Caddy JSON access log."""
        newest = None
        bad = None
        for number, line in enumerate(lines, before + 1):
            tally.read += 1
            fields = _caddy_fields(line) if len(line) <= MAX_LINE else None
            if fields is None:
                tally.malformed += 1
                bad = bad or line
                continue
            client, moment, method, uri, status, agent = fields
            newest = moment
            post = self._post(uri.encode()) if method == "GET" else None
            if not (200 <= status < 300 or status == 304) or post is None:
                tally.not_views += 1
            elif agent is None or self._bot(agent.encode()):
                tally.bots += 1
            elif moment > self.views.now:
                tally.future += 1
            else:
                self.candidates += 1
                self._candidate((client, agent, post), moment, status == 304, log.path, number)
        return newest, bad

    def _request_post(self, request: bytes) -> str | None:
        """The post a `GET` request line asks for (None for other methods), cached."""
        if len(self.posts) > MAX_CACHED:
            self.posts.clear()
        method, _, rest = request.partition(b" ")
        post = self._post(rest.partition(b" ")[0]) if method == b"GET" else None
        self.posts[request] = post
        return post

    def _post(self, target: bytes) -> str | None:
        """The post a requested target is, cached."""
        post = self.posts.get(target, "")
        if post == "":
            post = self.posts[target] = self.resolve(
                normalise_path(target.decode("utf-8", "replace"))
            )
        return post

    def _bot(self, agent: bytes) -> bool:
        """Whether a user agent is a bot's, cached."""
        bot = self.agents.get(agent)
        if bot is None:
            if len(self.agents) > MAX_CACHED:
                self.agents.clear()
            bot = self.agents[agent] = is_bot(agent.decode("utf-8", "replace"))
        return bot

    def _candidate(
        self, key: tuple, moment: float, revalidated: bool, path: Path, number: int
    ) -> None:
        if key[2] == self.explain:
            detail = (revalidated, str(path), number)
        elif revalidated:
            detail = (True, "", 0)
        else:
            detail = None
        self.visits.add(key, moment, detail)

    def _counted(self, keys: list, moments: list[float], detailed: list) -> None:
        self.views.add_instants(map(POST_OF_KEY, keys), moments)
        self.views.add_instants((key[2] for key, _, _ in detailed), (t for _, t, _ in detailed))
        for _, moment, (revalidated, source, number) in detailed:
            self.tally.counted_304 += revalidated
            if source:
                status = 304 if revalidated else 200
                self.views.explained.append(Hit(source, number, moment, moment, status))

    def _repeated(self, key: tuple, moment: float, detail: object) -> None:
        self.tally.repeats += 1


def _chunks(stream, compressed: bool, stop: int | None = None) -> Iterator[list[bytes]]:
    """The stream's lines, a list at a time, up to byte `stop` (a line boundary) of a plain
    file; on a read error (of a compressed stream), the lines read before it come first,
    then the error."""
    if not compressed:
        position = stream.tell()
        for lines in iter(partial(stream.readlines, CHUNK_BYTES), []):
            position += sum(map(len, lines))
            if stop is not None and position >= stop:
                while position > stop:
                    position -= len(lines.pop())
                if lines:
                    yield lines
                return
            yield lines
        return
    chunk: list[bytes] = []
    try:
        for line in stream:
            chunk.append(line)
            if len(chunk) == CHUNK:
                yield chunk
                chunk = []
    except (OSError, EOFError, zlib.error):
        if chunk:
            yield chunk
        raise
    if chunk:
        yield chunk


def _compressed(path: Path) -> bool:
    """Whether a file is gzip, by its first bytes (a rotated log may lack `.gz`)."""
    with path.open("rb") as stream:
        return stream.read(2) == GZIP_MAGIC or path.suffix == ".gz"


def _open(path: Path):
    return gzip.open(path, "rb") if _compressed(path) else open(path, "rb")


def _hour_start(hour: bytes, zone: bytes) -> float | None:
    """`10/Oct/2000:13` at `-0700` as UTC seconds; None for an impossible hour or offset."""
    parts = HOUR.fullmatch(hour)
    offset = ZONE.fullmatch(zone)
    if parts is None or offset is None or parts.group(2) not in MONTHS:
        return None
    day, month, year, hour_of_day = parts.groups()
    if int(year) < EARLIEST_YEAR:
        return None
    try:
        start = datetime(int(year), MONTHS[month], int(day), int(hour_of_day), tzinfo=UTC)
    except ValueError:
        return None
    sign, hours, minutes = offset.groups()
    shift = (int(hours) * 3600 + int(minutes) * 60) * (-1 if sign == b"-" else 1)
    return start.timestamp() - shift


def _caddy_fields(line: bytes) -> tuple[str, float, str, str, int, str | None] | None:
    """(client, time, method, uri, status, user agent or None) of a Caddy access log line;
    None when it is not one."""
    try:
        entry = json.loads(line)
        request = entry["request"]
        client = request.get("client_ip") or request["remote_ip"]
        moment = _caddy_time(entry["ts"])
        method, uri, status = request["method"], request["uri"], entry["status"]
        agents = (request.get("headers") or {}).get("User-Agent")
    except (ValueError, KeyError, TypeError, AttributeError):
        return None
    if (
        moment is None
        or not all(isinstance(value, str) for value in (client, method, uri))
        or type(status) is not int
    ):
        return None
    agent = agents[0] if isinstance(agents, list) and agents else None
    return client, moment, method, uri, status, agent if isinstance(agent, str) else None


def _caddy_time(ts: object) -> float | None:
    """Caddy's `ts`: Unix seconds (its default), or an ISO 8601 time with an offset."""
    if type(ts) in (int, float):
        return float(ts)
    if isinstance(ts, str):
        moment = datetime.fromisoformat(ts)
        if moment.tzinfo is not None:
            return moment.timestamp()
    return None
