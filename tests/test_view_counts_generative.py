"""Generated traffic, counted twice: by a reference counter written from the Popular Posts rules
alone (as the README states them), as plainly as possible, and by every fast reader (the full
read and the incremental one, every format: nginx/Apache combined, Apache common and
vhost_combined, Caddy JSON, GoatCounter and Plausible CSV, the beacon's `path,date,views`).
Blogs in several time zones, east and west of UTC, with references given as days and as
instants on both sides of clock changes. The two must agree on every post in every window (and
the server's per-day counts on every post and local day), and every line or row must land in a
window or be accounted for (malformed, not a page view, a bot's, after the reference, a
repeat).

`make test` runs a few examples of each; `PATHWAYS_HYPOTHESIS_PROFILE=thorough` runs many more (see
the README's Tests section).
"""

import gzip
import json
import os
import re
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from tempfile import TemporaryDirectory
from urllib.parse import unquote
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pathways.views.daily import count_days
from pathways.views.kept_logs import LogState
from pathways.views.ranking import reference_time
from pathways.views.rules import is_bot
from pathways.views.sources import read_sources

# Seconds each (the command line in a process of its own, or many inputs): left out of
# `make test-fast`.
pytestmark = pytest.mark.slow

# These examples build no site, so the suite runs more of them than the conftest profile's
# few; the thorough profile (PATHWAYS_HYPOTHESIS_PROFILE=thorough) runs hundreds.
THOROUGH = os.environ.get("PATHWAYS_HYPOTHESIS_PROFILE") == "thorough"
EXAMPLES = 600 if THOROUGH else 12

SITE = "blog.example"
WINDOWS = ("1d", "7d", "30d", "all")
ZONES = (
    "UTC",
    "Europe/Paris",
    "America/New_York",
    "Asia/Kolkata",
    "Australia/Sydney",
    "Pacific/Kiritimati",
)
# Days around the clock changes of 2026 (the US, the EU, and Sydney's both ways).
CLOCK_CHANGES = (
    date(2026, 3, 8),
    date(2026, 3, 29),
    date(2026, 4, 5),
    date(2026, 10, 4),
    date(2026, 10, 25),
    date(2026, 11, 1),
)
POSTS = {"posts/first": "first", "posts/santé": "santé", "2019/05/old.html": "first"}
"""Paths (without slashes at either end) of posts, old addresses included, and their post."""
RESOLVE = {"/" + path: post for path, post in POSTS.items()}.get
TARGETS = (
    "/posts/first/",
    "/posts/first",
    "/posts/first/index.html",
    "/posts/first/?utm_source=feed",
    "/posts/sant%C3%A9/",
    "/2019/05/old.html?m=1",
    "/about/",
    "/theme/css/style.css",
    "/posts/unknown/",
    "/posts/first/photo.jpg",
)
BROWSERS = (
    "Mozilla/5.0 (X11; Linux x86_64; rv:120.0) Gecko/20100101 Firefox/120.0",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15"
    " (KHTML, like Gecko) Version/17.1 Mobile/15E148 Safari/604.1",
)
BOTS = ("Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)", "curl/8.5.0")
ADDRESSES = ("203.0.113.5", "198.51.100.7", "2001:db8::1")
GARBAGE = ("\x00\x00\x00 a torn line", "server restarted", '{"level": "info"}')
FORMATS = ("combined", "vhost_combined", "common", "caddy")
SERVER_ZONES = ("Europe/Berlin", "America/Los_Angeles", "Asia/Tokyo", "UTC")


# The reference counter: the rules, plainly.


@dataclass(frozen=True)
class Reference:
    """Where windows end: the end of a local day (`day` set) or an instant."""

    end: datetime
    zone: ZoneInfo
    day: date | None


@dataclass(frozen=True)
class Event:
    """One request as the server saw it."""

    moment: datetime
    address: str
    agent: str
    method: str
    target: str
    status: int
    host: str = SITE
    access_logger: bool = True


def post_of(target: str) -> str | None:
    """The post a requested address is: query dropped, percent-decoded, `index.html` and the
    slashes at either end dropped."""
    path = unquote(target.split("?")[0])
    if path.endswith("/index.html"):
        path = path[: -len("index.html")]
    return POSTS.get(path.strip("/"))


def window_start(window: str, reference: Reference) -> tuple[datetime, bool] | None:
    """When a window starts, and whether that instant is in it (None: `all`)."""
    if window == "all":
        return None
    days = int(window[:-1])
    if reference.day is None:
        return reference.end - timedelta(days=days), False
    first = reference.day - timedelta(days=days - 1)
    return datetime.combine(first, time(0), reference.zone), True


