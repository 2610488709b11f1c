"""Is this log line a page view? The one rule, applied by every reader of access logs (the
full read in `logs`, the incremental one in `kept_logs`).

Formats: nginx and Apache `combined`, Apache `common` (no user agent: nobody is a bot, and a
reader is their address) and `vhost_combined` (`host:port` first), and Caddy's JSON access
log (the address is `request.client_ip`, else `request.remote_ip`; the time is `ts`). A line
is, in this order:

- malformed: too long, not of its file's format, or at an impossible time;
- not a page view: a line of another Caddy logger (a reverse proxy's debug lines, say), a
  request for another host than the site's (when the site's hosts are known and the format
  names one), not a `GET`, or not answered 2xx or 304 Not Modified;
- a bot's request for a path (a crawler, a script, an empty user agent);
- a candidate view: a path, a time, a reader (address and user agent), and whether it was a
  304.

Whether the path is a post's, whether the time is after the reference and whether the view is
a repeat depend on the build, and are decided by the readers (see `rules`).
"""

import json
import re
from collections.abc import Iterator
from datetime import UTC, datetime

from pathways.views.rules import is_bot, normalise_path

MAX_LINE = 16_384
MAX_CACHED = 100_000
MALFORMED, NOT_VIEW, BOT, CANDIDATE = range(4)
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
ACCESS_LOGGER = "http.log.access"
"""Caddy's access loggers are named this, or this and `.` and a name."""


