"""Counts that leave the server, readers' data that does not: `pathways views count` reads a
built site's rotated, compressed logs with every Popular Posts rule, keeps views per post and
local day and referring sites per day (by name only) for all time, and exports counts that a
laptop's build reads as a source, ranking the posts as the logs themselves would."""

import gzip
import re
import sqlite3
from pathlib import Path

import pytest

from pathways.views.referrers import referring_site
from tests.sites import build, post, run_pathways, write_post, write_settings

# Seconds each (the command line in a process of its own, or many inputs): left out of
# `make test-fast`.
pytestmark = pytest.mark.slow

BROWSER = "Mozilla/5.0 (X11; Linux x86_64; rv:120.0) Gecko/20100101 Firefox/120.0"
PHONE = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) Version/17.1 Mobile Safari/604.1"
GOOGLEBOT = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"
ADDRESSES = ("203.0.113.5", "203.0.113.6", "198.51.100.7", "192.0.2.44")


def line(ip, when, target, referrer="-", agent=BROWSER, status=200):
    return f'{ip} - - [{when} +0000] "GET {target} HTTP/1.1" {status} 512 "{referrer}" "{agent}"\n'


# In Asia/Kolkata (UTC+05:30): 10/Jun 20:00 UTC is 11 June there.
OLDEST = [  # access.log.2.gz
    line(ADDRESSES[0], "09/Jun/2024:08:00:00", "/posts/first/"),
    line(ADDRESSES[0], "09/Jun/2024:08:10:00", "/posts/first/"),  # a repeat
    line(ADDRESSES[1], "09/Jun/2024:09:00:00", "/posts/first/", agent=GOOGLEBOT),
]
OLDER = [  # access.log.1
    line(
        ADDRESSES[1],
        "10/Jun/2024:10:00:00",
        "/posts/second/?utm=x",
        "https://www.google.co.uk/search?q=private+illness+question",
    ),
    line(
        ADDRESSES[2],
        "10/Jun/2024:20:00:00",
        "/posts/second/",
        "https://forum.example.org/t/my-private-thread?page=2",
        PHONE,
    ),
    line(ADDRESSES[2], "10/Jun/2024:20:01:00", "/theme/css/style.css", "https://blog.example/"),
]
NEWEST = [  # access.log
    line(ADDRESSES[3], "11/Jun/2024:06:00:00", "/posts/second/", "http://semalt.com/crawler"),
    line(ADDRESSES[3], "11/Jun/2024:06:05:00", "/posts/first/", "https://blog.example/posts/"),
    line(ADDRESSES[0], "11/Jun/2024:07:00:00", "/posts/first/", "https://duckduckgo.com/"),
]


@pytest.fixture
def server(tmp_path):
    """A built site on a server in India, with its logs and a place for the counts."""
    content = tmp_path / "content"
    write_post(content, "first.md", post("First", "2024-05-01 10:00+00:00"))
    write_post(content, "second.md", post("Second", "2024-05-02 10:00+00:00"))
    settings = write_settings(
        tmp_path,
        content,
        SITEURL="https://blog.example",
        TIMEZONE="Asia/Kolkata",
        COMMENTS_DB=str(tmp_path / "server" / "comments.sqlite3"),
    )
    assert build(settings).returncode == 0
    logs = tmp_path / "logs"
    logs.mkdir()
    with gzip.open(logs / "access.log.2.gz", "wt") as oldest:
        oldest.writelines(OLDEST)
    (logs / "access.log.1").write_text("".join(OLDER))
    (logs / "access.log").write_text("".join(NEWEST))
    (tmp_path / "server").mkdir(exist_ok=True)
    return tmp_path, settings, logs


