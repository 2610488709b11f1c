"""Popular Posts: counting rules on small logs and CSVs with known answers, windows, rankings,
the widget's HTML for each setting, the honest fallback, bad input and the report command."""

import gzip
import json
import os
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from pathways.comments.service import ServiceConfig, create_app
from pathways.settings import read
from pathways.views.ranking import Candidate, rank, reference_time
from pathways.views.rules import is_bot
from pathways.views.settings import POPULAR_POSTS
from pathways.views.sources import read_sources
from tests.servers import ServiceThread
from tests.sites import (
    ROOT,
    build,
    free_port,
    post,
    run_pathways,
    soup,
    text,
    write_post,
    write_settings,
)

# Seconds each (the command line in a process of its own, or many inputs): left out of
# `make test-fast`.
pytestmark = pytest.mark.slow

BROWSER = "Mozilla/5.0 (X11; Linux x86_64; rv:120.0) Gecko/20100101 Firefox/120.0"
PHONE = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 Mobile"
GOOGLEBOT = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"
POSTS = {"/posts/first": "first", "/posts/second": "second", "/2019/05/first.html": "first"}
NOW = datetime(2024, 12, 31, 23, 59, 59, tzinfo=UTC)


def hit(ip, when, target, status=200, agent=BROWSER, method="GET"):
    """A combined-format line; `when` like '10/Jun/2024:10:00:00'."""
    return f'{ip} - - [{when} +0000] "{method} {target} HTTP/1.1" {status} 512 "-" "{agent}"\n'


def write_log(path: Path, lines: list[str], *, gzipped: bool = False) -> Path:
    data = "".join(lines).encode()
    path.write_bytes(gzip.compress(data) if gzipped else data)
    return path


def views_of(views, window="all"):
    return dict(views.in_window(window))


def test_counting_rules_on_an_access_log(tmp_path):
    log = write_log(
        tmp_path / "access.log",
        [
            hit("1.1.1.1", "10/Jun/2024:10:00:00", "/posts/first/"),
            hit("1.1.1.1", "10/Jun/2024:10:10:00", "/posts/first/index.html"),  # repeat
            hit("1.1.1.1", "10/Jun/2024:10:31:00", "/posts/first/?utm_source=x"),  # after 30 min
            hit("1.1.1.1", "10/Jun/2024:10:32:00", "/posts/first/", agent=PHONE),  # same address
            hit("2.2.2.2", "10/Jun/2024:11:00:00", "/posts/first", agent=PHONE),
            hit("3.3.3.3", "10/Jun/2024:11:00:00", "/posts/first/", agent=GOOGLEBOT),
            hit("4.4.4.4", "10/Jun/2024:11:00:00", "/posts/first/", agent="-"),
            hit("4.4.4.5", "10/Jun/2024:11:00:00", "/posts/first/", agent=""),
            hit("5.5.5.5", "10/Jun/2024:12:00:00", "/posts/first/", method="POST"),
            hit("5.5.5.5", "10/Jun/2024:12:00:00", "/posts/first/", status=404),
            hit("5.5.5.5", "10/Jun/2024:12:00:00", "/posts/first/", status=304),  # revalidated
            hit("6.6.6.6", "11/Jun/2024:09:00:00", "/2019/05/first.html?m=1"),  # old URL
            hit("6.6.6.6", "11/Jun/2024:09:00:00", "/wp-login.php"),
            hit("7.7.7.7", "11/Jun/2024:09:00:00", "/posts/second/"),
            hit("7.7.7.7", "11/Jan/1970:09:00:00", "/posts/second/"),  # an old date: read
            hit("7.7.7.7", "31/Feb/2024:09:00:00", "/posts/second/", method="HEAD"),  # impossible
            # malformed: binary garbage, a huge line, a common-format line in a combined log
            "\x00\x01\x02 binary garbage\n",
            "x" * 20000 + "\n",
            '1.2.3.4 - - [10/Jun/2024:10:00:00 +0000] "GET /posts/first/ HTTP/1.1" 200 -\n',
        ],
    )
    views = read_sources([str(log)], POSTS.get, NOW, ["all"])
    assert views_of(views) == {"first": 6, "second": 2}
    lines = views.logs
    assert (lines.read, lines.malformed, lines.not_views, lines.bots) == (19, 4, 3, 3)
    assert (lines.future, lines.repeats, lines.counted, lines.counted_304) == (0, 1, 8, 1)


def test_an_apache_log_with_escaped_quotes_in_its_fields(tmp_path):
    start = '1.1.1.1 - - [10/Jun/2024:10:00:00 +0000] "GET '
    log = write_log(
        tmp_path / "access.log",
        [
            start + '/posts/first/ HTTP/1.1" 200 5 "-" "Mozilla/5.0 \\"quoted\\" Firefox/120.0"\n',
            start + '/posts/\\"odd HTTP/1.1" 404 5 "-" "Mozilla/5.0 Firefox/120.0"\n',
            start + '/posts/first/ HTTP/1.1" 200 5 "http://x/\\"y" "Mozilla/5.0 Firefox/120.0"\n',
        ],
    )
    views = read_sources([str(log)], POSTS.get, NOW, ["all"])
    assert views_of(views) == {"first": 2}  # two user agents behind one address
    assert (views.logs.malformed, views.logs.not_views, views.logs.repeats) == (0, 1, 0)


