"""The stats page's content, from the blog's posts, comments and view sources, rendered to HTML.

Windows end where Popular Posts' end (`POPULAR_POSTS_TODAY`, else the end of yesterday in
`TIMEZONE`); days, weeks (Monday to Sunday) and months are the blog's local ones. The table of
posts is written once per sort order, so that its column headers sort it without JavaScript.
"""

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from jinja2 import Environment, FileSystemLoader
from markupsafe import Markup

from pathways.follow.settings import FOLLOW
from pathways.plugin_support import blog_timezone
from pathways.settings import read
from pathways.stats.charts import Bar, bar_chart, scale_top, sparkline, sparkline_symbol
from pathways.stats.counts import DailyCounts, daily_counts, merged_sites, server_sites
from pathways.views.cli import accounting, load_articles
from pathways.views.ranking import (
    build_resolver,
    candidate,
    reference_time,
    site_hosts,
    whole_days,
    window_label,
)
from pathways.views.settings import POPULAR_POSTS, view_sources

STATS_WINDOWS = ["7d", "30d", "365d", "all"]
DAYS = 90
WEEKS = 52
REFERRER_WINDOWS = (7, 30)
TOP_REFERRERS = 20
MOST_DISCUSSED = 10
NOT_FETCHED = "they come from the comment service, which only make stats asks"

templates = Environment(
    loader=FileSystemLoader(Path(__file__).parent / "templates"),
    autoescape=True,
    trim_blocks=True,
    lstrip_blocks=True,
)


@dataclass(frozen=True)
class Column:
    """A column of the table of posts: its key, heading, and the way it sorts first."""

    key: str
    heading: str
    descending_first: bool = True

    def first_direction(self) -> str:
        return "descending" if self.descending_first else "ascending"


@dataclass
class PostRow:
    title: str
    url: str | None
    published: date
    values: dict[str, Any]
    symbol: str
    spark_label: str


def _day_label(day: date) -> str:
    return f"{day:%a} {day.day} {day:%b %Y}"


def _month_start(day: date) -> date:
    return day.replace(day=1)


def _next_month(day: date) -> date:
    return (day.replace(day=28) + timedelta(days=4)).replace(day=1)


def _months(first: date, last: date) -> list[date]:
    months, month = [], _month_start(first)
    while month <= last:
        months.append(month)
        month = _next_month(month)
    return months


def _sorted_tables(rows: list[PostRow], columns: list[Column]) -> list[dict]:
    """The rows in every column's two orders, each with its id; ties go by title."""
    tables = []
    for column in columns:
        for direction in ("descending", "ascending"):
            ordered = sorted(rows, key=lambda row: row.title.casefold())
            ordered.sort(key=lambda row: row.values[column.key], reverse=direction == "descending")
            tables.append(
                {
                    "id": f"posts-by-{column.key}-{direction}",
                    "column": column.key,
                    "direction": direction,
                    "rows": ordered,
                }
            )
    return tables


@dataclass(frozen=True)
class Subscribers:
    """Readers who follow by e-mail, as the comment service lists them: how many confirmed
    in each month (`YYYY-MM`), or why they could not be fetched."""

    months: Counter | None = None
    problem: str = ""


