"""Synthetic web-server access logs with a known "Popular Posts" answer.

``generate(folder, fmt, now, ...)`` writes about five weeks of access log for a small blog into
``folder`` as a rotated set and returns the exact answer a correct "Popular Posts" reader must
produce (an ``Expected``).  The answer is built from the generator's own event list (every line is
created with its intended outcome); it is never obtained by parsing the written text.  Before
anything is written, an independent rule-by-rule classifier (``classify``) is run over the same
structured events and must agree with every intended outcome, otherwise ``generate`` raises.

Formats (``fmt``) and their lines
---------------------------------
``nginx_combined``
    ``$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent
    "$http_referer" "$http_user_agent"`` (a 304 or HEAD writes ``0`` bytes).
``apache_common``
    ``%h %l %u %t "%r" %>s %b`` (``%b`` writes ``-`` for zero bytes).  No user agent.
``apache_combined``
    ``%h %l %u %t "%r" %>s %b "%{Referer}i" "%{User-Agent}i"``.
``apache_vhost_combined``
    ``%v:%p %h %l %u %t "%r" %>s %O "%{Referer}i" "%{User-Agent}i"`` (Debian's definition; %O
    counts headers too, so it is never 0).
``caddy_json``
    One Caddy v2 ``http.log.access`` JSON object per line: ``ts`` (Unix seconds as a float,
    written like Go's ``strconv.FormatFloat(f, 'f', -1, 64)``, so a whole second has no ``.0``),
    ``request.remote_ip``, ``request.client_ip`` (absent on some lines), ``request.method``,
    ``request.uri``, ``request.headers["User-Agent"]`` (absent when the client sent none),
    ``status``, ``size`` and the other usual fields.

The CLF formats write the server's local time, Europe/Berlin, with its offset (``+0200`` before
the autumn change, ``+0100`` after).  Caddy writes UTC Unix time.

Files
-----
logrotate style (all CLF formats): ``access.log`` (newest), ``access.log.1`` (plain, as with
``delaycompress``), ``access.log.2.gz``, ``access.log.3.gz`` (gzip, original name in the header).
Caddy (lumberjack, compression on by default): ``access.log`` and three backups
``access-<UTC rotation time as 2006-01-02T15-04-05.000>.log.gz``; the time in a backup's name is
the moment it was rotated away, i.e. the time of the first line of the next newer file.  Files
are written in a seed-dependent shuffled order and each file's mtime is its last line's time, so
nothing about listing order or creation order carries meaning.  Lines inside a file are in time
order and the files do not overlap in time.  Every file ends with ``\\n``; that final newline does
not start another line.  ``folder`` must be empty or absent.

Counting rules (the specification the reader must meet)
-------------------------------------------------------
Each line is classified, in this order, as the first that applies:

1. ``malformed``: cannot be parsed in the file's format.  An empty line counts as read and as
   malformed.  Kinds present: a run of NUL bytes followed by the tail of a line, a line cut off in
   the middle of the request, a 100,000-character line, a line dated ``31/Feb/2026`` (Caddy: a
   ``ts`` that is the string ``"2026-02-31T10:15:00Z"`` instead of a number), a line of free text
   (a server message), an empty line.
2. ``not_views``: anything but a GET answered with 2xx or 304 whose path (query dropped, then
   percent-decoded as UTF-8) is ``/posts/<slug>/``, ``/posts/<slug>`` or
   ``/posts/<slug>/index.html`` for a known slug, or exactly one of the old paths in ``old_urls``.
   Present: HEAD, POST, OPTIONS, PUT, DELETE, PROPFIND; 301, 302, 404, 405, 500, 502, 503; assets;
   ``/``, ``/tags/..``, ``/about/``, ``/posts/``, unknown posts (404 and one answered 200),
   sub-paths of posts, feeds, robots.txt, scanners, an unmapped old-style URL, a 301 from an
   old URL.
3. ``bots``: user agent recognised by crawlerdetect 0.4.2, or empty, or ``-``, or absent.  In
   ``apache_common`` there is no user agent, so no line is a bot.
4. ``future``: after ``now``.
5. ``repeats``: the same key had a *counted* view ``0 <= t - last_counted < 1800`` seconds
   earlier, in time order over all files.  The key is (client address, user agent, slug), or
   (client address, slug) in ``apache_common``.  For Caddy the client address is
   ``request.client_ip`` when present, else ``request.remote_ip``.
6. ``counted``: in window ``Nd`` when ``now - N days < t <= now``; in ``all`` when ``t <= now``.

Built-in cases (all with a known answer)
----------------------------------------
About 2,000 ordinary human reads of posts over ~36 days with sessions, assets, reloads (repeats),
revalidations (304), redirects, IPv4 and IPv6 clients and shared addresses; a few hundred bot
lines; and deliberate cases: window edges (``now - 7 d`` excluded, ``+1 s`` included, same for
30 d; a hit exactly at ``now`` counted; the same visitor at ``now + 1 s`` is ``future``, not a
repeat; a bot after ``now`` is a bot); the autumn clock change (both 02:30 local lines, a pair
20 real minutes apart that looks 40 minutes backwards, a pair 85 real minutes apart that looks 25
minutes apart); NAT (two browsers, one address, within a minute: two views, one in
``apache_common``); a repeat pair split across the rotation between the third and the second
newest file; gaps of exactly 30:00 (two views) and 29:59 (one); a chain showing that only counted
views start the 30-minute window; two lines in the same second; 304s that count and one that is a
repeat; Caddy lines behind a proxy and without ``client_ip``; the non-ASCII slug percent-encoded
(upper and lower case hex) and ASCII slugs with needless escapes; query strings; old URLs.

Ordinary Caddy lines carry a random sub-second part in ``ts``; the deliberate edge cases are
whole seconds.  Ordinary traffic stays 5 s away from window edges and keeps same-key reads either
under 20 minutes or over 2 hours apart, so the answer is the same whether a reader keeps or drops
fractions of a second (``classify(..., exact=True)`` checks this).

Only the Python standard library is used.
"""

from __future__ import annotations

import gzip
import json
import os
import random
import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from urllib.parse import quote
from zoneinfo import ZoneInfo

FORMATS = (
    "nginx_combined",
    "apache_common",
    "apache_combined",
    "apache_vhost_combined",
    "caddy_json",
)
SERVER_TZ = ZoneInfo("Europe/Berlin")
HOST = "blog.example.org"
DAY = 86_400
REPEAT_SECONDS = 1_800
WINDOWS = {"7d": 7 * DAY, "30d": 30 * DAY}
WINDOW_NAMES = ("7d", "30d", "all")

MALFORMED = "malformed"
NOT_VIEW = "not_view"
BOT = "bot"
FUTURE = "future"
REPEAT = "repeat"
COUNTED = "counted"
OUTCOMES = (MALFORMED, NOT_VIEW, BOT, FUTURE, REPEAT, COUNTED)

