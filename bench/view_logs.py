"""Parsing speed of access logs for Popular Posts: lines per second, and memory.

Generates a log of N lines (fixed seed; combined format unless `--format` says otherwise)
with browsers, bots, repeat visits, revalidations (304), static files, errors and garbage
mixed in, then reads it with the same code the build uses, `--runs` times (the median is the
figure). Then times what a build with the cache does: keeping what the log gave (its size
on disk and in memory), and a rebuild after `--appended` lines (10,000) were added to the log,
a few days later (loading what was kept, reading only the new lines, keeping it again), with
the check that it counts exactly as a full read. Run with `make bench` or
`python bench/view_logs.py --lines 1000000`.
"""

import argparse
import json
import pickle
import random
import resource
import statistics
import tempfile
import time
import tracemalloc
from datetime import UTC, datetime, timedelta
from pathlib import Path

from pathways.views.kept_logs import FORMAT, LogState
from pathways.views.rules import Views
from pathways.views.sources import read_sources

NOW = datetime(2025, 1, 1, tzinfo=UTC)
FORMATS = ("combined", "vhost_combined", "common", "caddy")
BROWSERS = [
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like"
    " Gecko) Version/17.1 Mobile/15E148 Safari/604.1",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko)"
    " Chrome/{v}.0.0.0 Safari/537.36",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_1) AppleWebKit/605.1.15 (KHTML, like Gecko)"
    " Version/17.1 Safari/605.1.15",
    "Mozilla/5.0 (X11; Linux x86_64; rv:{v}.0) Gecko/20100101 Firefox/{v}.0",
]
BOTS = [
    "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
    "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)",
    "Mozilla/5.0 (compatible; AhrefsBot/7.0; +http://ahrefs.com/robot/)",
    "python-requests/2.31.0",
]


def generate(
    path: Path,
    lines: int,
    posts: int,
    seed: int = 1,
    log_format: str = "combined",
    start: datetime = datetime(2024, 1, 1, tzinfo=UTC),
    span: timedelta = timedelta(days=365),
    post_paths: list[str] | None = None,
) -> None:
    """`span` of traffic from `start` (appended to `path`) to `posts` posts at
    `/posts/post-<n>/` (or at `post_paths`); one request in ten repeats the one before it a
    moment later."""
    rng = random.Random(seed)
    step = span / lines
    agents = [b.format(v=rng.randint(100, 125)) for b in BROWSERS for _ in range(50)]
    previous = None
    with path.open("a") as log:
        for number in range(lines):
            stamp = (start + step * number).strftime("%d/%b/%Y:%H:%M:%S +0000")
            roll = rng.random()
            if previous and roll < 0.1:
                request = previous
            elif roll < 0.15:
                log.write("\x00\x13garbage line that is not a log entry\n")
                continue
            else:
                ip = f"10.{rng.randint(0, 255)}.{rng.randint(0, 255)}.{rng.randint(1, 254)}"
                agent = rng.choice(BOTS) if roll < 0.3 else rng.choice(agents)
                if roll < 0.7:
                    target = (
                        rng.choice(post_paths)
                        if post_paths
                        else f"/posts/post-{rng.randint(1, posts)}/"
                    )
                    if rng.random() < 0.2:
                        target += rng.choice(["index.html", "?utm_source=feed", "?m=1"])
                elif roll < 0.9:
                    target = rng.choice(
                        ["/theme/css/style.css", "/", "/archives/", "/feeds/all.atom.xml"]
                    )
                else:
                    target = f"/missing-{rng.randint(1, 1000)}"
                status = 404 if target.startswith("/missing") else 200
                if status == 200 and rng.random() < 0.05:
                    status = 304
                request = previous = (ip, target, status, agent)
            ip, target, status, agent = request
            line = f'{ip} - - [{stamp}] "GET {target} HTTP/1.1" {status} 5120'
            if log_format == "caddy":
                log.write(caddy_line(ip, target, status, agent, start + step * number))
            elif log_format == "common":
                log.write(line + "\n")
            elif log_format == "vhost_combined":
                log.write(f'blog.example.org:443 {line} "-" "{agent}"\n')
            else:
                log.write(f'{line} "-" "{agent}"\n')


def caddy_line(ip: str, target: str, status: int, agent: str, when: datetime) -> str:
    """A line of Caddy's JSON access log (the fields it writes by default)."""
    request = {
        "remote_ip": ip,
        "remote_port": "52114",
        "client_ip": ip,
        "proto": "HTTP/2.0",
        "method": "GET",
        "host": "blog.example.org",
        "uri": target,
        "headers": {"User-Agent": [agent], "Accept-Encoding": ["gzip, deflate, br"]},
    }
    entry = {
        "level": "info",
        "ts": when.timestamp(),
        "logger": "http.log.access.log0",
        "msg": "handled request",
        "request": request,
        "bytes_read": 0,
        "user_id": "",
        "duration": 0.000512,
        "size": 5120,
        "status": status,
        "resp_headers": {"Server": ["Caddy"], "Content-Type": ["text/html; charset=utf-8"]},
    }
    return json.dumps(entry, separators=(",", ":")) + "\n"


