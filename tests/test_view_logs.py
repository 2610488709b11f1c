"""Popular Posts against rotated access logs with the right answer known by construction
(`tests/access_logs.py`, written from the counting rules alone): every format a server writes
by default, the autumn clock change, hits seconds either side of the window edges, two readers
behind one address, a repeat pair split across a rotation, bots (empty and `-` agents too),
every kind of non-view, malformed lines, and a corrupt gzip. Counts per post and window, the
accounting and the hits behind one post's count must be exactly the generator's."""

import gzip
import random
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest

from pathways.views.logs import LogReader
from pathways.views.rules import Views, normalise_path
from pathways.views.sources import read_sources
from tests import access_logs
from tests.sites import post, run_pathways, write_post, write_settings

NOW = datetime(2026, 11, 20, 23, 59, 59, tzinfo=UTC)
WINDOWS = ("7d", "30d", "all")
ACCOUNTING = (
    "read",
    "malformed",
    "not_views",
    "bots",
    "repeats",
    "future",
    "counted",
    "counted_304",
)


def resolver(posts=access_logs.DEFAULT_POSTS, old_urls=access_logs.DEFAULT_OLD_URLS):
    """Paths to slugs as the site's resolver builds them: each post's URL and its old URLs."""
    paths = {normalise_path(f"/posts/{slug}/"): slug for slug in posts}
    paths.update({normalise_path(old): slug for old, slug in old_urls.items()})
    return paths.get


def assert_matches(views, expected, explained_slug):
    counts = views.counts
    got = {slug: {w: counts[(slug, w)] for w in WINDOWS} for slug in expected.views}
    assert got == expected.views
    assert {name: getattr(views.logs, name) for name in ACCOUNTING} == {
        name: getattr(expected, name) for name in ACCOUNTING
    }
    assert views.logs.read == views.logs.rejected() + views.logs.counted
    assert sorted((Path(hit.source).name, hit.line) for hit in views.explained) == sorted(
        expected.explain[explained_slug]
    )


@pytest.mark.parametrize("fmt", access_logs.FORMATS)
def test_every_format_counts_exactly_as_the_rules_say(tmp_path, fmt):
    folder = tmp_path / "logs"
    expected = access_logs.generate(folder, fmt, NOW)
    corrupt = access_logs.write_corrupt_gzip(folder)
    views = read_sources(["logs/access*"], resolver(), NOW, WINDOWS, base=tmp_path, explain="santé")
    assert_matches(views, expected, "santé")
    unreadable = [problem for problem in views.problems if str(corrupt) in problem]
    assert len(unreadable) == 1 and "cannot be read" in unreadable[0]
    # Every other problem is a log's malformed lines, each named once with an example.
    malformed = [problem for problem in views.problems if problem not in unreadable]
    assert sum(int(re.search(r": ([\d,]+) of", p).group(1)) for p in malformed) == (
        expected.malformed
    )
    assert all("are not in a log format Popular Posts reads" in p for p in malformed)


@pytest.mark.parametrize(
    ("fmt", "now", "seed"),
    [
        ("nginx_combined", datetime(2026, 4, 10, 12, 0, 0, tzinfo=UTC), 1),  # spring change
        ("apache_vhost_combined", datetime(2027, 1, 3, 6, 30, 0, tzinfo=UTC), 2),
        ("caddy_json", datetime(2026, 11, 1, 0, 0, 0, tzinfo=UTC), 3),
        ("apache_common", datetime(2026, 10, 26, 1, 15, 0, tzinfo=UTC), 4),  # a day after
    ],
)
def test_other_days_and_seeds(tmp_path, fmt, now, seed):
    expected = access_logs.generate(tmp_path / "logs", fmt, now, seed=seed)
    slug = access_logs.DEFAULT_POSTS[seed]
    views = read_sources(["logs/*"], resolver(), now, WINDOWS, base=tmp_path, explain=slug)
    assert_matches(views, expected, slug)


def test_time_order_comes_from_the_lines_not_the_file_names(tmp_path):
    """Rotated files renamed so that their names, and their listing, say nothing (or lie)."""
    expected = access_logs.generate(tmp_path / "logs", "apache_combined", NOW, seed=5)
    files = sorted((tmp_path / "logs").iterdir(), key=lambda path: path.stat().st_mtime)
    renamed = tmp_path / "renamed"
    renamed.mkdir()
    names = [f"access.log.{n}" for n in range(len(files))]  # newest file gets the oldest name
    random.Random(5).shuffle(files)
    for path, name in zip(files, names, strict=True):
        data = gzip.decompress(path.read_bytes()) if path.suffix == ".gz" else path.read_bytes()
        (renamed / name).write_bytes(data)
    sources = [f"renamed/{name}" for name in reversed(names)]
    views = read_sources(sources, resolver(), NOW, WINDOWS, base=tmp_path, explain="hello-world")
    counts = views.counts
    got = {slug: {w: counts[(slug, w)] for w in WINDOWS} for slug in expected.views}
    assert got == expected.views
    assert (views.logs.read, views.logs.repeats, views.logs.counted) == (
        expected.read,
        expected.repeats,
        expected.counted,
    )


