"""Rank posts from daily view counts, per window, like Blogger's "Popular Posts".

Windows are `7d`, `30d`, `365d` (any `<n>d`) and `all`, counted back from a reference day.
Posts rank by views (default), by comments in the window, or by views per day live.
"""

import logging
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from pathways.views.sources import normalise_path

logger = logging.getLogger(__name__)

WINDOW_LABELS = {"7d": "Last 7 days", "30d": "Last 30 days", "365d": "Last year", "all": "All time"}


@dataclass(frozen=True)
class Candidate:
    """What ranking needs to know about one post."""

    key: str
    published: date
    comment_days: tuple[date, ...] = ()


@dataclass(frozen=True)
class Entry:
    key: str
    views: int
    score: float


def window_label(window: str) -> str:
    return WINDOW_LABELS.get(window, f"Last {window.rstrip('d')} days")


def first_day(window: str, today: date) -> date | None:
    if window == "all":
        return None
    return today - timedelta(days=int(window[:-1]) - 1)


def views_in_window(counts: Counter, window: str, today: date) -> Counter:
    """Views per post between the window's first day and `today`, both included.

    Counts without a day (sources with totals only) belong to `all` alone.
    """
    start = first_day(window, today)
    totals: Counter = Counter()
    for (key, day), views in counts.items():
        if start is None:
            if day is None or day <= today:
                totals[key] += views
        elif day is not None and start <= day <= today:
            totals[key] += views
    return totals


def rank(
    candidates: Iterable[Candidate],
    counts: Counter,
    window: str,
    today: date,
    *,
    by: str = "views",
    limit: int = 5,
) -> list[Entry]:
    """The top `limit` posts of a window; posts with nothing to rank them by are left out."""
    views = views_in_window(counts, window, today)
    start = first_day(window, today)
    entries = []
    for candidate in candidates:
        seen = views.get(candidate.key, 0)
        if by == "comments":
            score = sum(1 for day in candidate.comment_days if start is None or start <= day)
        elif by == "views_per_day":
            live_from = max(candidate.published, start) if start else candidate.published
            score = seen / max(1, (today - live_from).days + 1)
        else:
            score = seen
        if score > 0:
            entries.append((candidate, Entry(candidate.key, seen, score)))
    entries.sort(key=lambda pair: (-pair[1].score, -pair[0].published.toordinal(), pair[0].key))
    return [entry for _, entry in entries[:limit]]


def reference_day(config: dict, settings: dict) -> date:
    fixed = config["POPULAR_POSTS_TODAY"]
    if fixed:
        return date.fromisoformat(str(fixed))
    return datetime.now(ZoneInfo(settings.get("TIMEZONE") or "UTC")).date()


def build_resolver(articles: list, redirects: dict[str, str]) -> Callable[[str], str | None]:
    """Requested path -> post slug, through each post's URL, its `Old-URLs` and redirects."""
    paths = {}
    for article in articles:
        paths[normalise_path("/" + article.url)] = article.slug
        for old in str(article.metadata.get("old-urls", "")).split(","):
            if old.strip():
                paths[normalise_path(old.strip())] = article.slug
    for old, new in redirects.items():
        target = paths.get(normalise_path(new))
        if target is not None:
            paths[normalise_path(old)] = target
    return paths.get


def candidate(article: Any) -> Candidate:
    """A Pelican article as ranking sees it: slug, publication day, days of its comments."""
    days = []
    stack = list(getattr(article, "comments", []))
    while stack:
        comment = stack.pop()
        days.append(comment.date.date())
        stack.extend(comment.replies)
    return Candidate(article.slug, article.date.date(), tuple(days))


def rank_windows(
    articles: list, counts: Counter, config: dict, settings: dict
) -> list[tuple[str, list[Entry]]]:
    """Each configured window with its ranked entries, as the settings ask."""
    today = reference_day(config, settings)
    candidates = [candidate(article) for article in articles]
    return [
        (
            window,
            rank(
                candidates,
                counts,
                window,
                today,
                by=config["POPULAR_POSTS_RANK_BY"],
                limit=config["POPULAR_POSTS_COUNT"],
            ),
        )
        for window in config["POPULAR_POSTS_WINDOWS"]
    ]
