"""Popular Posts read only what is new in the view logs, and count exactly as reading
everything (`read_sources`) would: appends, rotations, truncations, rewrites, half-written
lines, the reference instant, windows, posts and redirects changing between builds."""

import gzip
import pickle
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from pathways.views import kept_logs
from pathways.views.kept_logs import FORMAT, LogState
from pathways.views.kept_views import KEPT_VIEWS, read_views
from pathways.views.rules import Views
from pathways.views.sources import read_sources
from tests import access_logs
from tests.test_view_logs import resolver
from tests.view_log_history import BROWSERS, History, clf_line

# Seconds each (the command line in a process of its own, or many inputs): left out of
# `make test-fast`.
pytestmark = pytest.mark.slow

NOW = datetime(2024, 6, 30, 23, 59, 59, tzinfo=UTC)
POSTS = {"/posts/rest": "rest", "/posts/pacing": "pacing"}


def seen(views: Views) -> tuple:
    """All a build shows or says of what it read."""
    return (
        views.counts,
        views.logs,
        views.log_files,
        views.csv_files,
        views.missing,
        views.problems,
        views.notes,
    )


@pytest.fixture
def scanned(monkeypatch) -> list[int]:
    """How many lines each read of a log parsed, in order."""
    counts: list[int] = []
    scan_lines = kept_logs.Scanner.lines

    def counted(self, lines, scan):
        counts.append(len(lines))
        return scan_lines(self, lines, scan)

    monkeypatch.setattr(kept_logs.Scanner, "lines", counted)
    return counts


def build(
    state: bytes | None,
    sources,
    resolve,
    now,
    windows=("all",),
    base=Path(),
    zone="UTC",
    split_over=None,
):
    """One build: load what the last one kept, read, keep; the views and what is kept."""
    kept = LogState() if state is None else pickle.loads(state)
    if split_over is not None:
        kept.split_over = split_over
    views, _ = kept.read(sources, resolve, now, windows, base=base, timezone=zone)
    return views, pickle.dumps(kept)


@pytest.mark.parametrize("seed", range(8))
def test_reading_only_what_is_new_counts_as_reading_everything(tmp_path, seed):
    history = History(tmp_path, seed, caddy=seed % 4 == 3)
    kept = None
    for _ in range(70):
        history.step()
        arguments = (history.sources, history.resolve, history.now, history.windows)
        # The last seeds read what is new in a log in two halves at once, however small.
        split_over = 0 if seed >= 6 else None
        ours, kept = build(kept, *arguments, tmp_path, history.timezone, split_over)
        full = read_sources(*arguments, base=tmp_path, timezone=history.timezone)
        assert seen(ours) == seen(full), history.log