def in_window(moment: datetime, window: str, reference: Reference) -> bool:
    """Whether something seen from `moment` on (and ending by the reference) is in a window."""
    start = window_start(window, reference)
    if start is None:
        return True
    when, included = start
    return moment >= when if included else moment > when


def reference_logs(events: list[Event], log_format: str, reference: Reference, malformed: int):
    """Views per (post, window) and the outcome of every line, by the rules."""
    outcomes = Counter(malformed=malformed)
    candidates = []
    for event in events:
        post = post_of(event.target)
        if (
            not event.access_logger
            or (log_format in ("vhost_combined", "caddy") and event.host != SITE)
            or event.method != "GET"
            or not (200 <= event.status < 300 or event.status == 304)
            or post is None
        ):
            outcomes["not_views"] += 1
        elif log_format != "common" and event.agent in BOTS:
            outcomes["bots"] += 1
        elif event.moment > reference.end:
            outcomes["future"] += 1
        else:
            agent = "" if log_format == "common" else event.agent
            candidates.append((event.moment, event.address, agent, post))
    views = Counter()
    days = Counter()
    last_counted = {}
    for moment, address, agent, post in sorted(candidates):
        key = (address, agent, post)
        if count_or_repeat(key, post, moment, reference, last_counted, views, outcomes):
            days[(post, moment.astimezone(reference.zone).date())] += 1
    return views, outcomes, days


def count_or_repeat(key, post, moment, reference, last_counted, views, outcomes) -> bool:
    """The repeat rule, then the windows, for one candidate view (in time order); whether it
    was counted."""
    last = last_counted.get(key)
    if last is not None and moment - last < timedelta(minutes=30):
        outcomes["repeats"] += 1
        return False
    last_counted[key] = moment
    outcomes["counted"] += 1
    for window in WINDOWS:
        if in_window(moment, window, reference):
            views[(post, window)] += 1
    return True


# What servers and services write.


def log_line(event: Event, log_format: str, server_zone: ZoneInfo) -> str:
    if log_format == "caddy":
        logger = "http.log.access.log0" if event.access_logger else "http.handlers.reverse_proxy"
        entry = {
            "level": "info" if event.access_logger else "debug",
            "ts": event.moment.timestamp(),
            "logger": logger,
            "msg": "handled request" if event.access_logger else "upstream roundtrip",
            "request": {
                "remote_ip": event.address,
                "client_ip": event.address,
                "proto": "HTTP/2.0",
                "method": event.method,
                "host": event.host,
                "uri": event.target,
                "headers": {"User-Agent": [event.agent]},
            },
            "status": event.status,
            "size": 512,
        }
        return json.dumps(entry) + "\n"
    local = event.moment.astimezone(server_zone).strftime("%d/%b/%Y:%H:%M:%S %z")
    line = (
        f'{event.address} - - [{local}] "{event.method} {event.target} HTTP/1.1" {event.status} 512'
    )
    if log_format == "common":
        return line + "\n"
    line += f' "-" "{event.agent}"\n'
    return f"{event.host}:443 {line}" if log_format == "vhost_combined" else line


# Strategies.


@st.composite
def references(draw, instant: bool = True) -> Reference:
    zone = ZoneInfo(draw(st.sampled_from(ZONES)))
    day = draw(st.sampled_from(CLOCK_CHANGES)) + timedelta(days=draw(st.integers(-3, 35)))
    if instant and draw(st.booleans()):
        at = time(draw(st.integers(0, 23)), draw(st.sampled_from([0, 30, 59])))
        return Reference(datetime.combine(day, at, zone).astimezone(UTC), zone, None)
    end = datetime.combine(day + timedelta(days=1), time(0), zone) - timedelta(microseconds=1)
    return Reference(end.astimezone(UTC), zone, day)


def edges(reference: Reference) -> list[datetime]:
    """Instants where a rule changes its mind: window starts and the reference, ±1 s."""
    points = [reference.end.replace(microsecond=0)]
    for window in WINDOWS:
        start = window_start(window, reference)
        if start is not None:
            points.append(start[0].replace(microsecond=0).astimezone(UTC))
    return [point + timedelta(seconds=shift) for point in points for shift in (-1, 0, 1)]