DEFAULT_POSTS = [
    "hello-world",
    "self-hosting-a-year-later",
    "sqlite-wal-mode",
    "santé",
    "rust-lifetimes-explained",
    "nginx-caching-tricks",
    "python-dataclasses-deep-dive",
    "why-i-switched-to-caddy",
    "backup-strategy",
    "debugging-dns",
    "home-lab-tour",
    "2026-reading-list",
]
DEFAULT_OLD_URLS = {
    "/2023/05/hello-world.html": "hello-world",
    "/2024/01/sqlite-wal.html": "sqlite-wal-mode",
    "/2024/09/sante.html": "santé",
}

BROWSER_UAS = [
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/142.0.0.0 Safari/537.36",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/142.0.0.0 Safari/537.36",
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/141.0.0.0 Safari/537.36",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/142.0.0.0 Safari/537.36 Edg/142.0.0.0",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:145.0) Gecko/20100101 Firefox/145.0",
    "Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:145.0) Gecko/20100101 Firefox/145.0",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10.15; rv:144.0) Gecko/20100101 Firefox/144.0",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/26.1 Safari/605.1.15",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 18_7 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/26.1 Mobile/15E148 Safari/604.1",
    "Mozilla/5.0 (iPad; CPU OS 18_7 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/26.1 Mobile/15E148 Safari/604.1",
    "Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/142.0.0.0 Mobile Safari/537.36",
    "Mozilla/5.0 (Linux; Android 14; SAMSUNG SM-S921B) AppleWebKit/537.36 (KHTML, like Gecko) "
    "SamsungBrowser/28.0 Chrome/130.0.0.0 Mobile Safari/537.36",
    "Mozilla/5.0 (Android 15; Mobile; rv:145.0) Gecko/145.0 Firefox/145.0",
]
BROWSER_WEIGHTS = [18, 8, 3, 6, 7, 3, 2, 7, 16, 3, 14, 4, 2]

# Every entry is recognised as a crawler by crawlerdetect 0.4.2 (checked by selfcheck.py).
BOT_UAS = {
    "googlebot": "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
    "googlebot_mobile": "Mozilla/5.0 (Linux; Android 6.0.1; Nexus 5X Build/MMB29P) "
    "AppleWebKit/537.36 (KHTML, like Gecko) Chrome/141.0.7390.122 Mobile Safari/537.36 "
    "(compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
    "bingbot": "Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; bingbot/2.0; "
    "+http://www.bing.com/bingbot.htm) Chrome/116.0.1938.76 Safari/537.36",
    "ahrefsbot": "Mozilla/5.0 (compatible; AhrefsBot/7.0; +http://ahrefs.com/robot/)",
    "yandexbot": "Mozilla/5.0 (compatible; YandexBot/3.0; +http://yandex.com/bots)",
    "gptbot": "Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; GPTBot/1.2; "
    "+https://openai.com/gptbot)",
    "facebook": "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)",
    "mastodon": "Mastodon/4.3.2 (http.rb/5.2.0; +https://mastodon.social/) Bot",
    "curl": "curl/8.5.0",
    "python_requests": "python-requests/2.32.3",
    "go_http": "Go-http-client/1.1",
    "go_http2": "Go-http-client/2.0",
    "freshrss": "FreshRSS/1.25.0 (Linux; https://freshrss.org)",
    "feedly": "Feedly/1.0 (+http://www.feedly.com/fetcher.html; 20 subscribers)",
}
# Bots by rule rather than by crawlerdetect: empty, "-", or no User-Agent header at all (None).
EMPTY_UAS: tuple[str | None, ...] = ("", "-", None)

BOT_ADDRESSES = {
    "googlebot": ["66.249.66.{}", "66.249.68.{}", "66.249.79.{}"],
    "googlebot_mobile": ["66.249.66.{}", "66.249.72.{}"],
    "bingbot": ["40.77.167.{}", "207.46.13.{}", "157.55.39.{}"],
    "ahrefsbot": ["54.36.148.{}", "5.39.1.{}"],
    "yandexbot": ["5.255.231.{}", "213.180.203.{}"],
    "gptbot": ["20.171.207.{}"],
    "facebook": ["2a03:2880:f800:{}::"],
    "mastodon": ["2001:db8:70:{}::1", "192.0.2.{}"],
}
HOURLY_WEIGHT = [2, 1, 1, 1, 1, 2, 4, 7, 9, 10, 10, 10, 9, 9, 9, 9, 9, 9, 10, 11, 11, 9, 6, 4]
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
REFERERS = [
    "-",
    "-",
    "-",
    "https://www.google.com/",
    "https://duckduckgo.com/",
    "https://news.ycombinator.com/",
    "https://mastodon.social/",
    "https://www.bing.com/",
    f"https://{HOST}/",
]
CADDY_PROXIES = ["172.71.182.31", "172.70.242.90", "2a06:98c0:3600::103"]
SCENARIO_PROXY = "172.18.0.2"
HUGE_LINE_CHARS = 100_000


@dataclass
class Expected:
    """The right answer for one generated folder (see the module docstring for the rules)."""

    views: dict[str, dict[str, int]]
    read: int
    malformed: int
    not_views: int
    bots: int
    repeats: int
    future: int
    counted: int
    counted_304: int
    explain: dict[str, list[tuple[str, int]]]


@dataclass(slots=True)
class Event:
    """One log line as the generator means it, with its intended outcome."""

    t: int
    intent: str
    intent_common: str
    seq: int = -1
    addr: str = ""
    ua: str | None = None
    bot: bool = False
    method: str = "GET"
    target: str = "/"
    status: int = 200
    size: int = 0
    slug: str | None = None
    referer: str = "-"
    proto: str = "HTTP/2.0"
    port: int = 443
    frac_us: int = 0
    proxy: str | None = None
    client_ip_field: bool = True
    malformed: str | None = None
    note: str = ""


@dataclass
class Plan:
    """Everything generated for one (now, seed, posts, old_urls): events and rotation times."""

    now: int
    start: int
    rotations: tuple[int, int, int]
    posts: list[str]
    old_urls: dict[str, str]
    events: list[Event] = field(default_factory=list)


@dataclass
class LogFile:
    """One file of the rotated set with its events in line order."""

    name: str
    gz: bool
    inner_name: str
    events: list[Event]


# --------------------------------------------------------------------------- small helpers


def is_bot_ua(ua: str | None) -> bool:
    """Whether a user agent is a bot by construction (crawler list or empty/``-``/absent)."""
    return ua in EMPTY_UAS or ua in BOT_UAS.values()


def would_be_view(ev: Event) -> bool:
    """GET answered 2xx/304 on a view path of a known post (the event's ``slug``)."""
    ok = 200 <= ev.status < 300 or ev.status == 304
    return ev.malformed is None and ev.method == "GET" and ok and ev.slug is not None


def intent_for(ev: Event, fmt: str) -> str:
    """The intended outcome of an event in a given format."""
    return ev.intent_common if fmt == "apache_common" else ev.intent


def event_order(ev: Event) -> tuple[int, int, int]:
    """Sort key: time, then sub-second part, then creation order."""
    return (ev.t, ev.frac_us, ev.seq)


def post_path(slug: str, form: str = "dir") -> str:
    """The percent-encoded path of a post: form is ``dir``, ``bare`` or ``index``."""
    suffix = {"dir": "/", "bare": "", "index": "/index.html"}[form]
    return quote(f"/posts/{slug}{suffix}", safe="/")