@pytest.mark.parametrize("fmt", access_logs.FORMATS)
@pytest.mark.parametrize("split_over", [None, 0])
def test_a_month_of_logs_read_as_it_was_written_gives_the_known_answer(tmp_path, fmt, split_over):
    """The generated month (with its clock change, window edges and repeats across files) is
    written into place file by file and the live log a few lines at a time, with a build
    after each: the last build gives the answer known by construction, also when what is
    new in a log is read in two halves at once (`split_over=0`)."""
    now = datetime(2026, 11, 20, 23, 59, 59, tzinfo=UTC)
    expected = access_logs.generate(tmp_path / "whole", fmt, now)
    folder = tmp_path / "logs"
    folder.mkdir()
    files = sorted((tmp_path / "whole").iterdir(), key=lambda path: path.stat().st_mtime)
    kept = None
    for path in files[:-1]:
        (folder / path.name).write_bytes(path.read_bytes())
        _, kept = build(
            kept, ["logs/access*"], resolver(), now, base=tmp_path, split_over=split_over
        )
    lines = files[-1].read_bytes().splitlines(keepends=True)
    live = folder / files[-1].name
    live.touch()
    for start in range(0, len(lines), len(lines) // 7 + 1):
        with live.open("ab") as log:
            log.writelines(lines[start : start + len(lines) // 7 + 1])
        views, kept = build(
            kept,
            ["logs/access*"],
            resolver(),
            now,
            ("7d", "30d", "all"),
            tmp_path,
            "UTC",
            split_over,
        )
    counts = views.counts
    assert {
        slug: {window: counts[(slug, window)] for window in ("7d", "30d", "all")}
        for slug in expected.views
    } == expected.views
    for name in ("read", "malformed", "not_views", "bots", "repeats", "future", "counted"):
        assert getattr(views.logs, name) == getattr(expected, name), name
    assert views.logs.counted_304 == expected.counted_304


def test_a_rebuild_parses_only_the_appended_lines(tmp_path, scanned):
    log = tmp_path / "access.log"
    log.write_text(
        "".join(clf_line(f"1.1.1.{n}", NOW, "/posts/rest/", 200, BROWSERS[0]) for n in range(5))
    )
    views, kept = build(None, [str(log)], POSTS.get, NOW)
    assert scanned == [5]
    views, kept = build(kept, [str(log)], POSTS.get, NOW)
    assert scanned == [5]  # nothing new: nothing parsed
    with log.open("a") as appended:
        appended.write(clf_line("2.2.2.2", NOW, "/posts/pacing/", 200, BROWSERS[0]) * 3)
    views, kept = build(kept, [str(log)], POSTS.get, NOW + timedelta(days=1))
    assert scanned == [5, 3]
    assert views.in_window("all") == {"rest": 5, "pacing": 1} and views.logs.repeats == 2


def test_a_repeat_across_what_was_read_and_what_was_appended(tmp_path):
    """A reader back 20 minutes later, and lines of the appended part a little out of order:
    the repeat rule sees them all in time order."""
    log = tmp_path / "access.log"
    at = datetime(2024, 6, 10, 10, 0, tzinfo=UTC)
    ana, ben = ("1.1.1.1", BROWSERS[0]), ("2.2.2.2", BROWSERS[1])
    log.write_text(
        clf_line(ana[0], at, "/posts/rest/", 200, ana[1])
        + clf_line(ben[0], at + timedelta(minutes=10), "/posts/rest/", 200, ben[1])
    )
    _, kept = build(None, [str(log)], POSTS.get, NOW)
    with log.open("a") as appended:
        appended.write(
            clf_line(ana[0], at + timedelta(minutes=20), "/posts/rest/", 304, ana[1])
            # logged after, began earlier: Ben's view counted, his 10:10 one a repeat, and
            # his 10:34 one too (29 minutes after the one counted)
            + clf_line(ben[0], at + timedelta(minutes=5), "/posts/rest/", 200, ben[1])
            + clf_line(ben[0], at + timedelta(minutes=34), "/posts/rest/", 200, ben[1])
            + clf_line(ana[0], at + timedelta(minutes=31), "/posts/rest/", 200, ana[1])
        )
    views, _ = build(kept, [str(log)], POSTS.get, NOW)
    full = read_sources([str(log)], POSTS.get, NOW, ["all"])
    assert seen(views) == seen(full)
    # Ana 10:00 counted, 10:20 repeat, 10:31 counted; Ben 10:05 counted, 10:10 and 10:34 not.
    assert views.in_window("all") == {"rest": 3} and views.logs.repeats == 3


def test_a_half_written_last_line_is_read_once_it_is_whole(tmp_path, scanned):
    log = tmp_path / "access.log"
    line = clf_line("1.1.1.1", NOW - timedelta(hours=1), "/posts/rest/", 200, BROWSERS[0])
    log.write_text(line + line[:30])
    views, kept = build(None, [str(log)], POSTS.get, NOW)
    assert (views.logs.read, views.logs.malformed, views.logs.counted) == (2, 1, 1)
    with log.open("a") as appended:
        appended.write(line[30:])
    views, kept = build(kept, [str(log)], POSTS.get, NOW)
    assert (views.logs.read, views.logs.malformed, views.logs.repeats) == (2, 0, 1)
    assert seen(views) == seen(read_sources([str(log)], POSTS.get, NOW, ["all"]))
    assert scanned == [1, 1, 1]  # the whole line, the half one, then the half one made whole


def test_rotation_compression_and_deletion(tmp_path):
    """logrotate: access.log becomes access.log.1 (and gets one more line before the server
    reopens its log), then access.log.2.gz; the oldest file is deleted and its views go."""
    logs = tmp_path / "logs"
    logs.mkdir()
    live = logs / "access.log"
    day = datetime(2024, 6, 20, 9, 0, tzinfo=UTC)

    def lines(start: datetime, count: int) -> str:
        return "".join(
            clf_line(f"3.3.3.{n}", start + timedelta(minutes=n), "/posts/pacing/", 200, BROWSERS[2])
            for n in range(count)
        )

    live.write_text(lines(day, 4))
    sources = ["logs/access.log*"]
    _, kept = build(None, sources, POSTS.get, NOW, base=tmp_path)
    live.rename(logs / "access.log.1")
    with (logs / "access.log.1").open("a") as first:
        first.write(lines(day + timedelta(days=1), 2))
    live.write_text(lines(day + timedelta(days=2), 3))
    views, kept = build(kept, sources, POSTS.get, NOW, base=tmp_path)
    assert views.in_window("all") == {"pacing": 9}
    (logs / "access.log.2.gz").write_bytes(gzip.compress((logs / "access.log.1").read_bytes()))
    (logs / "access.log.1").unlink()
    live.rename(logs / "access.log.1")
    live.write_text("")
    views, kept = build(kept, sources, POSTS.get, NOW, base=tmp_path)
    assert views.in_window("all") == {"pacing": 9} and views.log_files == 3
    (logs / "access.log.2.gz").unlink()
    views, kept = build(kept, sources, POSTS.get, NOW, base=tmp_path)
    assert views.in_window("all") == {"pacing": 3}
    assert seen(views) == seen(read_sources(sources, POSTS.get, NOW, ["all"], base=tmp_path))


def test_a_log_truncated_or_rewritten_in_place_is_read_again_whole(tmp_path, scanned):
    log = tmp_path / "access.log"
    line = clf_line("1.1.1.1", NOW - timedelta(days=2), "/posts/rest/", 200, BROWSERS[0])
    log.write_text(line * 3)
    _, kept = build(None, [str(log)], POSTS.get, NOW)
    inode = log.stat().st_ino
    with log.open("r+") as same:  # copytruncate, then the server writes on
        same.truncate(0)
        same.write(line.replace("rest", "pacing"))
    views, kept = build(kept, [str(log)], POSTS.get, NOW)
    assert log.stat().st_ino == inode and views.in_window("all") == {"pacing": 1}
    with log.open("r+") as same:  # the same size and more, other bytes
        same.write(line.replace("1.1.1.1", "9.9.9.9") + line)
    views, kept = build(kept, [str(log)], POSTS.get, NOW)
    assert views.in_window("all") == {"rest": 2}
    assert scanned == [3, 1, 2]


def test_posts_moved_and_redirects_are_applied_at_each_build(tmp_path, scanned):
    log = tmp_path / "access.log"
    at = NOW - timedelta(days=1)
    log.write_text(
        clf_line("1.1.1.1", at, "/posts/rest/", 200, BROWSERS[0])
        + clf_line("1.1.1.1", at + timedelta(minutes=5), "/2019/rest.html", 200, BROWSERS[0])
        + clf_line("2.2.2.2", at, "/posts/new/", 200, BROWSERS[0])
    )
    views, kept = build(None, [str(log)], POSTS.get, NOW)
    assert views.in_window("all") == {"rest": 1} and views.logs.not_views == 2
    redirected = {**POSTS, "/2019/rest.html": "rest", "/posts/new": "new"}
    views, kept = build(kept, [str(log)], redirected.get, NOW)
    assert views.in_window("all") == {"rest": 1, "new": 1} and views.logs.repeats == 1
    moved = {"/essays/rest": "rest"}
    views, kept = build(kept, [str(log)], moved.get, NOW)
    assert views.in_window("all") == {} and views.logs.not_views == 3
    assert scanned == [3]


def test_the_reference_instant_and_windows_move_between_builds(tmp_path):
    log = tmp_path / "access.log"
    at = datetime(2024, 6, 1, 12, 0, tzinfo=UTC)
    log.write_text(
        "".join(
            clf_line(f"1.1.1.{n}", at + timedelta(days=n), "/posts/rest/", 200, BROWSERS[0])
            for n in range(10)
        )
    )
    kept = None
    for now, windows in [
        (at + timedelta(days=4), ["1d", "7d", "all"]),  # five in the past, five to come
        (at + timedelta(days=12), ["1d", "7d", "all"]),
        (at + timedelta(days=9, seconds=-1), ["3d", "all"]),
        (at + timedelta(days=60), ["30d"]),
    ]:
        views, kept = build(kept, [str(log)], POSTS.get, now, windows)
        assert seen(views) == seen(read_sources([str(log)], POSTS.get, now, windows))
    assert views.logs.future == 0 and views.in_window("30d") == {}


def test_kept_state_from_older_code_or_corrupt_is_ignored(tmp_path):
    log = tmp_path / "access.log"
    log.write_text(clf_line("1.1.1.1", NOW, "/posts/rest/", 200, BROWSERS[0]))
    cache = tmp_path / "cache"
    cache.mkdir()
    full = seen(read_sources([str(log)], POSTS.get, NOW, ["all"]))
    kept = cache / KEPT_VIEWS
    for older in (
        pickle.dumps(("0" * 64, Views(NOW.timestamp(), ("all",)))),  # the views of a digest
        pickle.dumps((FORMAT + 1, "a state to come")),
        b"\x80\x05 cut short",
    ):
        kept.write_bytes(older)
        views = read_views(cache, [str(log)], POSTS, NOW, ["all"], base=tmp_path, timezone="UTC")
        assert seen(views) == full


def test_without_the_content_cache_everything_is_read(tmp_path):
    log = tmp_path / "access.log"
    log.write_text(clf_line("1.1.1.1", NOW, "/posts/rest/", 200, BROWSERS[0]))
    cache = tmp_path / "cache"
    cache.mkdir()

    def views(load: bool) -> Views:
        return read_views(
            cache, [str(log)], POSTS, NOW, ["all"], base=tmp_path, timezone="UTC", load=load
        )

    views(True)
    _, state = pickle.loads((cache / KEPT_VIEWS).read_bytes())
    for scan in state.scans.values():
        scan.bots[0] += 1000  # what was kept no longer holds for the log
    (cache / KEPT_VIEWS).write_bytes(pickle.dumps((FORMAT, state)))
    assert views(True).logs.bots == 1000
    assert seen(views(False)) == seen(read_sources([str(log)], POSTS.get, NOW, ["all"]))