@st.composite
def traffic(draw, reference: Reference, log_format: str) -> list[Event]:
    points = edges(reference)
    events: list[Event] = []
    for _ in range(draw(st.integers(1, 30))):
        how = draw(st.sampled_from(["anywhere", "edge", "soon after", "long ago"]))
        if how == "edge" or (not events and how == "soon after"):
            moment = draw(st.sampled_from(points))
        elif how == "soon after":
            moment = events[-1].moment + timedelta(seconds=draw(st.integers(0, 2400)))
        elif how == "long ago":
            moment = datetime(draw(st.integers(1990, 1996)), 6, 1, 12, tzinfo=UTC)
        else:
            offset = draw(st.integers(-40 * 86_400, 2 * 86_400))
            moment = reference.end.replace(microsecond=0) + timedelta(seconds=offset)
        events.append(
            Event(
                moment=moment,
                address=draw(st.sampled_from(ADDRESSES)),
                agent=draw(st.sampled_from(BROWSERS + BROWSERS + BOTS)),
                method=draw(st.sampled_from(["GET", "GET", "GET", "HEAD", "POST"])),
                target=draw(st.sampled_from(TARGETS)),
                status=draw(st.sampled_from([200, 200, 200, 304, 206, 404, 301])),
                host=draw(st.sampled_from([SITE, SITE, SITE, "other.example"]))
                if log_format in ("vhost_combined", "caddy")
                else SITE,
                access_logger=draw(st.booleans()) or draw(st.booleans())
                if log_format == "caddy"
                else True,
            )
        )
    return events


def readers_counts(read, reference: Reference, hosts: frozenset[str]):
    """What a fast reader (`read_sources` or `LogState().read`) gives, as the reference's."""
    now = reference_time(reference.day or reference.end, reference.zone.key)
    assert now == reference.end
    views = read(
        now,
        timezone=reference.zone.key,
        whole_days=reference.day is not None,
        hosts=hosts,
    )
    counts = Counter({key: n for key, n in views.counts.items() if n})
    return views, counts


def tally(views, kind: str) -> Counter:
    part = getattr(views, kind)
    names = ("malformed", "not_views", "bots", "future", "repeats", "counted")
    return Counter({name: getattr(part, name) for name in names if getattr(part, name)})


@settings(max_examples=EXAMPLES * 2)
@given(data=st.data())
def test_every_log_reader_counts_as_the_rules_say(data):
    log_format = data.draw(st.sampled_from(FORMATS), "format")
    reference = data.draw(references(), "reference")
    server_zone = ZoneInfo(data.draw(st.sampled_from(SERVER_ZONES), "server zone"))
    events = sorted(data.draw(traffic(reference, log_format), "events"), key=lambda e: e.moment)
    lines = [log_line(event, log_format, server_zone) for event in events]
    garbage = data.draw(st.lists(st.sampled_from(GARBAGE), max_size=2), "garbage")
    for line in garbage:
        lines.insert(data.draw(st.integers(1, len(lines)), "where"), line + "\n")
    # Older lines in a rotated, compressed file; the newest in the live log, which grows.
    cut = data.draw(st.integers(0, len(lines)), "rotated")
    grown = data.draw(st.integers(cut, len(lines)), "read before it grew")
    with TemporaryDirectory() as folder:
        base = Path(folder)
        if cut:
            with gzip.open(base / "access.log.1.gz", "wt", encoding="utf-8") as rotated:
                rotated.writelines(lines[:cut])
        live = base / "access.log"
        live.write_text("".join(lines[cut:grown]), encoding="utf-8")
        state = LogState()
        if data.draw(st.booleans(), "new lines read in two halves at once"):
            state.split_over = 0
        hosts = frozenset([SITE])

        def incremental(now, **options):
            views, _ = state.read(["access.log*"], RESOLVE, now, WINDOWS, base=base, **options)
            return views

        def full(now, **options):
            return read_sources(["access.log*"], RESOLVE, now, WINDOWS, base=base, **options)

        incremental(reference.end, timezone=reference.zone.key, hosts=hosts)
        with live.open("a", encoding="utf-8") as log:
            log.writelines(lines[grown:])
        expected, outcomes, days = reference_logs(events, log_format, reference, len(garbage))
        for read in (full, incremental):
            views, counts = readers_counts(read, reference, hosts)
            assert counts == expected, read.__name__
            assert tally(views, "logs") == +outcomes, read.__name__
            assert views.logs.read == len(lines)
            # Malformed lines are reported, each log's with their number.
            reported = [re.match(r".*?: (\d+) of", problem) for problem in views.problems]
            assert sum(int(found.group(1)) for found in reported if found) == len(garbage)
        # The server's per-day counts (what `pathways views count` keeps), by local day.
        kept = count_days(
            state,
            ["access.log*"],
            RESOLVE,
            reference.end,
            base=base,
            timezone=reference.zone.key,
            hosts=hosts,
        )
        assert kept.views == days