def _lower_hex(path: str) -> str:
    return re.sub(r"%[0-9A-F]{2}", lambda m: m.group().lower(), path)


def _epoch(dt: datetime) -> int:
    return int(dt.timestamp())


def _local_midnight(day: date) -> int:
    return _epoch(datetime.combine(day, time(0), tzinfo=SERVER_TZ))


def _local_date(t: int) -> date:
    return datetime.fromtimestamp(t, SERVER_TZ).date()


def _fall_back_instant(start: int, end: int) -> int | None:
    """The last instant in [start, end] where the server's UTC offset decreases."""
    found = None
    prev = datetime.fromtimestamp(start, SERVER_TZ).utcoffset()
    for t in range(start - start % 3600 + 3600, end, 3600):
        off = datetime.fromtimestamp(t, SERVER_TZ).utcoffset()
        if prev is not None and off is not None and off < prev:
            found = t
        prev = off
    return found


# --------------------------------------------------------------------------- the builder


class _Builder:
    """Collects events, hands out scenario addresses, remembers would-be views by key."""

    def __init__(self, plan: Plan, rng: random.Random) -> None:
        self.plan = plan
        self.rng = rng
        self.by_key: dict[tuple[str, ...], list[int]] = defaultdict(list)
        self.n_addr = 0
        self.local_day = _local_date(plan.now)
        self.ordinary_views = 0

    @property
    def now(self) -> int:
        return self.plan.now

    def post(self, i: int) -> str:
        return self.plan.posts[i % len(self.plan.posts)]

    def fresh_addr(self) -> str:
        """A scenario-only address: 198.51.100.0/24, then 2001:db8:5c::/48."""
        self.n_addr += 1
        if self.n_addr <= 254:
            return f"198.51.100.{self.n_addr}"
        return f"2001:db8:5c::{self.n_addr:x}"

    def browser(self, i: int) -> str:
        return BROWSER_UAS[i % len(BROWSER_UAS)]

    def local(self, days_before: int, hms: str) -> int:
        """Epoch of a wall-clock time in the server zone, ``days_before`` local days ago."""
        h, m, s = (int(x) for x in hms.split(":"))
        day = self.local_day - timedelta(days=days_before)
        return _epoch(datetime.combine(day, time(h, m, s), tzinfo=SERVER_TZ))

    def commit(self, ev: Event) -> Event:
        ev.seq = len(self.plan.events)
        self.plan.events.append(ev)
        if would_be_view(ev):
            for key in _keys(ev):
                self.by_key[key].append(ev.t)
        return ev

    def add(self, t: int, intent: str, common: str | None = None, **kw: object) -> Event:
        return self.commit(_event(t, intent, common, **kw))

    def clear_of(self, ev: Event, margin: int) -> bool:
        """No committed would-be view with a key of ``ev`` within ``margin`` seconds."""
        return all(abs(ev.t - other) >= margin for key in _keys(ev) for other in self.by_key[key])


def _keys(ev: Event) -> tuple[tuple[str, ...], tuple[str, ...]]:
    slug = ev.slug or ""
    return (("ua", ev.addr, ev.ua or "", slug), ("addr", ev.addr, slug))


def _event(t: int, intent: str, common: str | None = None, **kw: object) -> Event:
    """Make an event; the apache_common outcome defaults to the same, bots to counted."""
    if common is None:
        common = COUNTED if intent == BOT else intent
    ev = Event(t=t, intent=intent, intent_common=common, **kw)  # type: ignore[arg-type]
    ev.bot = is_bot_ua(ev.ua)
    return ev


def _page(slug: str | None, status: int, rng: random.Random | None = None) -> int:
    """A plausible response body size."""
    if status in (204, 304):
        return 0
    if 300 <= status < 400:
        return 162
    if status >= 400:
        return {404: 3821, 405: 157}.get(status, 497)
    base = 9_000 + (len(slug) * 731 if slug else 4_000)
    return base + (rng.randrange(0, 2_000) if rng else 0)


# --------------------------------------------------------------------------- scenarios


def _view(
    b: _Builder,
    t: int,
    intent: str,
    slug: str,
    *,
    target: str | None = None,
    common: str | None = None,
    **kw: object,
) -> Event:
    """Add a GET of a post by a client (address and UA passed in ``kw``)."""
    status = int(kw.pop("status", 200))  # type: ignore[call-overload]
    path = target if target is not None else post_path(slug)
    size = _page(slug, status)
    return b.add(t, intent, common, target=path, slug=slug, status=status, size=size, **kw)


def _scn_window_edges(b: _Builder) -> None:
    n, slug = b.now, b.post(1)
    for i, t in enumerate(
        (
            n - 7 * DAY - 1,
            n - 7 * DAY,
            n - 7 * DAY + 1,
            n - 30 * DAY - 1,
            n - 30 * DAY,
            n - 30 * DAY + 1,
        )
    ):
        _view(b, t, COUNTED, slug, addr=b.fresh_addr(), ua=b.browser(i), note="window edge")
    addr, ua, slug2 = b.fresh_addr(), b.browser(7), b.post(2)
    _view(b, n, COUNTED, slug2, addr=addr, ua=ua, note="exactly now")
    _view(b, n + 1, FUTURE, slug2, addr=addr, ua=ua, note="now + 1 s, same visitor")
    b.add(
        n + 3,
        NOT_VIEW,
        addr=b.fresh_addr(),
        ua=b.browser(2),
        target=_unknown(b, "/posts/no-such-post/"),
        status=404,
        size=_page(None, 404),
        note="future 404",
    )
    _view(
        b,
        n + 5,
        BOT,
        slug2,
        common=FUTURE,
        addr=b.fresh_addr(),
        ua=BOT_UAS["googlebot"],
        note="bot after now",
    )
    _view(
        b,
        n + 7200,
        FUTURE,
        b.post(0),
        addr=b.fresh_addr(),
        ua=b.browser(4),
        note="two hours after now",
    )


def _scn_clock_change(b: _Builder) -> None:
    u = _fall_back_instant(b.plan.start, b.now)
    if u is None:
        return
    slug = b.post(3)
    pairs = (
        (u - 1800, u + 1800, COUNTED, "02:30 local, both sides"),
        (u - 600, u + 600, REPEAT, "02:50 +0200 then 02:10 +0100"),
        (u - 3900, u + 1200, COUNTED, "01:55 +0200 then 02:20 +0100"),
        (u - 1, u, COUNTED, "02:59:59 +0200 then 02:00:00 +0100"),
    )
    for i, (t1, t2, second, note) in enumerate(pairs):
        addr, ua = b.fresh_addr(), b.browser(i + 3)
        _view(b, t1, COUNTED, slug, addr=addr, ua=ua, note=note)
        if i == 3:  # the last pair: two different visitors around the instant of the change
            addr, ua = b.fresh_addr(), b.browser(i + 4)
        _view(b, t2, second, slug, addr=addr, ua=ua, note=note)