class StatsPage:
    """What the page shows, from the settings of a blog."""

    def __init__(
        self,
        settings: dict,
        *,
        today: str | None = None,
        links: str | None = None,
        subscribers: Subscribers | None = None,
    ):
        config = read(settings, POPULAR_POSTS)
        self.settings = settings
        self.zone = ZoneInfo(blog_timezone(settings))
        today = today or config["POPULAR_POSTS_TODAY"]
        self.now = reference_time(today, self.zone.key)
        self.last_day = self.now.astimezone(self.zone).date()
        self.windows = list(dict.fromkeys([*STATS_WINDOWS, *config["POPULAR_POSTS_WINDOWS"]]))
        self.articles = load_articles(settings)
        self.sources = view_sources(config, settings)
        self.counts: DailyCounts = daily_counts(
            self.sources,
            build_resolver(self.articles, config["POPULAR_POSTS_REDIRECTS"]),
            self.now,
            self.windows,
            base=Path(settings["PATH"]),
            timezone=self.zone.key,
            whole_days=whole_days(today),
            hosts=site_hosts(config["POPULAR_POSTS_HOSTS"], settings.get("SITEURL") or ""),
        )
        self.sites_file = config["POPULAR_POSTS_SERVER_SITES"]
        sites_path = Path(settings["PATH"]) / self.sites_file
        if self.sites_file and sites_path.is_file():
            server, problems = server_sites(sites_path)
            self.counts.referrers = merged_sites(self.counts.referrers, server)
            self.counts.views.problems += problems
        else:
            self.sites_file = ""
        self.subscribers = subscribers
        self.links = links
        self.comment_days = {
            article.slug: [t.astimezone(self.zone).date() for t in candidate(article).comment_times]
            for article in self.articles
        }

    def _local(self, moment: datetime) -> date:
        return moment.astimezone(self.zone).date()

    def days(self) -> list[Bar]:
        """Views per day for the last 90 days, marking the days a post was published."""
        first = self.last_day - timedelta(days=DAYS - 1)
        published: dict[date, list[str]] = {}
        for article in self.articles:
            published.setdefault(self._local(article.date), []).append(_title(article))
        per_day = self.counts.per_day()
        bars = []
        for offset in range(DAYS):
            day = first + timedelta(days=offset)
            titles = published.get(day, [])
            mark = f"published {', '.join(titles)}" if titles else ""
            bars.append(Bar(_day_label(day), per_day[day], mark))
        return bars

    def weeks(self) -> list[Bar]:
        """Views per week (Monday to Sunday) for the last 52 weeks, the last one so far."""
        last_monday = self.last_day - timedelta(days=self.last_day.weekday())
        first = last_monday - timedelta(weeks=WEEKS - 1)
        totals: Counter = Counter()
        for day, views in self.counts.per_day().items():
            if day >= first:
                totals[(day - first).days // 7] += views
        return [
            Bar(f"Week of {_day_label(first + timedelta(weeks=week))}", totals[week])
            for week in range(WEEKS)
        ]

    def _first_month(self) -> date:
        known = [day for _, day in self.counts.views.days]
        known += [self._local(article.date) for article in self.articles]
        return min([day for day in known if day <= self.last_day], default=self.last_day)

    def months(self) -> list[Bar]:
        """Views per month, from the first month with a post or a view."""
        totals: Counter = Counter()
        for day, views in self.counts.per_day().items():
            totals[_month_start(day)] += views
        return [
            Bar(f"{month:%B %Y}", totals[month])
            for month in _months(self._first_month(), self.last_day)
        ]

    def comment_months(self) -> list[Bar]:
        totals = Counter(_month_start(day) for days in self.comment_days.values() for day in days)
        return [
            Bar(f"{month:%B %Y}", totals[month])
            for month in _months(self._first_month(), self.last_day)
        ]

    def subscriber_months(self) -> list[Bar]:
        """New subscribers per month, from the first month with a post, a view or one."""
        months = self.subscribers.months if self.subscribers else None
        if not months:
            return []
        first = min([self._first_month(), *(date.fromisoformat(f"{m}-01") for m in months)])
        return [
            Bar(f"{month:%B %Y}", months[f"{month:%Y-%m}"])
            for month in _months(first, self.last_day)
        ]

    def columns(self) -> list[Column]:
        return [
            Column("title", "Post", descending_first=False),
            Column("published", "Published"),
            *[Column(window, window_label(window)) for window in self.windows],
            Column("days", f"Last {DAYS} days"),
            Column("comments", "Comments"),
        ]

    def posts(self) -> tuple[list[PostRow], list[Markup]]:
        """A row per post, and the sparklines of its last 90 days."""
        in_window = {window: self.counts.views.in_window(window) for window in self.windows}
        first = self.last_day - timedelta(days=DAYS - 1)
        rows, symbols = [], []
        for number, article in enumerate(self.articles):
            daily = [
                self.counts.views.days[(article.slug, first + timedelta(days=offset))]
                for offset in range(DAYS)
            ]
            symbol = f"spark-{number}"
            symbols.append(sparkline_symbol(symbol, daily))
            busiest = max(range(DAYS), key=lambda offset: (daily[offset], offset))
            label = f"{sum(daily):,} views in the last {DAYS} days"
            if daily[busiest]:
                best_day = _day_label(first + timedelta(days=busiest))
                label += f", most on {best_day} ({daily[busiest]:,})"
            values = {
                "title": _title(article),
                "published": self._local(article.date),
                **{window: in_window[window][article.slug] for window in self.windows},
                "days": sum(daily),
                "comments": len(self.comment_days[article.slug]),
            }
            url = None if self.links is None else self.links + article.url
            rows.append(PostRow(_title(article), url, values["published"], values, symbol, label))
        return rows, symbols

    def referrers(self) -> list[dict]:
        """The referring domains of the last 7 and 30 days, most views first."""
        tables = []
        for days in REFERRER_WINDOWS:
            first = self.last_day - timedelta(days=days - 1)
            totals: Counter = Counter()
            for (day, domain), views in self.counts.referrers.items():
                if first <= day <= self.last_day:
                    totals[domain] += views
            ranked = sorted(totals.items(), key=lambda item: (-item[1], item[0]))
            tables.append({"days": days, "domains": ranked[:TOP_REFERRERS], "total": len(totals)})
        return tables

    def most_discussed(self) -> list[dict]:
        ranked = sorted(
            (
                {"title": _title(article), "comments": len(days), "latest": max(days)}
                for article in self.articles
                if (days := self.comment_days[article.slug])
            ),
            key=lambda post: (-post["comments"], post["title"].casefold()),
        )
        return ranked[:MOST_DISCUSSED]

    def render(self) -> str:
        views = self.counts.views
        charts = {}
        units = {"comments": "comments", "subscribers": "subscribers"}
        for key, period, bars, caption in (
            ("days", "Day", self.days(), f"Views per day, last {DAYS} days"),
            ("weeks", "Week", self.weeks(), f"Views per week, last {WEEKS} weeks"),
            ("months", "Month", self.months(), "Views per month, all time"),
            ("comments", "Month", self.comment_months(), "Comments per month, all time"),
            ("subscribers", "Month", self.subscriber_months(), "New subscribers per month"),
        ):
            if not bars:
                continue
            unit = units.get(key, "views")
            charts[key] = {
                "id": f"chart-{key}",
                "caption": caption,
                "period": period,
                "bars": bars,
                "svg": bar_chart(bars, f"chart-{key}-caption", unit),
                "top": scale_top([bar.value for bar in bars]),
                "unit": unit,
            }
        rows, symbols = self.posts()
        columns = self.columns()
        default = "30d" if "30d" in self.windows else self.windows[0]
        return templates.get_template("stats.html").render(
            site=self.settings.get("SITENAME", ""),
            now=self.now.astimezone(self.zone),
            zone=self.zone.key,
            sources=self.sources,
            sites_file=self.sites_file,
            following=read(self.settings, FOLLOW)["FOLLOW_EMAIL"],
            subscribers=self.subscribers or Subscribers(problem=NOT_FETCHED),
            charts=charts,
            days=DAYS,
            columns=columns,
            tables=_sorted_tables(rows, columns),
            default_table=f"posts-by-{default}-descending",
            symbols=symbols,
            sparkline=sparkline,
            referrers=self.referrers(),
            discussed=self.most_discussed(),
            comment_total=sum(len(days) for days in self.comment_days.values()),
            accounting=[
                (kind, unit, tally, files, accounting(tally))
                for kind, unit, tally, files in (
                    ("Access logs", "lines", views.logs, views.log_files),
                    ("CSV exports", "rows", views.rows, views.csv_files),
                )
                if tally.read or (unit == "lines" and not views.rows.read)
            ],
            total=views.total(),
            undated=sum(views.undated.values()),
            notes=views.notes,
            missing=views.missing,
            problems=views.problems,
        )


def _title(article: Any) -> str:
    return Markup(article.title).striptags()


def stats_html(
    settings: dict,
    *,
    today: str | None = None,
    links: str | None = None,
    subscribers: Subscribers | None = None,
) -> str:
    """The stats page of the blog whose settings are `settings`; `links`, when given, is the
    address post URLs are relative to (the live site, or the preview's `/`); `subscribers`,
    what the comment service said of them (when following by e-mail is on)."""
    return StatsPage(settings, today=today, links=links, subscribers=subscribers).render()