@st.composite
def csv_sources(draw, reference: Reference):
    """A beacon export, a GoatCounter export and a Plausible export with its period."""
    zone = reference.zone
    near = [reference.end.astimezone(zone).date() + timedelta(days=n) for n in range(-40, 3)]
    plain = draw(
        st.lists(
            st.tuples(st.sampled_from(TARGETS), st.sampled_from(near), st.integers(0, 9)),
            max_size=12,
        )
    )
    moments = st.one_of(
        st.sampled_from(edges(reference)),
        st.integers(-40 * 86_400, 2 * 86_400).map(
            lambda s: reference.end.replace(microsecond=0) + timedelta(seconds=s)
        ),
    )
    goat = draw(
        st.lists(
            st.tuples(
                st.sampled_from(TARGETS),
                st.sampled_from(["", "s1", "s2"]),
                st.sampled_from(["0", "0", "4"]),
                moments,
            ),
            max_size=12,
        )
    )
    first = draw(st.sampled_from(near))
    period = (first, first + timedelta(days=draw(st.integers(0, 40))))
    plausible = draw(st.lists(st.tuples(st.sampled_from(TARGETS), st.integers(0, 50)), max_size=5))
    return plain, goat, period, plausible


def reference_rows(plain, goat, period, plausible, reference: Reference):
    """Views per (post, window) and each row's outcome, by the rules: per-day rows and periods
    are local days; GoatCounter rows are instants, repeats by session."""
    zone = reference.zone
    views = Counter()
    outcomes = Counter()

    def days(first: date, last: date, count: int, target: str) -> None:
        post = post_of(target)
        start = datetime.combine(first, time(0), zone)
        end = datetime.combine(last + timedelta(days=1), time(0), zone) - timedelta(seconds=1)
        if post is None:
            outcomes["not_views"] += 1
        elif end > reference.end:
            outcomes["future"] += 1
        else:
            outcomes["counted"] += 1
            for window in WINDOWS:
                if in_window(start, window, reference):
                    views[(post, window)] += count

    for target, day, count in plain:
        days(day, day, count, target)
    for target, count in plausible:
        days(*period, count, target)
    last_counted = {}
    for number, (target, session, bot, moment) in sorted(
        enumerate(goat), key=lambda row: (row[1][3], row[0])
    ):
        post = post_of(target)
        if post is None:
            outcomes["not_views"] += 1
        elif bot != "0":
            outcomes["bots"] += 1
        elif moment > reference.end:
            outcomes["future"] += 1
        else:
            key = (session or number, post)
            count_or_repeat(key, post, moment, reference, last_counted, views, outcomes)
    return views, outcomes


@settings(max_examples=EXAMPLES)
@given(data=st.data())
def test_every_csv_source_counts_in_local_days_as_the_rules_say(data):
    reference = data.draw(references(), "reference")
    plain, goat, period, plausible = data.draw(csv_sources(reference), "rows")
    with TemporaryDirectory() as folder:
        base = Path(folder)
        (base / "beacon.csv").write_text(
            "path,date,views\n" + "".join(f"{t},{d},{n}\n" for t, d, n in plain)
        )
        (base / "goatcounter.csv").write_text(
            "2Path,Title,Event,UserAgent,Browser,System,Session,Bot,Referrer,Referrer scheme,"
            "Screen size,Location,FirstVisit,Date\n"
            + "".join(
                f"{t},T,false,,Firefox 120,Linux,{s},{b},,,,NL,true,"
                f"{m.astimezone(UTC).isoformat().replace('+00:00', 'Z')}\n"
                for t, s, b, m in goat
            )
        )
        (base / "pages.csv").write_text(
            "name,visitors,pageviews\n" + "".join(f"{t},1,{n}\n" for t, n in plausible)
        )
        sources = ["beacon.csv", "goatcounter.csv", f"pages.csv {period[0]}..{period[1]}"]
        state = LogState()

        def incremental(now, **options):
            views, _ = state.read(sources, RESOLVE, now, WINDOWS, base=base, **options)
            return views

        def full(now, **options):
            return read_sources(sources, RESOLVE, now, WINDOWS, base=base, **options)

        expected, outcomes = reference_rows(plain, goat, period, plausible, reference)
        for read in (full, incremental):
            views, counts = readers_counts(read, reference, frozenset())
            assert counts == expected, read.__name__
            assert tally(views, "rows") == +outcomes, read.__name__
            assert views.rows.read == len(plain) + len(goat) + len(plausible)


def test_the_reference_labels_agents_as_the_bot_rule_does():
    assert not any(is_bot(agent) for agent in BROWSERS)
    assert all(is_bot(agent) for agent in BOTS)