def _scn_nat(b: _Builder) -> None:
    addr, t = b.fresh_addr(), b.local(3, "14:03:10")
    _view(b, t, COUNTED, b.post(4), addr=addr, ua=BROWSER_UAS[0], note="NAT first browser")
    _view(
        b,
        t + 40,
        COUNTED,
        b.post(4),
        common=REPEAT,
        addr=addr,
        ua=BROWSER_UAS[5],
        note="NAT second browser",
    )
    addr2, t2 = b.fresh_addr(), b.local(3, "15:10:00")
    _view(b, t2, COUNTED, b.post(0), addr=addr2, ua=BROWSER_UAS[8], note="two posts")
    _view(b, t2 + 30, COUNTED, b.post(1), addr=addr2, ua=BROWSER_UAS[8], note="two posts")


def _scn_rotation_pair(b: _Builder) -> None:
    r2 = b.plan.rotations[1]
    addr, ua, slug = b.fresh_addr(), BROWSER_UAS[7], b.post(5)
    _view(b, r2 - 300, COUNTED, slug, addr=addr, ua=ua, note="rotation pair, older file")
    _view(b, r2 + 300, REPEAT, slug, addr=addr, ua=ua, note="rotation pair, newer file")


def _scn_repeat_gaps(b: _Builder) -> None:
    slug = b.post(6)
    for hms, gap, second in (("20:00:00", 1800, COUNTED), ("21:00:00", 1799, REPEAT)):
        addr, ua, t = b.fresh_addr(), BROWSER_UAS[10], b.local(6, hms)
        _view(b, t, COUNTED, slug, addr=addr, ua=ua, note=f"gap {gap}")
        _view(b, t + gap, second, slug, addr=addr, ua=ua, note=f"gap {gap}")
    addr, ua, t = b.fresh_addr(), BROWSER_UAS[4], b.local(10, "19:00:00")
    for dt, intent in ((0, COUNTED), (1200, REPEAT), (2100, COUNTED)):
        _view(b, t + dt, intent, b.post(7), addr=addr, ua=ua, note="chain")
    addr, ua, t = b.fresh_addr(), BROWSER_UAS[1], b.local(4, "08:15:42")
    _view(b, t, COUNTED, b.post(8), addr=addr, ua=ua, note="same second")
    _view(b, t, REPEAT, b.post(8), addr=addr, ua=ua, note="same second")


def _scn_not_modified(b: _Builder) -> None:
    slug = b.post(0)
    addr, ua = b.fresh_addr(), BROWSER_UAS[2]
    _view(b, b.local(16, "10:00:00"), COUNTED, slug, addr=addr, ua=ua, note="304 next day")
    _view(
        b, b.local(15, "10:05:00"), COUNTED, slug, addr=addr, ua=ua, status=304, note="304 next day"
    )
    _view(
        b,
        b.local(2, "09:00:00"),
        COUNTED,
        slug,
        addr=b.fresh_addr(),
        ua=BROWSER_UAS[9],
        status=304,
        note="304 first in logs",
    )
    addr, ua, t = b.fresh_addr(), BROWSER_UAS[11], b.local(8, "12:00:00")
    _view(b, t, COUNTED, slug, addr=addr, ua=ua, note="304 repeat")
    _view(b, t + 300, REPEAT, slug, addr=addr, ua=ua, status=304, note="304 repeat")


def _scn_client_address(b: _Builder) -> None:
    slug, ua = b.post(9), BROWSER_UAS[0]
    t = b.local(11, "16:00:00")
    for dt in (0, 120):
        _view(
            b,
            t + dt,
            COUNTED,
            slug,
            addr=b.fresh_addr(),
            ua=ua,
            proxy=SCENARIO_PROXY,
            note="two clients behind one proxy",
        )
    addr, t = b.fresh_addr(), b.local(11, "17:00:00")
    _view(b, t, COUNTED, slug, addr=addr, ua=ua, proxy=SCENARIO_PROXY, note="client_ip")
    _view(b, t + 600, REPEAT, slug, addr=addr, ua=ua, client_ip_field=False, note="remote_ip only")
    _view(
        b,
        b.local(11, "17:30:00"),
        COUNTED,
        slug,
        addr=b.fresh_addr(),
        ua=ua,
        client_ip_field=False,
        note="remote_ip only",
    )


def _path_variants(b: _Builder) -> list[tuple[str, str]]:
    """(slug, target) pairs of unusual but valid view paths."""
    out: list[tuple[str, str]] = []
    for slug in [s for s in b.plan.posts if not s.isascii()][:1]:
        out += [
            (slug, post_path(slug)),
            (slug, post_path(slug, "bare")),
            (slug, post_path(slug, "index")),
            (slug, _lower_hex(post_path(slug))),
            (slug, post_path(slug) + "?utm_source=mastodon"),
        ]
    for slug in [s for s in b.plan.posts if s[:1].isalpha() and s.isascii()][:1]:
        out.append((slug, f"/posts/%{ord(slug[0]):02X}{slug[1:]}/"))
        out.append((slug, "/posts/" + slug.replace("-", "%2D") + "/"))
    slug = b.post(2)
    out += [
        (slug, post_path(slug) + "?utm_source=newsletter&utm_medium=email"),
        (slug, post_path(slug, "bare") + "?ref=rss"),
        (slug, post_path(slug, "index") + "?x=1"),
        (slug, post_path(slug) + "?"),
    ]
    return out


def _scn_paths(b: _Builder) -> None:
    t = b.local(13, "08:00:00")
    for i, (slug, target) in enumerate(_path_variants(b)):
        _view(
            b,
            t + i * 3000,
            COUNTED,
            slug,
            target=target,
            addr=b.fresh_addr(),
            ua=b.browser(i),
            note="path variant",
        )


def _scn_old_urls(b: _Builder) -> None:
    t = b.local(18, "08:00:00")
    for i, (old, slug) in enumerate(b.plan.old_urls.items()):
        target = quote(old, safe="/")
        _view(
            b,
            t + i * 5400,
            COUNTED,
            slug,
            target=target,
            addr=b.fresh_addr(),
            ua=b.browser(i),
            note="old url",
        )
        if i == 0:
            _view(
                b,
                t + 600,
                COUNTED,
                slug,
                target=target + "?utm_source=old-bookmark",
                addr=b.fresh_addr(),
                ua=b.browser(5),
                note="old url with query",
            )
            _view(
                b,
                t + 1200,
                COUNTED,
                slug,
                target=target,
                addr=b.fresh_addr(),
                ua=b.browser(6),
                status=304,
                note="old url 304",
            )
            b.add(
                t + 1800,
                NOT_VIEW,
                addr=b.fresh_addr(),
                ua=b.browser(7),
                target=target,
                status=301,
                size=162,
                note="old url redirect",
            )
    b.add(
        b.local(25, "12:00:00"),
        NOT_VIEW,
        addr=b.fresh_addr(),
        ua=b.browser(3),
        target=_unknown(b, "/2019/01/unknown-post.html"),
        status=404,
        size=3821,
        note="unmapped old url",
    )


