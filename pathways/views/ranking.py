"""Rank posts per window, like Blogger's "Popular Posts".

Windows are `7d`, `30d`, `365d` (any `<n>d`) and `all`, ending at the reference instant
(`POPULAR_POSTS_TODAY`, or the end of yesterday): whole local days when the reference is a
day, as `rules` says. Posts rank by views (default), by comments in
the window, or by views per day live.
"""

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from pathways.plugin_support import old_urls
from pathways.views.rules import DAY, Views, normalise_path, window_start
from pathways.views.settings import parse_today

WINDOW_LABELS = {"7d": "Last 7 days", "30d": "Last 30 days", "365d": "Last year", "all": "All time"}


@dataclass(frozen=True)
class Candidate:
    """What ranking needs to know about one post."""

    key: str
    published: datetime
    comment_times: tuple[datetime, ...] = ()


@dataclass(frozen=True)
class Entry:
    key: str
    views: int
    score: float


def window_label(window: str) -> str:
    return WINDOW_LABELS.get(window, f"Last {window.rstrip('d')} days")


def reference_time(value: str | date | datetime | None, timezone: str) -> datetime:
    """The instant windows end at: a date means the end of that day in `timezone`, an instant
    is taken as it is, None is the end of yesterday in `timezone`. ValueError for anything
    else.

    Not the build's own time: the widget is on every page, so counts that moved with each
    view would make every publish a new version of every page (rendered, compressed and
    uploaded again, and fetched again by readers' browsers). Whole days change it once a day.
    """
    if isinstance(value, str):
        value = parse_today(value)
    if value is None:
        value = datetime.now(ZoneInfo(timezone)).date() - timedelta(days=1)
    if isinstance(value, datetime):
        return value.astimezone(UTC)
    next_day = datetime.combine(value + timedelta(days=1), time(0), ZoneInfo(timezone))
    return (next_day - timedelta(microseconds=1)).astimezone(UTC)


def whole_days(value: str | date | datetime | None) -> bool:
    """Whether a reference (as `reference_time` takes it) is a day: windows are then whole
    days of the blog's time zone."""
    if isinstance(value, str):
        value = parse_today(value)
    return not isinstance(value, datetime)


def site_hosts(hosts: list | tuple | None, site_url: str) -> frozenset[str]:
    """The host names whose requests are the site's (lower case, without `www.`):
    `POPULAR_POSTS_HOSTS`, or the host of `SITEURL` when that is None (nothing known: every
    host is the site's)."""
    if hosts is None:
        hosts = [urlsplit(site_url).hostname or ""] if "://" in site_url else []
    return frozenset(host.lower().rstrip(".").removeprefix("www.") for host in hosts if host)


def rank(
    candidates: Iterable[Candidate],
    views: Counter,
    window: str,
    now: datetime,
    *,
    by: str = "views",
    limit: int = 5,
    days_of: str | None = None,
) -> list[Entry]:
    """The top `limit` posts of a window (`views`: that window's views per post); posts with
    nothing to rank them by are left out. `days_of`: as `Views.days_of`."""
    floor = window_start(window, now.timestamp(), days_of)
    start = None if floor is None else datetime.fromtimestamp(floor, UTC)
    entries = []
    for candidate in candidates:
        seen = views.get(candidate.key, 0)
        if by == "comments":
            score = sum(
                1 for t in candidate.comment_times if (start is None or start < t) and t <= now
            )
        elif by == "views_per_day":
            live_from = max(candidate.published, start) if start else candidate.published
            score = seen / max(1.0, (now - live_from).total_seconds() / DAY)
        else:
            score = seen
        if score > 0:
            entries.append((candidate, Entry(candidate.key, seen, score)))
    entries.sort(key=lambda pair: (-pair[1].score, -pair[0].published.timestamp(), pair[0].key))
    return [entry for _, entry in entries[:limit]]


def build_resolver(articles: list, redirects: dict[str, str]) -> Callable[[str], str | None]:
    """Requested path -> post slug, through each post's URL, its `Old-URLs` and redirects."""
    return post_paths(articles, redirects).get


def post_paths(articles: list, redirects: dict[str, str]) -> dict[str, str]:
    """Each path (normalised) that leads to a post, with the post's slug: its URL, its
    `Old-URLs` and the redirects to either."""
    paths = {}
    for article in articles:
        paths[normalise_path("/" + article.url)] = article.slug
        for old in old_urls(article):
            paths[normalise_path(old)] = article.slug
    for old, new in redirects.items():
        target = paths.get(normalise_path(new))
        if target is not None:
            paths[normalise_path(old)] = target
    return paths


def candidate(article: Any) -> Candidate:
    """A Pelican article as ranking sees it: slug, publication time, times of its comments."""
    times = []
    stack = list(getattr(article, "comments", []))
    while stack:
        comment = stack.pop()
        times.append(_aware(comment.date))
        stack.extend(comment.replies)
    return Candidate(article.slug, _aware(article.date), tuple(times))


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def rank_windows(
    articles: list, views: Views, config: dict, now: datetime
) -> list[tuple[str, list[Entry]]]:
    """Each configured window with its ranked entries, as the settings ask."""
    candidates = [candidate(article) for article in articles]
    return [
        (
            window,
            rank(
                candidates,
                views.in_window(window),
                window,
                now,
                by=config["POPULAR_POSTS_RANK_BY"],
                limit=config["POPULAR_POSTS_COUNT"],
                days_of=views.days_of,
            ),
        )
        for window in config["POPULAR_POSTS_WINDOWS"]
    ]