def cpu_seconds() -> float:
    """CPU time of this process and of its finished children (a big log's second half)."""
    return sum(
        usage.ru_utime + usage.ru_stime
        for usage in map(resource.getrusage, (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN))
    )


def same(views: Views, other: Views) -> bool:
    """Whether two readings counted alike: windows, accounting, files and warnings."""

    def fields(v: Views) -> tuple:
        return (v.counts, v.logs, v.log_files, v.csv_files, v.missing, v.problems, v.notes)

    return fields(views) == fields(other)


def kept_rebuild(log: Path, lines: int, appended: int, posts: dict, runs: int) -> None:
    """Keep what reading `log` gave, append `appended` lines, and time the rebuilds."""
    windows = ["7d", "30d", "all"]
    started = time.perf_counter()
    state = LogState()
    state.read([str(log)], posts.get, NOW, windows)
    cold = time.perf_counter() - started
    kept = log.with_name("popular-views.pickle")
    kept.write_bytes(pickle.dumps((FORMAT, state), protocol=pickle.HIGHEST_PROTOCOL))
    del state
    tracemalloc.start()
    state = pickle.loads(kept.read_bytes())
    held = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    del state
    print(
        f"kept: read cold in {cold:.2f} s; {kept.stat().st_size / 1e6:.1f} MB on disk, "
        f"{held / 1e6:.1f} MB in memory"
    )
    span = timedelta(days=365) * appended / lines
    generate(log, appended, len(posts), seed=2, start=NOW, span=span)
    now = NOW + span + timedelta(days=1)
    full = read_sources([str(log)], posts.get, now, windows)
    kept_copy = kept.read_bytes()
    walls = []
    for _ in range(runs):
        kept.write_bytes(kept_copy)
        started = time.perf_counter()
        _, state = pickle.loads(kept.read_bytes())
        views, _ = state.read([str(log)], posts.get, now, windows)
        kept.write_bytes(pickle.dumps((FORMAT, state), protocol=pickle.HIGHEST_PROTOCOL))
        walls.append(time.perf_counter() - started)
    print(
        f"rebuild after {appended:,} lines appended (load what was kept, read the new lines, "
        f"keep it again): {', '.join(f'{t:.3f}' for t in walls)} s, median "
        f"{statistics.median(walls):.3f} s; the same counts as a full read: "
        f"{'yes' if same(views, full) else 'NO'}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--posts", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--format", choices=FORMATS, default="combined")
    parser.add_argument("--appended", type=int, default=10_000)
    args = parser.parse_args()
    posts = {f"/posts/post-{n}": f"post-{n}" for n in range(1, args.posts + 1)}
    walls, cpus = [], []
    with tempfile.TemporaryDirectory() as folder:
        log = Path(folder) / "access.log"
        generate(log, args.lines, args.posts, log_format=args.format)
        size = log.stat().st_size
        rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        for _ in range(args.runs):
            started, cpu_started = time.perf_counter(), cpu_seconds()
            views = read_sources([str(log)], posts.get, NOW, ["7d", "30d", "all"])
            walls.append(time.perf_counter() - started)
            cpus.append(cpu_seconds() - cpu_started)
        rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        report(args.format, views, size, walls, cpus, rss_before, rss_after)
        kept_rebuild(log, args.lines, args.appended, posts, args.runs)


def report(
    log_format: str,
    views: Views,
    size: int,
    walls: list[float],
    cpus: list[float],
    rss_before: int,
    rss_after: int,
) -> None:
    """The full read's figures."""
    lines = views.logs
    wall, cpu = statistics.median(walls), statistics.median(cpus)
    print(
        f"{log_format} lines: {lines.read:,} ({size / 1e6:.0f} MB); wall "
        f"{', '.join(f'{t:.2f}' for t in walls)} s, median {wall:.2f} s ({cpu:.2f} s of CPU, "
        "child processes included)"
    )
    print(f"speed: {lines.read / wall:,.0f} lines/s ({lines.read / cpu:,.0f} per CPU second)")
    print(
        f"malformed {lines.malformed:,}, not views {lines.not_views:,}, bots {lines.bots:,}, "
        f"future {lines.future:,}, repeats {lines.repeats:,}, counted {lines.counted:,} "
        f"(304: {lines.counted_304:,}); the six add up to "
        f"{lines.rejected() + lines.counted:,}"
    )
    child = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    print(
        f"peak memory (max RSS): {rss_before / 1e3:.0f} MB before parsing, "
        f"{rss_after / 1e3:.0f} MB after; the child reading the second half: {child / 1e3:.0f} MB"
    )


if __name__ == "__main__":
    main()