def _unknown(b: _Builder, path: str) -> str:
    """A path that is neither a known post path nor an old URL."""
    while path in b.plan.old_urls or path.strip("/").removeprefix("posts/") in b.plan.posts:
        path = path.rstrip("/") + "-x" + ("/" if path.endswith("/") else "")
    return path


def _not_view_catalog(b: _Builder) -> list[tuple[str, str, int]]:
    """(method, target, status) of lines that are not views; the first is plain http."""
    s = b.post(1)
    p, bare = post_path(s), post_path(s, "bare")
    return [
        ("GET", p, 301),
        ("HEAD", p, 200),
        ("POST", p, 405),
        ("POST", "/api/comments", 201),
        ("OPTIONS", p, 204),
        ("PUT", p, 405),
        ("DELETE", p, 405),
        ("PROPFIND", p, 405),
        ("GET", p, 302),
        ("GET", bare, 301),
        ("GET", p, 404),
        ("GET", p, 500),
        ("GET", p, 502),
        ("GET", p, 503),
        ("GET", "/theme/css/style.css", 200),
        ("GET", "/theme/css/style.css", 304),
        ("GET", "/images/x.jpg", 200),
        ("GET", "/favicon.ico", 200),
        ("GET", p + "cover.jpg", 200),
        ("GET", "/", 200),
        ("GET", "/tags/x/", 200),
        ("GET", "/about/", 200),
        ("GET", "/posts/", 200),
        ("GET", _unknown(b, "/posts/no-such-post/"), 404),
        ("GET", _unknown(b, "/posts/draft-ideas/"), 200),
        ("GET", _unknown(b, "/posts/sante/"), 404),
        ("GET", p + "comments/", 404),
        ("GET", p + "index.htm", 404),
        ("GET", "/search?q=" + p, 200),
        ("GET", "/feed.xml", 200),
        ("GET", "/robots.txt", 200),
        ("GET", "/index.html", 200),
    ]


def _scn_not_views(b: _Builder) -> None:
    for k, (method, target, status) in enumerate(_not_view_catalog(b)):
        t = b.local(1 + (k * 5) % 26, "09:00:00") + (k * 1013) % 36_000
        size = 0 if method == "HEAD" else _page(None, status)
        plain_http = {"port": 80, "proto": "HTTP/1.1"} if k == 0 else {}
        b.add(
            t,
            NOT_VIEW,
            addr=b.fresh_addr(),
            ua=b.browser(k),
            method=method,
            target=target,
            status=status,
            size=size,
            note="not a view",
            **plain_http,
        )


def _scn_bots(b: _Builder) -> None:
    bot_uas: list[str | None] = [*BOT_UAS.values(), *EMPTY_UAS]
    for k, ua in enumerate(bot_uas):
        t = b.local(2 + (k * 7) % 30, "05:00:00") + (k * 1777) % 14_400
        _view(b, t, BOT, b.post(k), addr=b.fresh_addr(), ua=ua, bot=True, note="bot")
    t = b.local(9, "04:00:00")
    _view(
        b,
        t,
        BOT,
        b.post(3),
        addr=b.fresh_addr(),
        ua=BOT_UAS["googlebot"],
        status=304,
        note="bot 304",
    )
    extra = (
        ("HEAD", BOT_UAS["bingbot"], post_path(b.post(2)), 200, 0),
        ("HEAD", BOT_UAS["curl"], post_path(b.post(4)), 200, 0),
        ("GET", BOT_UAS["googlebot"], "/robots.txt", 200, 67),
        ("GET", BOT_UAS["ahrefsbot"], post_path(b.post(5)), 404, 3821),
    )
    for k, (method, ua, target, status, size) in enumerate(extra):
        b.add(
            t + 600 * (k + 1),
            NOT_VIEW,
            addr=b.fresh_addr(),
            ua=ua,
            method=method,
            target=target,
            status=status,
            size=size,
            note="bot, not a view",
        )


MALFORMED_PLACES = (
    ("nul", 33, "04:12:00"),
    ("free_text", 31, "06:25:02"),
    ("truncated", 24, "13:37:00"),
    ("huge", 15, "09:09:09"),
    ("empty", 12, "18:00:00"),
    ("bad_date", 5, "11:11:11"),
)


def _scn_malformed(b: _Builder) -> None:
    for k, (kind, days, hms) in enumerate(MALFORMED_PLACES):
        slug = b.post(k)
        b.add(
            b.local(days, hms),
            MALFORMED,
            addr=b.fresh_addr(),
            ua=b.browser(k),
            target=post_path(slug),
            slug=slug,
            size=_page(slug, 200),
            malformed=kind,
            note=f"malformed {kind}",
        )


SCENARIOS: tuple[Callable[[_Builder], None], ...] = (
    _scn_window_edges,
    _scn_clock_change,
    _scn_nat,
    _scn_rotation_pair,
    _scn_repeat_gaps,
    _scn_not_modified,
    _scn_client_address,
    _scn_paths,
    _scn_old_urls,
    _scn_not_views,
    _scn_bots,
    _scn_malformed,
)


# --------------------------------------------------------------------------- ordinary traffic


class _Traffic:
    """Random sessions that never make an ambiguous case (see module docstring)."""

    def __init__(self, b: _Builder) -> None:
        self.b = b
        self.rng = b.rng
        plan = b.plan
        self.lo, self.hi = plan.start + 60, plan.now - 600
        self.edges = [plan.now - span for span in WINDOWS.values()] + [plan.now]
        r2 = plan.rotations[1]
        self.reserved = [(r2 - 900, r2 + 900)]
        self.visitors = [self._visitor() for _ in range(900)]
        weights = [1 / (i + 1) ** 0.9 for i in range(len(plan.posts))]
        self.rng.shuffle(weights)
        self.weights = weights

    def _visitor(self) -> tuple[str, str]:
        rng = self.rng
        if rng.random() < 0.3:
            addr = f"2001:db8:{rng.randrange(0x100, 0x1000):x}:{rng.randrange(1, 0xFFFF):x}::"
            addr += f"{rng.randrange(1, 0xFFFF):x}"
        else:
            addr = f"{rng.choice(('192.0.2', '203.0.113'))}.{rng.randrange(1, 255)}"
        return addr, rng.choices(BROWSER_UAS, BROWSER_WEIGHTS)[0]

    def instant(self) -> int:
        while True:
            t = self.rng.randrange(self.lo, self.hi)
            if self.rng.random() * 12 < HOURLY_WEIGHT[datetime.fromtimestamp(t, SERVER_TZ).hour]:
                return t

    def slug(self, avoid: str | None = None) -> str:
        while True:
            s = self.rng.choices(self.b.plan.posts, self.weights)[0]
            if s != avoid or len(self.b.plan.posts) == 1:
                return s

    def ok(self, events: list[Event]) -> bool:
        for ev in events:
            if not self.lo <= ev.t <= self.hi or any(abs(ev.t - e) <= 5 for e in self.edges):
                return False
            if any(a <= ev.t <= z for a, z in self.reserved):
                return False
            if would_be_view(ev) and not self.b.clear_of(ev, 7200):
                return False
        return True

    def commit(self, events: list[Event]) -> bool:
        """Keep the session if it is unambiguous; sub-second parts keep its line order."""
        if not self.ok(events):
            return False
        fracs = sorted(self.rng.randrange(1, 1_000_000) for _ in events)
        for ev, frac in zip(sorted(events, key=lambda e: e.t), fracs, strict=True):
            ev.frac_us = frac
            self.b.commit(ev)
        return True

    def caddy_shape(self) -> dict[str, object]:
        r = self.rng.random()
        if r < 0.15:
            return {"proxy": self.rng.choice(CADDY_PROXIES)}
        return {"client_ip_field": False} if r < 0.3 else {}