def count(settings: Path, logs: Path, now: str, out: Path):
    result = run_pathways(
        "views", "--settings", str(settings), "count", "--source", str(logs / "access.log*"),
        "--now", now, "--views", str(out / "views.csv"), "--sites", str(out / "sites.csv"),
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    return result, (out / "views.csv").read_text(), (out / "sites.csv").read_text()


@pytest.mark.build
def test_the_server_keeps_counts_per_day_and_the_laptop_ranks_as_the_logs_would(server):
    tmp_path, settings, logs = server
    result, views, sites = count(settings, logs, "2024-06-11", tmp_path / "server")
    assert views == (
        "path,date,views\n"
        "/posts/first,2024-06-09,1\n"  # the repeat and the bot left out
        "/posts/second,2024-06-10,1\n"
        "/posts/first,2024-06-11,2\n"
        "/posts/second,2024-06-11,2\n"  # 20:00 UTC on the 10th is the 11th in India
    )
    # By name only, search engines grouped, the site itself and referrer spam left out.
    assert sites == (
        "date,site,views\n"
        "2024-06-10,Google,1\n"
        "2024-06-11,DuckDuckGo,1\n"
        "2024-06-11,forum.example.org,1\n"
    )
    assert "           6  counted" in result.stdout
    # Nothing a reader could be known by leaves the server, or is kept in its counts.
    database = (tmp_path / "server" / "views.sqlite3").read_bytes()
    for kept in (views, sites, database.decode("latin-1")):
        assert not any(address in kept for address in ADDRESSES)
        assert "Mozilla" not in kept and "private" not in kept and "utm" not in kept

    # On the laptop the counts are a source: the ranking is the logs' own.
    (tmp_path / "content" / "data").mkdir(exist_ok=True)
    (tmp_path / "content" / "data" / "server-views.csv").write_text(views)
    report = ["views", "--settings", str(settings), "report", "--today", "2024-06-11"]
    windows = ["--window", "1d", "--window", "7d", "--window", "all"]
    from_counts = run_pathways(*report, *windows, "--source", "data/server-views.csv")
    from_logs = run_pathways(*report, *windows, "--source", str(logs / "access.log*"))
    assert from_counts.returncode == from_logs.returncode == 0, from_counts.stderr

    def ranking(out: str) -> str:
        return out.split("\n\n")[1].split("\n\nAccess logs")[0].split("\n\nCSV exports")[0]

    assert ranking(from_counts.stdout) == ranking(from_logs.stdout)
    assert "Last 1 days (1d): 4 views" in from_counts.stdout


@pytest.mark.build
def test_days_whose_logs_rotated_away_are_kept_and_new_lines_are_added(server):
    tmp_path, settings, logs = server
    out = tmp_path / "server"
    _, before, _ = count(settings, logs, "2024-06-11", out)
    # logrotate: the oldest file is deleted, the others move down; the live log starts anew.
    (logs / "access.log.2.gz").unlink()
    with gzip.open(logs / "access.log.2.gz", "wt") as rotated:
        rotated.write((logs / "access.log.1").read_text())
    (logs / "access.log").rename(logs / "access.log.1")
    (logs / "access.log").write_text(
        line(ADDRESSES[1], "12/Jun/2024:09:00:00", "/posts/first/", "https://www.google.de/")
        + line(ADDRESSES[1], "12/Jun/2024:09:10:00", "/posts/first/")  # a repeat
    )
    _, after, sites = count(settings, logs, "2024-06-12", out)
    assert after == before + "/posts/first,2024-06-12,1\n"
    assert sites.endswith("2024-06-12,Google,1\n")
    rows = sqlite3.connect(out / "views.sqlite3").execute("SELECT count(*) FROM post_views")
    assert rows.fetchone() == (5,)
    # Once every file that named Google before is gone, what is left still says who it was.
    for name in ("access.log.2.gz", "access.log.1"):
        (logs / name).unlink()
    _, latest, latest_sites = count(settings, logs, "2024-06-12", out)
    assert (latest, latest_sites) == (after, sites)


@pytest.mark.build
def test_old_addresses_count_for_their_post(tmp_path):
    """A post's `Old-URLs:` (the built site's redirect map) and POPULAR_POSTS_REDIRECTS: an
    old address answered with the redirect page (a host without the map, or before nginx
    reloaded it) is a view of the post it moved to."""
    content = tmp_path / "content"
    write_post(content, "first.md", post("First", old_urls="/2019/03/first-steps.html"))
    write_post(content, "second.md", post("Second"))
    settings = write_settings(
        tmp_path,
        content,
        SITEURL="https://blog.example",
        COMMENTS_DB=str(tmp_path / "server" / "comments.sqlite3"),
        POPULAR_POSTS_REDIRECTS={"/old/second/": "/posts/second/"},
    )
    assert build(settings).returncode == 0
    logs = tmp_path / "logs"
    logs.mkdir()
    (logs / "access.log").write_text(
        line(ADDRESSES[0], "10/Jun/2024:08:00:00", "/2019/03/first-steps.html")
        + line(ADDRESSES[1], "10/Jun/2024:08:00:00", "/2019/03/first-steps.html?m=1")
        + line(ADDRESSES[2], "10/Jun/2024:08:00:00", "/old/second")
        + line(ADDRESSES[3], "10/Jun/2024:08:00:00", "/2019/03/unknown.html")
    )
    (tmp_path / "server").mkdir()
    _, views, _ = count(settings, logs, "2024-06-11", tmp_path / "server")
    assert views == "path,date,views\n/posts/first,2024-06-10,2\n/posts/second,2024-06-10,1\n"


def test_a_server_without_a_built_site_is_told_to_build_it(tmp_path):
    content = tmp_path / "content"
    write_post(content, "first.md", post("First"))
    settings = write_settings(tmp_path, content, OUTPUT_PATH=str(tmp_path / "nowhere"))
    result = run_pathways("views", "--settings", str(settings), "count", "--source", "x.log")
    assert result.returncode == 1
    assert re.search(r"views count: .*nowhere.*build and publish the site first", result.stderr)


@pytest.mark.parametrize(
    ("referrer", "site"),
    [
        ("https://www.google.co.uk/search?q=my+diagnosis", "Google"),
        ("https://google.de/", "Google"),
        ("https://search.yahoo.com/search?p=x", "Yahoo"),
        ("https://search.brave.com/search?q=x", "Brave Search"),
        ("https://duckduckgo.com/", "DuckDuckGo"),
        ("https://news.google.com/articles/x", "news.google.com"),  # a reader, not a search
        ("https://WWW.Forum.Example.org:8443/t/private?page=2#post-9", "forum.example.org"),
        ("https://blog.example/posts/first/", None),  # the site itself
        ("https://www.blog.example/", None),
        ("http://semalt.com/", None),
        ("https://crawler.semalt.com/x", None),
        ("android-app://com.google.android.gm/", None),
        ("-", None),
        ("https://exa mple.org/", None),
        ("https://[::1]/x", None),
    ],
)
def test_a_referrer_is_a_site_by_name_only(referrer, site):
    assert referring_site(referrer, frozenset(["blog.example"])) == site