def _clf(vhost: bool, agent: bool, quoted: bytes) -> re.Pattern:
    """The pattern of a common-log-format line; `quoted` is how a quoted field is matched."""
    field = b'"(' + quoted + b')"'
    pattern = (
        (rb"(\S++) " if vhost else rb"()")
        + rb"(\S++) \S++ \S++ \[([^:\]]++:\d\d)(:\d\d:\d\d) ([^\]]++)\] "
        + field
        + rb" (\d{3}) (?:\d++|-)"
        + (b" " + field + b" " + field if agent else rb"()()\r?\n?\Z")
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
LOG_FORMATS = (*CLF_FORMATS, "caddy")
FORMAT_NAMES = "nginx or Apache combined, Apache common or vhost_combined, Caddy JSON"

Line = tuple[int, float | None, str | None, tuple | None, bool, bytes | str | None]
"""(kind, time, path, reader, 304?, referrer): the kind is MALFORMED, NOT_VIEW, BOT or
CANDIDATE; the time is set for every line but a malformed one, the path for a bot's and a
candidate's, the reader (address and user agent: bytes from a common log format line, text
from Caddy's) and the referrer as written (None when the format has none) for a
candidate's."""

_MALFORMED: Line = (MALFORMED, None, None, None, False, None)


class LineRules:
    """Classifies lines (see the module's docstring), with the caches a log of millions of
    lines needs: hours, request targets and user agents repeat."""

    def __init__(self, hosts: frozenset[str] = frozenset()) -> None:
        self.hosts = hosts
        """The site's host names (lower case, without `www.`); empty: every host is the
        site's."""
        self.hours: dict[bytes, tuple[float | None, bytes]] = {}
        self.targets: dict[bytes, str | None] = {}
        self.agents: dict[bytes, bool] = {}

    def lines(self, lines: list[bytes], log_format: str | None) -> Iterator[Line]:
        """Each line of a chunk of a log in `log_format` (None: no line of it is readable)."""
        if log_format is None:
            return iter([_MALFORMED] * len(lines))
        if log_format == "caddy":
            return map(self._caddy, lines)
        return self._clf(lines, log_format)

    def line_time(self, line: bytes, log_format: str) -> float | None:
        """The time of a line of `log_format` that is one (for finding a file's format)."""
        if len(line) > MAX_LINE:
            return None
        if log_format == "caddy":
            entry = _caddy_entry(line)
            return None if entry is None else entry[1]
        match = CLF_FORMATS[log_format][1].match(line)
        return None if match is None else self.time(*match.group(3, 4, 5))

    def time(self, hour: bytes, minute: bytes, zone: bytes) -> float | None:
        """`10/Oct/2000:13`, `:55:36` and `-0700` as UTC seconds, None for an impossible
        time; the hour's start is cached (with its zone, which changes with the clocks)."""
        if len(self.hours) > MAX_CACHED:
            self.hours.clear()
        start = _hour_start(hour, zone)
        self.hours[hour] = (start, zone)
        seconds = MINUTE_SECONDS.get(minute)
        return None if start is None or seconds is None else start + seconds

    def _clf(self, lines: list[bytes], log_format: str) -> Iterator[Line]:
        """Lines of a common/combined/vhost_combined log. Runs once per line of logs that
        hold millions, so what repeats (hours, targets, user agents) is looked up inline."""
        fast, exact = (pattern.match for pattern in CLF_FORMATS[log_format])
        has_agent = log_format != "common"
        hours, targets, agents, hosts = self.hours, self.targets, self.agents, self.hosts
        for line in lines:
            if len(line) > MAX_LINE:
                found = None
            elif (found := fast(line)) is None:
                found = exact(line)
            if found is None:
                yield _MALFORMED
                continue
            host, client, hour, minute, zone, request, status, referrer, agent = found.groups()
            try:  # the cache's misses raise KeyError, an impossible time TypeError
                start, written_zone = hours[hour]
                moment = start + MINUTE_SECONDS[minute]
                if written_zone != zone:
                    raise KeyError(zone)
            except (KeyError, TypeError):
                moment = self.time(hour, minute, zone)
                if moment is None:
                    yield _MALFORMED
                    continue
            if agent.endswith(b"\\"):
                found = exact(line)
                host, client, hour, minute, zone, request, status, referrer, agent = found.groups()
            if status not in VIEW_STATUSES or (hosts and host and not self._site(host)):
                yield (NOT_VIEW, moment, None, None, False, None)
                continue
            try:
                path = targets[request]
            except KeyError:
                path = self._request_path(request)
            if path is None:
                yield (NOT_VIEW, moment, None, None, False, None)
                continue
            if has_agent:
                try:
                    bot = agents[agent]
                except KeyError:
                    bot = self._bot(agent)
                if bot:
                    yield (BOT, moment, path, None, False, None)
                    continue
            yield (CANDIDATE, moment, path, (client, agent), status == b"304", referrer or None)

    def _caddy(self, line: bytes) -> Line:
        """One line of a Caddy JSON log."""
        entry = _caddy_entry(line) if len(line) <= MAX_LINE else None
        if entry is None:
            return _MALFORMED
        access, moment, host, client, method, uri, status, agent, referrer = entry
        if (
            not access
            or method != "GET"
            or not (200 <= status < 300 or status == 304)
            or (self.hosts and host and not self._site(host.encode()))
        ):
            return (NOT_VIEW, moment, None, None, False, None)
        path = normalise_path(uri)
        if agent is None or self._bot(agent.encode()):
            return (BOT, moment, path, None, False, None)
        return (CANDIDATE, moment, path, (client, agent), status == 304, referrer)

    def _site(self, host: bytes) -> bool:
        """Whether a `host[:port]` is the site's (with or without `www.`)."""
        name = host.decode("ascii", "replace").lower()
        if not name.startswith("["):
            name = name.rsplit(":", 1)[0]
        return name.rstrip(".").removeprefix("www.") in self.hosts

    def _request_path(self, request: bytes) -> str | None:
        """The path a `GET` request line asks for (None for other methods), cached."""
        if len(self.targets) > MAX_CACHED:
            self.targets.clear()
        method, _, rest = request.partition(b" ")
        path = (
            normalise_path(rest.partition(b" ")[0].decode("utf-8", "replace"))
            if method == b"GET"
            else None
        )
        self.targets[request] = path
        return path

    def _bot(self, agent: bytes) -> bool:
        """Whether a user agent is a bot's, cached."""
        if len(self.agents) > MAX_CACHED:
            self.agents.clear()
        bot = self.agents[agent] = is_bot(agent.decode("utf-8", "replace"))
        return bot


def malformed_problem(path: object, malformed: int, read: int, example: bytes | None) -> str:
    """What a log's malformed lines are reported as, with the first of them."""
    shown = (example or b"").decode("utf-8", "replace").rstrip("\r\n")
    shown = shown[:120] + ("…" if len(shown) > 120 else "")
    return (
        f"{path}: {malformed:,} of {read:,} lines are not in a log format Popular Posts reads "
        f"({FORMAT_NAMES}) and are not counted, for example {shown!r}"
    )


def _hour_start(hour: bytes, zone: bytes) -> float | None:
    """`10/Oct/2000:13` at `-0700` as UTC seconds; None for an impossible hour or offset."""
    parts = HOUR.fullmatch(hour)
    offset = ZONE.fullmatch(zone)
    if parts is None or offset is None or parts.group(2) not in MONTHS:
        return None
    day, month, year, hour_of_day = parts.groups()
    try:
        start = datetime(int(year), MONTHS[month], int(day), int(hour_of_day), tzinfo=UTC)
    except ValueError:
        return None
    sign, hours, minutes = offset.groups()
    shift = (int(hours) * 3600 + int(minutes) * 60) * (-1 if sign == b"-" else 1)
    return start.timestamp() - shift


CaddyEntry = tuple[bool, float, str, str, str, str, int, str | None, str | None]


def _caddy_entry(line: bytes) -> CaddyEntry | None:
    """(an access logger's?, time, host, client, method, uri, status, user agent, referrer)
    of a Caddy log line (the last two None when not sent); None when it is not one. Another
    logger's line (one with no request, say) is an entry with only its time."""
    try:
        entry = json.loads(line)
        moment = _caddy_time(entry["ts"])
        logger = entry.get("logger", ACCESS_LOGGER)
    except (ValueError, KeyError, TypeError, AttributeError, OverflowError):
        return None
    if moment is None or not isinstance(logger, str):
        return None
    if logger != ACCESS_LOGGER and not logger.startswith(ACCESS_LOGGER + "."):
        return False, moment, "", "", "", "", 0, None, None
    try:
        request = entry["request"]
        client = request.get("client_ip") or request["remote_ip"]
        method, uri, status = request["method"], request["uri"], entry["status"]
        host = request.get("host", "")
        headers = request.get("headers") or {}
        agents, referrers = headers.get("User-Agent"), headers.get("Referer")
    except (KeyError, TypeError, AttributeError):
        return None
    if not all(isinstance(value, str) for value in (client, method, uri, host)) or (
        type(status) is not int
    ):
        return None
    return True, moment, host, client, method, uri, status, _first(agents), _first(referrers)


def _first(values: object) -> str | None:
    """The first value of a header as Caddy logs it (a list of strings), if any."""
    value = values[0] if isinstance(values, list) and values else None
    return value if isinstance(value, str) else None


def _caddy_time(ts: object) -> float | None:
    """Caddy's `ts`: Unix seconds (its default), or an ISO 8601 time with an offset."""
    if type(ts) in (int, float):
        return float(ts) if ts == ts and abs(ts) < 1e11 else None
    if isinstance(ts, str):
        moment = datetime.fromisoformat(ts)
        if moment.tzinfo is not None:
            return moment.timestamp()
    return None