def _asset_events(tr: _Traffic, t: int, who: dict[str, object], slug: str) -> list[Event]:
    rng, out = tr.rng, []
    assets = [
        ("/theme/css/style.css", 14_211),
        (f"/images/{quote(slug)}-cover.jpg", 88_104),
        ("/theme/js/site.js", 3_377),
        ("/favicon.ico", 1_150),
    ]
    for path, size in assets:
        if rng.random() < 0.4:
            t += rng.randrange(0, 3)
            status = 304 if rng.random() < 0.3 else 200
            out.append(
                _event(
                    t,
                    NOT_VIEW,
                    target=path,
                    status=status,
                    size=0 if status == 304 else size,
                    **who,
                )
            )
    return out


def _read_post(tr: _Traffic, t: int, who: dict[str, object], slug: str) -> list[Event]:
    """One human read of a post: maybe a redirect or error first, then the view and assets."""
    rng, out = tr.rng, []
    r = rng.random()
    form = "bare" if r < 0.05 else "index" if r < 0.08 else "dir"
    target = post_path(slug, form)
    if r < 0.03:
        out.append(_event(t, NOT_VIEW, target=post_path(slug, "bare"), status=301, size=162, **who))
        target, t = post_path(slug), t + 1
    elif rng.random() < 0.012:
        out.append(_event(t, NOT_VIEW, target=target, status=502, size=497, **who))
        t += rng.randrange(20, 60)
    if rng.random() < 0.1:
        target += "?utm_source=" + rng.choice(("mastodon", "rss", "newsletter", "hn"))
    status = 304 if rng.random() < 0.08 else 200
    out.append(
        _event(
            t,
            COUNTED,
            target=target,
            slug=slug,
            status=status,
            size=_page(slug, status, rng),
            **who,
        )
    )
    tr.b.ordinary_views += 1
    return out + _asset_events(tr, t + 1, who, slug)


def _human_session(tr: _Traffic) -> list[Event]:
    rng = tr.rng
    addr, ua = rng.choice(tr.visitors)
    proto = rng.choice(("HTTP/2.0", "HTTP/2.0", "HTTP/1.1"))
    who: dict[str, object] = {
        "addr": addr,
        "ua": ua,
        "proto": proto,
        "referer": rng.choice(REFERERS),
        **tr.caddy_shape(),
    }
    t = tr.instant()
    entry = rng.random()
    if entry >= 0.72:
        page = "/" if entry < 0.84 else "/tags/selfhosting/" if entry < 0.93 else "/about/"
        out = [_event(t, NOT_VIEW, target=page, status=200, size=7_400, **who)]
        if rng.random() > 0.5:
            return out
        t += rng.randrange(20, 300)
        who = {**who, "referer": f"https://{HOST}{page}"}
    else:
        out = []
    return out + _post_visit(tr, t, who)


def _post_visit(tr: _Traffic, t: int, who: dict[str, object]) -> list[Event]:
    rng, slug = tr.rng, tr.slug()
    out = _read_post(tr, t, who, slug)
    last = max(e.t for e in out)
    if rng.random() < 0.06:
        reload_t = last + rng.randrange(60, 1200)
        status = 304 if rng.random() < 0.5 else 200
        out.append(
            _event(
                reload_t,
                REPEAT,
                target=post_path(slug),
                slug=slug,
                status=status,
                size=_page(slug, status, rng),
                **who,
            )
        )
        tr.b.ordinary_views += 1
        last = reload_t
    if rng.random() < 0.3:
        nxt = tr.slug(avoid=slug)
        ref = {**who, "referer": f"https://{HOST}{post_path(slug)}"}
        out += _read_post(tr, last + rng.randrange(60, 900), ref, nxt)
    return out


def _bot_session(tr: _Traffic) -> list[Event]:
    rng = tr.rng
    name = rng.choice(list(BOT_ADDRESSES))
    addr = rng.choice(BOT_ADDRESSES[name]).format(rng.randrange(1, 255))
    who: dict[str, object] = {
        "addr": addr,
        "ua": BOT_UAS[name],
        "proto": "HTTP/1.1",
        **tr.caddy_shape(),
    }
    t, out = tr.instant(), []
    if name.startswith("googlebot") and rng.random() < 0.3:
        out.append(_event(t, NOT_VIEW, target="/robots.txt", size=67, **who))
        t += rng.randrange(1, 30)
    slug = tr.slug()
    status = 304 if rng.random() < 0.15 else 200
    out.append(
        _event(
            t,
            BOT,
            target=post_path(slug),
            slug=slug,
            status=status,
            size=_page(slug, status, rng),
            **who,
        )
    )
    return out


def _tool_session(tr: _Traffic) -> list[Event]:
    """curl, scripts, empty user agents, scanners and feed readers."""
    rng = tr.rng
    ua = rng.choice(
        [
            BOT_UAS["curl"],
            BOT_UAS["python_requests"],
            BOT_UAS["go_http"],
            BOT_UAS["go_http2"],
            *EMPTY_UAS,
        ]
    )
    addr = (
        f"203.0.113.{rng.randrange(1, 255)}"
        if rng.random() < 0.7
        else f"2001:db8:bad:{rng.randrange(1, 0xFFF):x}::1"
    )
    who: dict[str, object] = {"addr": addr, "ua": ua, "proto": "HTTP/1.1", **tr.caddy_shape()}
    t, r = tr.instant(), rng.random()
    if r < 0.35:
        scans = [
            ("GET", "/wp-login.php"),
            ("POST", "/xmlrpc.php"),
            ("GET", "/.env"),
            ("GET", "/.git/config"),
            ("GET", "/wp-admin/setup-config.php"),
        ]
        method, path = rng.choice(scans)
        return [_event(t, NOT_VIEW, method=method, target=path, status=404, size=3821, **who)]
    slug = tr.slug()
    method = "HEAD" if r < 0.45 else "GET"
    intent = NOT_VIEW if method == "HEAD" else BOT
    return [
        _event(
            t,
            intent,
            method=method,
            target=post_path(slug),
            slug=slug,
            status=200,
            size=0 if method == "HEAD" else _page(slug, 200, rng),
            **who,
        )
    ]


def _feed_session(tr: _Traffic) -> list[Event]:
    rng = tr.rng
    ua = rng.choice([BOT_UAS["freshrss"], BOT_UAS["feedly"], BROWSER_UAS[7]])
    who: dict[str, object] = {"addr": rng.choice(tr.visitors)[0], "ua": ua, **tr.caddy_shape()}
    status = 304 if rng.random() < 0.6 else 200
    return [
        _event(
            tr.instant(),
            NOT_VIEW,
            target="/feed.xml",
            status=status,
            size=0 if status == 304 else 48_213,
            **who,
        )
    ]