def test_rotated_and_gzipped_logs_are_read_in_time_order(tmp_path):
    write_log(
        tmp_path / "access.log.2.gz",
        [hit("1.1.1.1", "01/Jun/2024:10:00:00", "/posts/first/")],
        gzipped=True,
    )
    write_log(  # compressed, though its name does not say so
        tmp_path / "access.log.1",
        [hit("1.1.1.1", "01/Jun/2024:10:20:00", "/posts/first/")],
        gzipped=True,
    )
    write_log(tmp_path / "access.log", [hit("1.1.1.1", "01/Jun/2024:10:40:00", "/posts/first/")])
    views = read_sources(["access.log*"], POSTS.get, NOW, ["all"], base=tmp_path)
    assert views_of(views) == {"first": 2}
    assert views.logs.repeats == 1 and views.log_files == 3


def test_truncated_gzip_is_reported_once_and_its_readable_part_kept(tmp_path):
    lines = [
        hit(f"9.9.{n // 250}.{n % 250}", "02/Jun/2024:10:00:00", "/posts/second/")
        for n in range(2000)
    ]
    whole = gzip.compress("".join(lines).encode())
    (tmp_path / "access.log.3.gz").write_bytes(whole[: len(whole) // 2])
    (tmp_path / "access.log.4.gz").write_bytes(b"not gzip at all")
    views = read_sources(["access.log.*.gz"], POSTS.get, NOW, ["all"], base=tmp_path)
    assert 0 < views_of(views)["second"] < 2000
    assert views.logs.read == views.logs.counted
    truncated, corrupt = sorted(views.problems)
    assert truncated.startswith(f"{tmp_path / 'access.log.3.gz'}: unreadable after line ")
    assert corrupt.startswith(f"{tmp_path / 'access.log.4.gz'}: cannot be read")


def test_missing_sources_are_named(tmp_path):
    views = read_sources(["nowhere/*.log", "absent.csv"], POSTS.get, NOW, ["all"], base=tmp_path)
    assert views.missing == ["nowhere/*.log", "absent.csv"]


def test_csv_exports(tmp_path):
    (tmp_path / "plain.csv").write_text(
        "path,date,views\n/posts/first/,2024-06-01,5\n/posts/nope/,2024-06-01,3\n"
        "/posts/second/,not-a-date,2\n/posts/second/,2024-06-02,-4\n/posts/first/,2025-01-01,1\n"
    )
    (tmp_path / "goatcounter.csv").write_text(
        "2Path,Title,Event,UserAgent,Browser,System,Session,Bot,Referrer,Referrer scheme,"
        "Screen size,Location,FirstVisit,Date\n"
        "/posts/second/,S,false,,Firefox 120,Linux,s1,0,,,,NL,true,2024-06-03T10:00:00Z\n"
        "/posts/second/,S,false,,Firefox 120,Linux,s1,0,,,,NL,false,2024-06-03T10:05:00Z\n"
        "/posts/second/,S,false,,Firefox 120,Linux,s2,0,,,,NL,true,2024-06-03T10:05:00Z\n"
        "/posts/second/,S,false,,,,s3,4,,,,,true,2024-06-03T10:05:00Z\n"
        "signup,S,true,,,,s4,0,,,,,true,2024-06-03T10:05:00Z\n"
    )
    (tmp_path / "plausible-pages.csv").write_text(
        "name,visitors,pageviews,bounce_rate,time_on_page\n/posts/first/,7,9,50,30\n"
    )
    (tmp_path / "mystery.csv").write_text("a,b,c\n1,2,3\n")
    views = read_sources(["*.csv"], POSTS.get, NOW, ["all"], base=tmp_path)
    assert views_of(views) == {"first": 14, "second": 2}
    rows = views.rows
    assert (rows.read, rows.malformed, rows.not_views, rows.bots) == (11, 2, 2, 1)
    assert (rows.future, rows.repeats, rows.counted, rows.views) == (1, 1, 4, 16)
    assert rows.read == rows.rejected() + rows.counted
    assert [problem.split(":")[0] for problem in views.problems] == [str(tmp_path / "mystery.csv")]
    [note] = views.notes
    assert "plausible-pages.csv: totals without a period, filed under All time only" in note


def test_a_plausible_export_is_filed_under_the_windows_its_period_covers(tmp_path):
    (tmp_path / "pages.csv").write_text("name,visitors,pageviews\n/posts/first/,7,9\n")
    now = datetime(2024, 6, 30, 23, 59, 59, tzinfo=UTC)
    windows = ["7d", "30d", "365d", "all"]
    month = read_sources(
        ["pages.csv 2024-06-01..2024-06-30"], POSTS.get, now, windows, base=tmp_path
    )
    assert month.counts == Counter({("first", "30d"): 9, ("first", "365d"): 9, ("first", "all"): 9})
    assert not month.notes
    unfinished = read_sources(
        ["pages.csv 2024-06-01..2024-07-31"], POSTS.get, now, windows, base=tmp_path
    )
    assert not unfinished.counts and unfinished.rows.future == 1
    backwards = read_sources(["pages.csv 2024-06-30..2024-06-01"], POSTS.get, now, windows)
    assert backwards.problems == [
        "source 'pages.csv 2024-06-30..2024-06-01': the period ends before it starts"
    ]


def test_windows_end_at_an_instant_and_days_count_only_when_whole(tmp_path):
    """`now - 7 days < t <= now` for hits; a day of a per-day source only when all of it is."""
    now = reference_time("2024-06-30", "America/New_York")
    assert now == datetime(2024, 7, 1, 3, 59, 59, 999999, tzinfo=UTC)
    floor = "23/Jun/2024:23:59:59 -0400"  # exactly 7 days before: not in the week
    write_log(
        tmp_path / "access.log",
        [
            hit("1.1.1.1", floor[:-6], "/posts/first/").replace("+0000", "-0400"),
            hit("1.1.1.2", "24/Jun/2024:00:00:00", "/posts/first/").replace("+0000", "-0400"),
            hit("1.1.1.3", "01/Jul/2024:03:59:59", "/posts/second/"),  # at now (UTC)
            hit("1.1.1.4", "01/Jul/2024:04:00:00", "/posts/second/"),  # after now
        ],
    )
    (tmp_path / "beacon.csv").write_text(
        "path,date,views\n/posts/first/,2024-06-25,10\n/posts/first/,2024-06-24,100\n"
        "/posts/second/,2024-07-01,1000\n"
    )
    views = read_sources(["access.log", "beacon.csv"], POSTS.get, now, ["7d", "all"], base=tmp_path)
    # UTC days: June 25 lies inside the week from June 24 03:59:59.999999 UTC, June 24 does
    # not; July 1 is not over yet.
    assert views_of(views, "7d") == {"first": 1 + 10, "second": 1}
    assert views_of(views, "all") == {"first": 2 + 110, "second": 1}
    assert (views.logs.future, views.rows.future) == (1, 1)


def test_ranking_per_window():
    now = datetime(2024, 6, 30, 12, 0, tzinfo=UTC)
    posts = [
        Candidate("a", datetime(2024, 1, 1, tzinfo=UTC)),
        Candidate("b", datetime(2024, 6, 29, 12, 0, tzinfo=UTC)),
    ]
    assert [(e.key, e.views) for e in rank(posts, Counter(a=11, b=2), "30d", now)] == [
        ("a", 11),
        ("b", 2),
    ]
    per_day = rank(posts, Counter(a=11, b=2), "30d", now, by="views_per_day")
    assert [e.key for e in per_day] == ["b", "a"]  # b: 2 views in its one day live
    assert per_day[0].score == 2.0 and per_day[1].score == pytest.approx(11 / 30)


def test_ranking_by_comments_in_the_window():
    posts = [
        Candidate("old", datetime(2024, 1, 1, tzinfo=UTC), (datetime(2024, 2, 1, tzinfo=UTC),) * 5),
        Candidate(
            "new",
            datetime(2024, 6, 1, tzinfo=UTC),
            (datetime(2024, 6, 20, tzinfo=UTC), datetime(2024, 6, 21, tzinfo=UTC)),
        ),
    ]
    now = datetime(2024, 6, 30, tzinfo=UTC)
    assert [e.key for e in rank(posts, Counter(), "30d", now, by="comments")] == ["new"]
    assert [e.key for e in rank(posts, Counter(), "all", now, by="comments")] == ["old", "new"]


@pytest.fixture
def blog(tmp_path):
    content = tmp_path / "content"
    write_post(
        content,
        "first.md",
        post(
            "First",
            "2024-05-01 10:00+00:00",
            summary="The first one.",
            old_urls="/2019/05/first.html",
        ),
    )
    write_post(
        content,
        "second.md",
        post("Second", "2024-06-01 10:00+00:00", body="![A dog]({static}/images/dog.png)"),
    )
    write_post(content, "third.md", post("Third", "2024-06-15 10:00+00:00"))
    (content / "images").mkdir()
    (content / "images" / "dog.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    (content / "data").mkdir()
    write_log(
        content / "data" / "access.log",
        [hit(f"1.1.1.{n}", "20/Jun/2024:10:00:00", "/posts/second/") for n in range(3)]
        + [hit(f"2.2.2.{n}", "01/Jan/2024:10:00:00", "/2019/05/first.html") for n in range(5)],
    )
    return tmp_path, content


def widget(tmp_path: Path, content: Path, **settings):
    result = build(write_settings(tmp_path, content, **settings))
    assert result.returncode == 0, result.stderr
    return soup(tmp_path / "output" / "posts" / "third" / "index.html").select_one(".popular-posts")


def ranked_widget(blog: tuple[Path, Path], **settings):
    """The widget of a build ranking the blog's access log as of June 30, 2024."""
    tmp_path, content = blog
    return widget(
        tmp_path,
        content,
        POPULAR_POSTS_SOURCES=["data/access.log"],
        POPULAR_POSTS_TODAY="2024-06-30",
        **settings,
    )


@pytest.mark.build
def test_widget_ranks_per_window_as_tabs_that_work_without_js(blog):
    box = ranked_widget(blog, POPULAR_POSTS_WINDOWS=["30d", "all"])
    assert text(box.h2) == "Popular Posts"
    tabs = box.select("details.popular-window")
    assert [text(t.summary) for t in tabs] == ["Last 30 days", "All time"]
    assert tabs[0].has_attr("open") and not tabs[1].has_attr("open")
    month = [(text(li.a), text(li.select_one(".popular-meta"))) for li in tabs[0].select("li")]
    assert month == [("Second", "June 1, 2024 · 3 views")]
    assert [text(li.a) for li in tabs[1].select("li")] == ["First", "Second"]
    assert not box.select("img, .popular-snippet")


@pytest.mark.build
def test_widget_snippet_and_thumbnail_settings(blog):
    box = ranked_widget(
        blog,
        POPULAR_POSTS_WINDOWS=["all"],
        POPULAR_POSTS_SNIPPET=True,
        POPULAR_POSTS_THUMBNAIL=True,
    )
    items = box.select("li")
    assert text(items[0].select_one(".popular-snippet")) == "The first one."
    assert items[1].img["src"] == "/images/dog.png" and items[1].img["alt"] == ""
    assert not items[0].img


@pytest.mark.build
def test_a_window_without_views_says_so(blog):
    box = ranked_widget(blog, POPULAR_POSTS_WINDOWS=["7d"])
    assert "No views recorded in this period." in text(box)


@pytest.mark.build
def test_without_view_data_the_widget_falls_back_honestly(blog):
    tmp_path, content = blog
    box = widget(tmp_path, content)
    assert text(box.h2) == "Recent posts"
    assert [text(li.a) for li in box.select("li")] == ["Third", "Second", "First"]
    assert "view" not in text(box)

    comment = content / "comments" / "first" / "c1.md"
    comment.parent.mkdir(parents=True)
    comment.write_text("Author: Ana\nDate: 2024-06-02T10:00:00+00:00\n\nHi.\n")
    box = widget(tmp_path, content)
    assert text(box.h2) == "Most discussed"
    assert text(box.select_one("li")).startswith("First") and "1 comment" in text(
        box.select_one("li")
    )


@pytest.mark.build
def test_the_widget_counts_lines_added_to_a_log_since_the_last_build(blog):
    tmp_path, content = blog
    settings = write_settings(
        tmp_path,
        content,
        POPULAR_POSTS_SOURCES=["data/access.log", "data/gone.log"],
        POPULAR_POSTS_WINDOWS=["all"],
        POPULAR_POSTS_TODAY="2024-06-30",
        CACHE_PATH=str(tmp_path / "cache"),
    )

    def ranking() -> list[str]:
        result = build(settings)
        assert result.returncode == 0, result.stderr
        assert "nothing matches data/gone.log" in result.stderr
        page = soup(tmp_path / "output" / "posts" / "third" / "index.html")
        return [text(li) for li in page.select(".popular-posts li")]

    assert ranking() == ["First May 1, 2024 · 5 views", "Second June 1, 2024 · 3 views"]
    with (content / "data" / "access.log").open("a") as log:
        log.writelines(hit(f"3.3.3.{n}", "25/Jun/2024:10:00:00", "/posts/third/") for n in range(7))
    added = ranking()
    assert added == [
        "Third June 15, 2024 · 7 views",
        "First May 1, 2024 · 5 views",
        "Second June 1, 2024 · 3 views",
    ]
    [kept] = (tmp_path / "cache").rglob("popular-views.pickle")
    written = kept.stat().st_mtime_ns
    assert ranking() == added
    assert kept.stat().st_mtime_ns == written  # the kept views were used, the log not read


@pytest.mark.build
def test_without_a_reference_day_the_widget_counts_up_to_yesterday_so_a_day_s_publishes_agree(
    blog,
):
    tmp_path, content = blog
    zone = ZoneInfo("America/New_York")  # the shipped TIMEZONE
    today = datetime.now(zone).replace(hour=0, minute=0, second=1, microsecond=0)
    yesterday = today - timedelta(days=1)

    def hits(ip: str, moment: datetime, count: int) -> list[str]:
        when = moment.astimezone(UTC).strftime("%d/%b/%Y:%H:%M:%S")
        return [hit(f"{ip}.{n}", when, "/posts/third/") for n in range(count)]

    log = hits("4.4.4", yesterday, 2) + hits("5.5.5", today, 4)
    write_log(content / "data" / "access.log", log)
    settings = write_settings(
        tmp_path,
        content,
        publish=True,
        POPULAR_POSTS_SOURCES=["data/access.log"],
        POPULAR_POSTS_WINDOWS=["7d"],
        CHECK_LIVE_ADDRESSES=False,
        CACHE_PATH=str(tmp_path / "cache"),
    )
    first = run_pathways("build", "-v", "--settings", str(settings))
    assert first.returncode == 0, first.stderr
    page = tmp_path / "output" / "posts" / "first" / "index.html"
    shown = [text(li) for li in soup(page).select(".popular-posts li")]
    assert shown == ["Third June 15, 2024 · 2 views"]  # today's four wait for tomorrow

    with (content / "data" / "access.log").open("a") as log:
        log.writelines(hits("6.6.6", today + timedelta(minutes=5), 9))
    again = run_pathways("build", "-v", "--settings", str(settings))
    assert again.returncode == 0, again.stderr
    assert "Rendered and finished 0 pages and feeds" in again.stderr
    assert [text(li) for li in soup(page).select(".popular-posts li")] == shown


@pytest.mark.build
def test_a_rebuild_after_the_log_grew_or_rotated_shows_what_a_cold_build_shows(blog):
    tmp_path, content = blog
    log = content / "data" / "access.log"

    def popular(cache: str) -> str:
        settings = write_settings(
            tmp_path,
            content,
            POPULAR_POSTS_SOURCES=["data/access.log*"],
            POPULAR_POSTS_WINDOWS=["7d", "all"],
            POPULAR_POSTS_TODAY="2024-06-30",
            CACHE_PATH=str(tmp_path / cache),
        )
        result = build(settings)
        assert result.returncode == 0, result.stderr
        box = soup(tmp_path / "output" / "posts" / "third" / "index.html").select(".popular-posts")
        return str(box)

    popular("cache")
    with log.open("a") as appended:
        appended.write(hit("1.1.1.0", "20/Jun/2024:10:20:00", "/posts/second/"))  # a repeat
        appended.writelines(
            hit(f"3.3.3.{n}", "27/Jun/2024:10:00:00", "/posts/third/") for n in range(4)
        )
        appended.write(hit("4.4.4.4", "28/Jun/2024:10:00:00", "/posts/third/")[:30])
    grown = popular("cache")
    assert grown == popular(f"cold-{len(grown)}")
    assert "Third" in grown and "4 views" in grown and "3 views" in grown
    log.rename(log.with_name("access.log.1"))
    write_log(log, [hit(f"5.5.5.{n}", "29/Jun/2024:10:00:00", "/posts/second/") for n in range(2)])
    rotated = popular("cache")
    assert rotated == popular("cold-rotated") and "5 views" in rotated


@pytest.mark.build
def test_the_widget_can_hide_without_data(blog):
    tmp_path, content = blog
    assert widget(tmp_path, content, POPULAR_POSTS_FALLBACK="hide") is None


@pytest.mark.build
def test_a_missing_source_warns_and_the_build_goes_on(blog):
    tmp_path, content = blog
    result = build(write_settings(tmp_path, content, POPULAR_POSTS_SOURCES=["data/gone.log"]))
    assert result.returncode == 0
    assert "nothing matches data/gone.log" in result.stderr


@pytest.mark.build
def test_unreadable_sources_are_warned_about_once_and_the_fallback_says_why(blog):
    tmp_path, content = blog
    (content / "data" / "access.log.9.gz").write_bytes(b"PK\x03\x04 never gzip")
    (content / "data" / "error.log").write_text(
        "2024/06/20 10:00:00 [error] 12#12: *1 open() failed (2: No such file or directory)\n" * 9
    )
    result = build(
        write_settings(
            tmp_path,
            content,
            POPULAR_POSTS_SOURCES=["data/access.log.9.gz", "data/error.log"],
            POPULAR_POSTS_TODAY="2024-06-30T12:00:00+02:00",
        )
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr.count("access.log.9.gz") == 1
    [unreadable] = [line for line in result.stderr.splitlines() if "error.log" in line]
    assert "9 of 9 lines are not in a log format Popular Posts reads" in unreadable
    assert "'2024/06/20 10:00:00 [error] 12#12: *1 open() failed" in unreadable
    assert "no view counted in 9 line(s) or row(s) of POPULAR_POSTS_SOURCES" in result.stderr
    assert "Traceback" not in result.stderr
    page = soup(tmp_path / "output" / "posts" / "third" / "index.html")
    assert text(page.select_one(".popular-posts h2")) == "Recent posts"


def test_a_reference_time_without_offset_is_refused_by_name(caplog):
    config = read({"POPULAR_POSTS_TODAY": "2026-11-20 23:59:59"}, POPULAR_POSTS)
    assert config["POPULAR_POSTS_TODAY"] is None
    [message] = caplog.messages
    assert message.startswith("POPULAR_POSTS_TODAY must be a date (2026-11-20) or an instant")
    assert (
        read({"POPULAR_POSTS_TODAY": "2026-11-20T23:59:59Z"}, POPULAR_POSTS)["POPULAR_POSTS_TODAY"]
        == "2026-11-20T23:59:59Z"
    )
    assert reference_time("2026-11-20T23:59:59+01:00", "UTC") == datetime(
        2026, 11, 20, 22, 59, 59, tzinfo=UTC
    )


def test_sources_that_cannot_be_read_as_one_are_refused_by_name(caplog):
    bad = ["logs/access.log*", "pages.csv 2026-02-30..2026-03-31"]
    assert read({"POPULAR_POSTS_SOURCES": bad}, POPULAR_POSTS)["POPULAR_POSTS_SOURCES"] == []
    [message] = caplog.messages
    assert message.startswith(
        "POPULAR_POSTS_SOURCES source 'pages.csv 2026-02-30..2026-03-31': day is out of range"
    )


def test_repeats_across_overlapping_logs_and_lines_out_of_order(tmp_path):
    """Two logs of one site (say http and https) cover the same hours; Apache logs a request
    when it ends, stamped with when it began."""
    write_log(
        tmp_path / "access.log",
        [
            hit("1.1.1.1", "10/Jun/2024:10:40:00", "/posts/first/"),
            hit("1.1.1.1", "10/Jun/2024:10:00:00", "/posts/first/"),  # began earlier
            hit("1.1.1.1", "10/Jun/2024:11:05:00", "/posts/first/"),
        ],
    )
    write_log(
        tmp_path / "ssl_access.log", [hit("1.1.1.1", "10/Jun/2024:10:20:00", "/posts/first/")]
    )
    views = read_sources(["ssl_access.log", "access.log"], POSTS.get, NOW, ["all"], base=tmp_path)
    # In time order: 10:00 counted, 10:20 and 10:40 repeats, 11:05 counted (65 minutes on).
    assert views_of(views) == {"first": 2} and views.logs.repeats == 2


def test_report_prints_rankings_and_what_was_skipped(blog):
    tmp_path, content = blog
    settings = write_settings(
        tmp_path,
        content,
        POPULAR_POSTS_SOURCES=["data/access.log"],
        POPULAR_POSTS_TODAY="2024-06-30",
    )
    result = run_pathways(
        "views", "--settings", str(settings), "report", "--window", "all", "--window", "7d"
    )
    assert result.returncode == 0, result.stderr
    assert (
        "All time (all): 8 views\n   1.        5 views  First\n   2.        3 views  Second"
        in result.stdout
    )
    assert "Last 7 days (7d): 0 views\n  no views recorded" in result.stdout
    assert "Access logs: 8 lines read from 1 file(s)" in result.stdout
    assert "Views counted: 8 (8 from logs, 0 from CSV rows)" in result.stdout


def test_report_explains_counts_from_csv_sources_and_their_periods(blog):
    tmp_path, content = blog
    (content / "data" / "pages.csv").write_text("name,visitors,pageviews\n/posts/first/,7,9\n")
    (content / "data" / "views.csv").write_text("path,date,views\n/posts/first/,2024-06-28,3\n")
    settings = write_settings(
        tmp_path, content, POPULAR_POSTS_SOURCES=["data/pages.csv", "data/views.csv"]
    )
    result = run_pathways(
        "views",
        "--settings",
        str(settings),
        "report",
        "--window",
        "7d",
        "--today",
        "2024-06-30",
        "--explain",
        "first",
    )
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "Last 7 days (7d): 3 views" in out and "All time (all)" not in out
    assert "CSV exports: 2 rows read from 2 file(s)" in out
    assert "Views counted: 12 (0 from logs, 12 from CSV rows)" in out
    assert "pages.csv: totals without a period, filed under All time only" in out
    assert "pages.csv:2  totals without a period  row  9 view(s)  in all\n" in out
    assert (
        "views.csv:2  2024-06-28 04:00:00+00:00 to 2024-06-29 03:59:59+00:00  row  3 view(s)"
        "  in 7d, all\n"
    ) in out


@pytest.mark.build
@pytest.mark.server
def test_the_view_beacon_counts_privately_and_feeds_the_widget(blog):
    tmp_path, content = blog
    settings = write_settings(tmp_path, content)
    assert build(settings).returncode == 0
    # A zone whose day is not UTC's at this hour: days are the blog's, not UTC's.
    zone = "Pacific/Kiritimati" if datetime.now(UTC).hour >= 10 else "Pacific/Pago_Pago"
    config = ServiceConfig(
        db_path=tmp_path / "service.sqlite3",
        site_dir=tmp_path / "output",
        site_url="http://site.example",
        allowed_origins=("http://site.example",),
        timezone=zone,
        beacon=True,
        moderation_token="export-token",
    )
    local_days = {datetime.now(ZoneInfo(zone)).date().isoformat()}

    def beacon(url, path, agent=BROWSER):
        request = urllib.request.Request(f"{url}/views", data=path.encode(), method="POST")
        request.add_header("Content-Type", "text/plain;charset=UTF-8")
        request.add_header("Origin", "http://site.example")
        request.add_header("User-Agent", agent)
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status

    with ServiceThread(create_app(config)) as service:
        assert beacon(service.url, "/posts/third/") == 204
        assert beacon(service.url, "/posts/third/") == 204  # same client, within 30 minutes
        assert beacon(service.url, "/posts/second/", agent=GOOGLEBOT) == 204
        assert beacon(service.url, "/not/a/post/") == 204
        export = urllib.request.Request(f"{service.url}/views.csv")
        export.add_header("Authorization", "Bearer export-token")
        with urllib.request.urlopen(export, timeout=10) as response:
            exported = response.read().decode()
    local_days.add(datetime.now(ZoneInfo(zone)).date().isoformat())
    rows = exported.strip().splitlines()
    assert rows[0] == "path,date,views"
    assert len(rows) == 2 and rows[1].startswith("/posts/third,") and rows[1].endswith(",1")
    assert rows[1].split(",")[1] in local_days
    assert datetime.now(UTC).date().isoformat() not in local_days
    with sqlite3.connect(config.db_path) as db:
        columns = {row[1] for row in db.execute("PRAGMA table_info(daily_views)")}
    assert columns == {"path", "day", "views"}

    (content / "data" / "beacon.csv").write_text(exported)
    day = rows[1].split(",")[1]
    box = widget(
        tmp_path,
        content,
        POPULAR_POSTS_SOURCES=["data/beacon.csv"],
        POPULAR_POSTS_TODAY=day,
        POPULAR_POSTS_WINDOWS=["7d"],
    )
    assert [text(li.a) for li in box.select("li")] == ["Third"]


def test_shipped_site_shows_popular_posts_from_its_sample_log(fixture_site):
    box = soup(fixture_site / "index.html").select_one(".popular-posts")
    assert text(box.h2) == "Popular Posts"
    first = box.select_one("details li")
    assert text(first.a) == "Ketamine" and "views" in text(first)


@pytest.mark.build
@pytest.mark.server
def test_the_beacon_keeps_no_trace_of_the_reader(blog):
    """Everything the comment service writes while counting views (its database, its log,
    its answers, error pages included) is searched for the reader's address and user agent."""
    tmp_path, content = blog
    address, agent = "198.51.100.77", f"{BROWSER} Lumen/7f3a9c"
    assert not is_bot(agent)
    database = tmp_path / "service.sqlite3"
    settings = write_settings(
        tmp_path,
        content,
        SITEURL="http://site.example",
        COMMENTS_DB=str(database),
        COMMENTS_TRUST_PROXY=True,
        POPULAR_POSTS_BEACON=True,
    )
    assert build(settings).returncode == 0
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    command = [sys.executable, "-m", "pathways", "comments", "--settings", str(settings), "serve"]
    log = tmp_path / "service.log"
    with log.open("wb") as output:
        service = subprocess.Popen(
            [*command, "--port", str(port)],
            cwd=ROOT,
            stdout=output,
            stderr=output,
            env={**os.environ, "PATHWAYS_MODERATION_TOKEN": "export-token"},
        )
        try:
            wait_for(f"{url}/health")
            answers = [
                send(url, "/views", b"/posts/third/", address, agent),
                send(url, "/views", b"/posts/third/", address, agent),
                send(url, "/views", b"/posts/nowhere/", address, agent),
                send(url, "/views", b"\xff" * 5000, address, agent),
                send(url, "/views", None, address, agent),  # a GET: not allowed
                send(url, "/no/such/page", b"x", address, agent),
                send(url, "/views.csv", None, address, agent, token="export-token"),
            ]
        finally:
            service.terminate()
            service.wait(timeout=10)
    assert "/posts/third," in answers[-1].decode()  # the view was counted
    written = [log.read_bytes(), *answers]
    written += [path.read_bytes() for path in tmp_path.glob("service.sqlite3*")]
    for blob in written:
        assert address.encode() not in blob and b"Lumen/7f3a9c" not in blob


def send(
    url: str, path: str, body: bytes | None, address: str, agent: str, token: str = ""
) -> bytes:
    """A request as the reader's browser sends it through the writer's proxy."""
    request = urllib.request.Request(url + path, data=body, method="POST" if body else "GET")
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    request.add_header("Origin", "http://site.example")
    request.add_header("Content-Type", "text/plain;charset=UTF-8")
    request.add_header("User-Agent", agent)
    request.add_header("X-Forwarded-For", address)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.read()
    except urllib.error.HTTPError as error:
        return error.read()


def wait_for(url: str) -> None:
    deadline = time.monotonic() + 20
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)


@pytest.mark.parametrize("zone", ["Europe/Paris", "America/New_York", "Asia/Tokyo"])
def test_a_plausible_period_of_thirty_local_days_is_in_the_thirty_day_window(blog, zone):
    """The period starts at local midnight and, in Paris, spans the autumn clock change (30
    days and an hour): with the reference given as a day it is that window's 30 whole days."""
    tmp_path, content = blog
    (content / "data" / "pages.csv").write_text("name,visitors,pageviews\n/posts/first/,7,9\n")
    settings = write_settings(
        tmp_path,
        content,
        TIMEZONE=zone,
        POPULAR_POSTS_SOURCES=["data/pages.csv 2026-10-22..2026-11-20"],
    )
    report = ["views", "--settings", str(settings), "report", "--window", "30d"]
    result = run_pathways(*report, "--today", "2026-11-20")
    assert result.returncode == 0, result.stderr
    assert "Last 30 days (30d): 9 views\n   1.        9 views  First" in result.stdout
    # A day shorter, the period is no longer inside the window, and the report says why.
    result = run_pathways(*report, "--today", "2026-11-19")
    assert "Last 30 days (30d): 0 views" in result.stdout
    assert "           1  after the reference time" in result.stdout


CADDY_LINES = [
    # the site's access log: two readers (one by its www. name), one also asking for an asset
    {"logger": "http.log.access.log0", "host": "blog.example", "ip": "203.0.113.5"},
    {"logger": "http.log.access.log0", "host": "www.blog.example:443", "ip": "198.51.100.7"},
    {
        "logger": "http.log.access.log0",
        "host": "blog.example",
        "ip": "198.51.100.7",
        "uri": "/a.css",
    },
    # another site on the same server, and a reverse proxy's debug line of the same request
    {"logger": "http.log.access.log1", "host": "other.example", "ip": "192.0.2.1"},
    {"logger": "http.handlers.reverse_proxy", "host": "blog.example", "ip": "192.0.2.2"},
]


def caddy_line(logger: str, host: str, ip: str, uri: str = "/posts/first/") -> str:
    entry = {
        "level": "info" if logger.startswith("http.log.access") else "debug",
        "ts": 1718013600.5,  # 2024-06-10 10:00:00.5 UTC
        "logger": logger,
        "msg": "handled request",
        "request": {
            "remote_ip": ip,
            "client_ip": ip,
            "method": "GET",
            "host": host,
            "uri": uri,
            "headers": {"User-Agent": [BROWSER]},
        },
        "status": 200,
    }
    return json.dumps(entry) + "\n"


def test_caddy_lines_of_other_loggers_and_hosts_are_not_views_and_only_bad_lines_warn(blog):
    tmp_path, content = blog
    lines = [caddy_line(**fields) for fields in CADDY_LINES]
    write_log(content / "data" / "caddy.log", [*lines, '{"ts": 1718013601, "level"\n'])
    settings = write_settings(
        tmp_path,
        content,
        SITEURL="https://blog.example",
        POPULAR_POSTS_SOURCES=["data/caddy.log"],
        POPULAR_POSTS_TODAY="2024-06-30",
    )
    result = run_pathways("views", "--settings", str(settings), "report", "--window", "all")
    assert result.returncode == 0, result.stderr
    assert "All time (all): 2 views\n   1.        2 views  First" in result.stdout
    assert "           1  malformed (not in a format read)" in result.stdout
    assert "           3  not a page view" in result.stdout
    (problem,) = [line for line in result.stderr.splitlines() if line.startswith("Problem:")]
    assert "caddy.log: 1 of 6 lines are not in a log format" in problem
    assert '"level"' in problem  # the malformed line itself, as an example


def test_report_says_which_pages_asked_for_are_no_post_and_refuses_unknown_windows(blog):
    tmp_path, content = blog
    write_log(
        content / "data" / "access.log",
        [
            hit("1.1.1.1", "10/Jun/2024:10:00:00", "/2024/06/first-post.html"),
            hit("1.1.1.2", "10/Jun/2024:10:00:00", "/2024/06/first-post.html"),
            hit("1.1.1.3", "10/Jun/2024:10:00:00", "/posts/second/"),
        ],
    )
    settings = write_settings(tmp_path, content, POPULAR_POSTS_SOURCES=["data/access.log"])
    report = ["views", "--settings", str(settings), "report", "--today", "2024-06-30"]
    result = run_pathways(*report)
    assert result.returncode == 0, result.stderr
    assert (
        "Note: 2 of the lines or rows not a page view asked for a page that is no post (the "
        "site has 3 published post(s)" in result.stdout
    )
    assert "the most asked: /2024/06/first-post.html (2)." in result.stdout

    refused = run_pathways(*report, "--window", "12h")
    assert refused.returncode == 2
    assert "argument --window: unknown window '12h': use 7d, 30d, 365d, all or <n>d" in (
        refused.stderr
    )
    assert "Traceback" not in refused.stderr