def test_a_log_in_a_format_not_read_is_named_with_an_example(tmp_path):
    log = tmp_path / "access.log"
    log.write_text(
        "2026-11-20 10:00:00 GET /posts/hello-world/ 200 Mozilla/5.0\n"
        * 30
        + '1.2.3.4 - - [20/Nov/2026:10:00:00 +0000] "GET /posts/hello-world/ HTTP/1.1" 200 5 '
        '"-" "Mozilla/5.0 (X11; Linux x86_64; rv:145.0) Gecko/20100101 Firefox/145.0"\n'
    )
    views = read_sources([str(log)], resolver(), NOW, WINDOWS)
    assert (views.logs.read, views.logs.malformed, views.logs.counted) == (31, 30, 1)
    [problem] = views.problems
    assert str(log) in problem and "30 of 31 lines" in problem
    assert "'2026-11-20 10:00:00 GET /posts/hello-world/ 200 Mozilla/5.0'" in problem
    assert "Apache common or vhost_combined, Caddy JSON" in problem


@pytest.fixture
def corpus_blog(tmp_path):
    """A site whose posts are the generator's, with its old URLs, and its nginx logs."""
    content = tmp_path / "content"
    for number, slug in enumerate(access_logs.DEFAULT_POSTS):
        old = [o for o, s in access_logs.DEFAULT_OLD_URLS.items() if s == slug]
        meta = {"slug": slug, **({"old_urls": old[0]} if old else {})}
        write_post(
            content, f"{number}.md", post(f"Post {number}", "2026-01-02 10:00+00:00", **meta)
        )
    expected = access_logs.generate(content / "logs", "nginx_combined", NOW, seed=7)
    settings = write_settings(
        tmp_path,
        content,
        POPULAR_POSTS_SOURCES=["logs/access.log*"],
        POPULAR_POSTS_WINDOWS=["7d", "30d"],
    )
    return settings, expected


@pytest.mark.slow
def test_report_prints_one_set_of_numbers_that_adds_up(corpus_blog):
    settings, expected = corpus_blog
    result = run_pathways(
        "views",
        "--settings",
        str(settings),
        "report",
        "--today",
        "2026-11-20T23:59:59Z",
        "--explain",
        "santé",
    )
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "Windows end at 2026-11-20 23:59:59+00:00." in out
    week = sum(views["7d"] for views in expected.views.values())
    month = sum(views["30d"] for views in expected.views.values())
    assert f"Last 7 days (7d): {week:,} views" in out
    assert f"Last 30 days (30d): {month:,} views" in out
    lines = [line.split() for line in out.splitlines()]
    rows = {
        " ".join(words[1:3]): int(words[0].replace(",", ""))
        for words in lines
        if words and words[0].replace(",", "").isdigit()
    }
    assert f"Access logs: {expected.read:,} lines read from 4 file(s)" in out
    assert rows["malformed (not"] == expected.malformed
    assert rows["not a"] == expected.not_views
    assert rows["bots (crawlers,"] == expected.bots
    assert rows["after the"] == expected.future
    assert rows["repeats (same"] == expected.repeats
    assert rows["counted"] == expected.counted
    assert rows["in all"] == expected.read
    assert rows["of the"] == expected.counted_304 and "304 Not Modified" in out
    assert f"Views counted: {expected.counted:,} ({expected.counted:,} from logs" in out
    behind = out.split(f"{len(expected.explain['santé'])} views of “Post\xa03” (santé) counted")[1]
    listed = re.findall(r"^  \S*/([^/\s]+):(\d+) ", behind, re.MULTILINE)
    assert sorted((name, int(line)) for name, line in listed) == sorted(expected.explain["santé"])
    # The only problems: the logs' malformed lines, each log's named once.
    problems = result.stderr.count("Problem:")
    assert problems == result.stderr.count("lines are not in a log format") > 0


@pytest.mark.slow
def test_report_refuses_a_reference_time_it_cannot_read(corpus_blog):
    settings, _ = corpus_blog
    result = run_pathways("views", "--settings", str(settings), "report", "--today", "20/11/2026")
    assert result.returncode == 2
    assert "--today: must be a date (2026-11-20) or an instant with its offset" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.slow
@pytest.mark.parametrize("fmt", ["nginx_combined", "apache_common", "caddy_json"])
def test_big_logs_read_in_two_halves_at_once_count_the_same(tmp_path, fmt):
    """Big plain logs are cut in two halves, the second read by a child process; here every
    plain file is cut, however small, and the answer must not change by a single line."""
    expected = access_logs.generate(tmp_path / "logs", fmt, NOW, seed=11)
    for slug in ("santé", "hello-world"):
        views = Views(NOW.timestamp(), WINDOWS)
        LogReader(views, resolver(), slug, split_over=0).read(sorted((tmp_path / "logs").iterdir()))
        assert_matches(views, expected, slug)