def _add_traffic(b: _Builder, target_views: int) -> None:
    tr = _Traffic(b)
    kinds = [_human_session] * 14 + [_bot_session] * 3 + [_tool_session] * 2 + [_feed_session]
    while b.ordinary_views < target_views:
        before = b.ordinary_views
        if not tr.commit(b.rng.choice(kinds)(tr)):
            b.ordinary_views = before


# --------------------------------------------------------------------------- plan and checks


def _validate(fmt: str, now: datetime, posts: list[str], old_urls: dict[str, str]) -> None:
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; expected one of {FORMATS}")
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("now must be an aware datetime")
    if now.microsecond:
        raise ValueError("now must be a whole second")
    if len(posts) < 2 or len(set(posts)) != len(posts):
        raise ValueError("posts must hold at least two distinct slugs")
    for slug in posts:
        if not slug or "/" in slug or slug != slug.strip() or "%" in slug:
            raise ValueError(f"unusable slug {slug!r}")
    for old, slug in old_urls.items():
        if slug not in posts or not old.startswith("/") or old.startswith("/posts/"):
            raise ValueError(f"bad old url {old!r} -> {slug!r}")


def build_plan(
    now: datetime,
    seed: int = 0,
    posts: list[str] | None = None,
    old_urls: dict[str, str] | None = None,
    target_views: int = 2000,
) -> Plan:
    """Build every event (scenarios first, then random traffic) for the given inputs."""
    posts = list(DEFAULT_POSTS if posts is None else posts)
    old_urls = dict(DEFAULT_OLD_URLS if old_urls is None else old_urls)
    _validate("nginx_combined", now, posts, old_urls)
    n = _epoch(now)
    today = _local_date(n)
    rotations = tuple(_local_midnight(today - timedelta(days=d)) for d in (9, 20, 29))
    start = _local_midnight(today - timedelta(days=36))
    plan = Plan(
        now=n,
        start=start,
        rotations=rotations,
        posts=posts,  # type: ignore[arg-type]
        old_urls=old_urls,
    )
    b = _Builder(plan, random.Random(seed))
    for scenario in SCENARIOS:
        scenario(b)
    _add_traffic(b, target_views)
    return plan


def classify(events: Iterable[Event], fmt: str, now: int, exact: bool = False) -> dict[int, str]:
    """Apply the counting rules to structured events; returns seq -> outcome.

    With ``exact`` the sub-second part (what a Caddy reader sees) is part of each time.
    """
    has_ua = fmt != "apache_common"
    last: dict[tuple[str, ...], float] = {}
    out: dict[int, str] = {}
    for ev in sorted(events, key=event_order):
        t = ev.t + ev.frac_us / 1e6 if exact else float(ev.t)
        out[ev.seq] = _classify_one(ev, t, has_ua, now, last)
    return out


def _classify_one(
    ev: Event, t: float, has_ua: bool, now: int, last: dict[tuple[str, ...], float]
) -> str:
    if ev.malformed is not None:
        return MALFORMED
    if not would_be_view(ev):
        return NOT_VIEW
    if has_ua and ev.bot:
        return BOT
    if t > now:
        return FUTURE
    key = _keys(ev)[0 if has_ua else 1]
    if key in last and 0 <= t - last[key] < REPEAT_SECONDS:
        return REPEAT
    last[key] = t
    return COUNTED


def check_intents(plan: Plan, fmt: str, exact: bool = False) -> list[Event]:
    """Events whose rule-derived outcome differs from the intended one (should be empty)."""
    derived = classify(plan.events, fmt, plan.now, exact=exact)
    return [ev for ev in plan.events if derived[ev.seq] != intent_for(ev, fmt)]


# --------------------------------------------------------------------------- layout


def layout(plan: Plan, fmt: str) -> list[LogFile]:
    """Split the events into the rotated files, newest first."""
    buckets: list[list[Event]] = [[], [], [], []]
    r1, r2, r3 = plan.rotations
    for ev in sorted(plan.events, key=event_order):
        buckets[0 if ev.t >= r1 else 1 if ev.t >= r2 else 2 if ev.t >= r3 else 3].append(ev)
    if fmt != "caddy_json":
        names = [
            ("access.log", False, ""),
            ("access.log.1", False, ""),
            ("access.log.2.gz", True, "access.log.2"),
            ("access.log.3.gz", True, "access.log.3"),
        ]
    else:
        names = [("access.log", False, "")]
        names += [(f"access-{_lumberjack_stamp(buckets[i][0])}.log.gz", True, "") for i in range(3)]
    return [LogFile(n, gz, inner, evs) for (n, gz, inner), evs in zip(names, buckets, strict=True)]


def _lumberjack_stamp(ev: Event) -> str:
    dt = datetime.fromtimestamp(ev.t, UTC)
    return f"{dt:%Y-%m-%dT%H-%M-%S}.{ev.frac_us // 1000:03d}"


# --------------------------------------------------------------------------- rendering


def render_line(ev: Event, fmt: str) -> str:
    """The text of one line (without the newline)."""
    if ev.malformed is not None:
        return _render_malformed(ev, fmt)
    if fmt == "caddy_json":
        return _caddy_line(ev)
    return _clf_line(ev, fmt)


def clf_time(t: int) -> str:
    """``%d/%b/%Y:%H:%M:%S %z`` in the server zone, month names in English."""
    dt = datetime.fromtimestamp(t, SERVER_TZ)
    return f"{dt.day:02d}/{MONTHS[dt.month - 1]}/{dt.year}:{dt:%H:%M:%S %z}"


def _clf_bytes(size: int) -> str:
    return "-" if size == 0 else str(size)


def _clf_line(ev: Event, fmt: str, when: str | None = None) -> str:
    ua = "-" if ev.ua is None else ev.ua
    head = (
        f'{ev.addr} - - [{when or clf_time(ev.t)}] "{ev.method} {ev.target} {ev.proto}" {ev.status}'
    )
    if fmt == "nginx_combined":
        return f'{head} {ev.size} "{ev.referer}" "{ua}"'
    if fmt == "apache_common":
        return f"{head} {_clf_bytes(ev.size)}"
    if fmt == "apache_combined":
        return f'{head} {_clf_bytes(ev.size)} "{ev.referer}" "{ua}"'
    sent = ev.size + 231 + ev.seq % 97
    return f'{HOST}:{ev.port} {head} {sent} "{ev.referer}" "{ua}"'


def go_float(t: int, frac_us: int) -> str:
    """Seconds as Go's ``strconv.FormatFloat(f, 'f', -1, 64)`` writes them."""
    if frac_us == 0:
        return str(t)
    return repr(t + frac_us / 1e6)


