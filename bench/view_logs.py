"""Parsing speed of access logs for Popular Posts: lines per second, and memory.

Generates a combined-format log of N lines (fixed seed) with browsers, bots, repeat visits,
static files, errors and garbage mixed in, then reads it with the same code the build uses.
Run with `make bench` or `python bench/view_logs.py --lines 1000000`.
"""

import argparse
import random
import resource
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from pathways.views.sources import read_sources

NOW = datetime(2025, 1, 1, tzinfo=UTC)
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


def generate(path: Path, lines: int, posts: int, seed: int = 1) -> None:
    """A year of traffic; one request in ten repeats the one before it a moment later."""
    rng = random.Random(seed)
    start = datetime(2024, 1, 1, tzinfo=UTC)
    step = timedelta(days=365) / lines
    agents = [b.format(v=rng.randint(100, 125)) for b in BROWSERS for _ in range(50)]
    previous = None
    with path.open("w") as log:
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
                    target = f"/posts/post-{rng.randint(1, posts)}/"
                    if rng.random() < 0.2:
                        target += rng.choice(["index.html", "?utm_source=feed", "?m=1"])
                elif roll < 0.9:
                    target = rng.choice(
                        ["/theme/css/style.css", "/", "/archives/", "/feeds/all.atom.xml"]
                    )
                else:
                    target = f"/missing-{rng.randint(1, 1000)}"
                status = 404 if target.startswith("/missing") else 200
                request = previous = (ip, target, status, agent)
            ip, target, status, agent = request
            log.write(f'{ip} - - [{stamp}] "GET {target} HTTP/1.1" {status} 5120 "-" "{agent}"\n')


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--posts", type=int, default=1000)
    args = parser.parse_args()
    posts = {f"/posts/post-{n}": f"post-{n}" for n in range(1, args.posts + 1)}
    with tempfile.TemporaryDirectory() as folder:
        log = Path(folder) / "access.log"
        generate(log, args.lines, args.posts)
        size = log.stat().st_size
        rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        started, cpu_started = time.perf_counter(), time.process_time()
        views = read_sources([str(log)], posts.get, NOW, ["7d", "30d", "all"])
        elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu_started
        rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    lines = views.logs
    print(f"lines: {lines.read:,} ({size / 1e6:.0f} MB) in {elapsed:.2f} s ({cpu:.2f} s of CPU)")
    print(
        f"speed: {lines.read / elapsed:,.0f} lines/s (one core; {lines.read / cpu:,.0f} per CPU s)"
    )
    print(
        f"malformed {lines.malformed:,}, not views {lines.not_views:,}, bots {lines.bots:,}, "
        f"future {lines.future:,}, repeats {lines.repeats:,}, counted {lines.counted:,} "
        f"(304: {lines.counted_304:,})"
    )
    print(
        f"peak memory (max RSS): {rss_before / 1e3:.0f} MB before parsing, "
        f"{rss_after / 1e3:.0f} MB after"
    )


if __name__ == "__main__":
    main()