def _caddy_request(ev: Event) -> dict[str, object]:
    remote = ev.proxy if ev.proxy is not None else ev.addr
    req: dict[str, object] = {"remote_ip": remote, "remote_port": str(1024 + ev.seq * 7919 % 64000)}
    if ev.client_ip_field:
        req["client_ip"] = ev.addr
    headers: dict[str, list[str]] = {}
    if ev.ua is not None:
        headers["User-Agent"] = [ev.ua]
    headers["Accept-Encoding"] = ["gzip, deflate, br, zstd"]
    if ev.referer != "-":
        headers["Referer"] = [ev.referer]
    req.update(proto=ev.proto, method=ev.method, host=HOST, uri=ev.target, headers=headers)
    if ev.port == 443:
        req["tls"] = {
            "resumed": False,
            "version": 772,
            "cipher_suite": 4865,
            "proto": "h2" if ev.proto == "HTTP/2.0" else "http/1.1",
            "server_name": HOST,
        }
    return req


def _caddy_line(ev: Event, ts: str | None = None) -> str:
    rest = {
        "logger": "http.log.access.log0",
        "msg": "handled request",
        "request": _caddy_request(ev),
        "bytes_read": 0,
        "user_id": "",
        "duration": round(0.0004 + (ev.seq % 997) / 1e5, 9),
        "size": ev.size,
        "status": ev.status,
        "resp_headers": {"Server": ["Caddy"], "Content-Type": ["text/html; charset=utf-8"]},
    }
    level = "error" if ev.status >= 500 else "info"
    body = json.dumps(rest, ensure_ascii=False, separators=(",", ":"))
    return f'{{"level":"{level}","ts":{ts or go_float(ev.t, ev.frac_us)},{body[1:]}'


def _plain(ev: Event) -> Event:
    return replace(ev, malformed=None)


def _render_malformed(ev: Event, fmt: str) -> str:
    kind, caddy = ev.malformed, fmt == "caddy_json"
    if kind == "empty":
        return ""
    if kind == "nul":
        return "\x00" * 48 + (',"status":200}' if caddy else '1.1" 200 5123')
    if kind == "free_text":
        return _free_text(ev.t, fmt)
    full = render_line(_plain(ev), fmt)
    if kind == "truncated":
        cut = full.index('"uri":') + 12 if caddy else full.index(" HTTP/") + 4
        return full[:cut]
    if kind == "huge":
        prefix = full[: full.index('"uri":') + 8] if caddy else full[: full.index('"') + 6]
        return prefix + "A" * (HUGE_LINE_CHARS - len(prefix))
    if kind == "bad_date":
        if caddy:
            return _caddy_line(_plain(ev), ts='"2026-02-31T10:15:00Z"')
        return _clf_line(_plain(ev), fmt, when="31/Feb/2026:10:15:00 +0100")
    raise ValueError(f"unknown malformed kind {kind!r}")


def _free_text(t: int, fmt: str) -> str:
    dt = datetime.fromtimestamp(t, SERVER_TZ)
    if fmt == "caddy_json":
        return f"{dt.astimezone(UTC):%Y/%m/%d %H:%M:%S}.104\tINFO\tserving initial configuration"
    if fmt == "nginx_combined":
        return f'nginx: [warn] conflicting server name "{HOST}" on 0.0.0.0:80, ignored'
    stamp = f"{dt:%a} {MONTHS[dt.month - 1]} {dt:%d %H:%M:%S}.104553 {dt.year}"
    return (
        f"[{stamp}] [mpm_event:notice] [pid 812:tid 812] AH00489: Apache/2.4.65 (Debian) "
        "configured -- resuming normal operations"
    )


# --------------------------------------------------------------------------- writing


def _write_file(folder: Path, lf: LogFile, fmt: str) -> None:
    data = "".join(render_line(ev, fmt) + "\n" for ev in lf.events).encode("utf-8")
    path = folder / lf.name
    mtime = max(ev.t for ev in lf.events)
    if lf.gz:
        with path.open("wb") as raw, gzip.GzipFile(lf.inner_name, "wb", 9, raw, mtime) as gz:
            gz.write(data)
    else:
        path.write_bytes(data)
    os.utime(path, (mtime, mtime))


def _prepare_folder(folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    if any(folder.iterdir()):
        raise ValueError(f"{folder} is not empty")


def expected_from(files: list[LogFile], fmt: str, now: int, posts: list[str]) -> Expected:
    """Tally the intended outcomes of the laid-out files (oldest file first, line order)."""
    counts = dict.fromkeys(OUTCOMES, 0)
    views = {s: dict.fromkeys(WINDOW_NAMES, 0) for s in posts}
    explain: dict[str, list[tuple[str, int]]] = {s: [] for s in posts}
    counted_304 = 0
    for lf in reversed(files):
        for line_no, ev in enumerate(lf.events, start=1):
            outcome = intent_for(ev, fmt)
            counts[outcome] += 1
            if outcome == COUNTED and ev.slug is not None:
                _add_view(views[ev.slug], ev.t, now)
                explain[ev.slug].append((lf.name, line_no))
                counted_304 += ev.status == 304
    return Expected(
        views=views,
        read=sum(counts.values()),
        malformed=counts[MALFORMED],
        not_views=counts[NOT_VIEW],
        bots=counts[BOT],
        repeats=counts[REPEAT],
        future=counts[FUTURE],
        counted=counts[COUNTED],
        counted_304=counted_304,
        explain=explain,
    )


def _add_view(windows: dict[str, int], t: int, now: int) -> None:
    windows["all"] += 1
    for name, span in WINDOWS.items():
        if now - span < t <= now:
            windows[name] += 1


def generate(
    folder: Path,
    fmt: str,
    now: datetime,
    seed: int = 0,
    posts: list[str] | None = None,
    old_urls: dict[str, str] | None = None,
) -> Expected:
    """Write a rotated month of ``fmt`` access logs into ``folder``; return the right answer.

    ``now`` is the aware reference instant (whole seconds).  ``posts`` defaults to
    ``DEFAULT_POSTS`` and ``old_urls`` (decoded old path -> slug) to ``DEFAULT_OLD_URLS``.
    ``folder`` must be empty or not exist.  Raises ``RuntimeError`` if any line's intended
    outcome disagrees with the rules (a bug in the generator, never expected).
    """
    _validate(
        fmt,
        now,
        list(DEFAULT_POSTS if posts is None else posts),
        dict(DEFAULT_OLD_URLS if old_urls is None else old_urls),
    )
    plan = build_plan(now, seed, posts, old_urls)
    bad = check_intents(plan, fmt, exact=fmt == "caddy_json")
    if bad:
        raise RuntimeError(f"{len(bad)} events contradict the rules, first: {bad[0]}")
    files = layout(plan, fmt)
    folder = Path(folder)
    _prepare_folder(folder)
    order = list(files)
    random.Random(seed ^ 0x5EED).shuffle(order)
    for lf in order:
        _write_file(folder, lf, fmt)
    return expected_from(files, fmt, plan.now, plan.posts)


def write_corrupt_gzip(folder: Path) -> Path:
    """Write ``access.log.9.gz`` that is not gzip at all.

    A reader should warn once about it and read zero lines from it; the ``Expected`` returned by
    ``generate`` for the same folder stays valid unchanged.
    """
    path = Path(folder) / "access.log.9.gz"
    path.write_bytes(b"PK\x03\x04 this was never gzip data, only a mislabeled file\n" * 3)
    return path
