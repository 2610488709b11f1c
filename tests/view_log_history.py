"""A web server's access logs over time, as a blog's builds find them: lines appended (some
out of order, a last one half written), logrotate's rotations (rename, compress, a new empty
log, `copytruncate`), files deleted or rewritten, and the blog's posts, redirects, reference
instant and windows changing between builds.

`History.step()` makes one random change; the test compares what a build reading only what is
new counts with what reading everything counts (`read_sources`), after every step.
"""

import gzip
import json
import random
import shutil
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from pathways.views.rules import normalise_path

START = datetime(2024, 6, 1, tzinfo=UTC)
BROWSERS = [
    "Mozilla/5.0 (X11; Linux x86_64; rv:120.0) Gecko/20100101 Firefox/120.0",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 Mobile",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/120.0.0.0",
]
GOOGLEBOT = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"
SLUGS = ["rest", "pacing", "sleep", "flare", "spoons", "winter"]
WINDOW_SETS = [["7d", "30d", "all"], ["1d", "all"], ["30d"], ["2d", "365d"]]


def clf_line(address: str, when: datetime, target: str, status: int, agent: str) -> str:
    stamp = when.strftime("%d/%b/%Y:%H:%M:%S +0000")
    return f'{address} - - [{stamp}] "GET {target} HTTP/1.1" {status} 512 "-" "{agent}"\n'


def caddy_line(address: str, when: datetime, target: str, status: int, agent: str) -> str:
    request = {"client_ip": address, "method": "GET", "uri": target}
    request["headers"] = {"User-Agent": [agent]}
    entry = {"ts": when.timestamp(), "request": request, "status": status}
    return json.dumps(entry) + "\n"


@dataclass
class History:
    """The logs in `folder/logs` and the blog's settings, changed one random step at a time."""

    folder: Path
    seed: int
    caddy: bool = False
    clock: datetime = START
    other_clock: datetime = START
    """The second log's (as a site's http and https logs): its lines lag up to hours behind."""
    now: datetime = START
    windows: list[str] = field(default_factory=lambda: ["7d", "30d", "all"])
    timezone: str = "UTC"
    posts: dict[str, str] = field(default_factory=dict)
    redirects: dict[str, str] = field(default_factory=dict)
    half_written: str = ""
    compressed: bytes = b""
    log: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.rng = random.Random(self.seed)
        self.logs = self.folder / "logs"
        self.logs.mkdir(parents=True)
        (self.logs / "access.log").touch()
        self.posts = {f"/posts/{slug}": slug for slug in SLUGS[:4]}

    @property
    def sources(self) -> list[str]:
        return ["logs/access.log*", "logs/ssl_access.log", "logs/views.csv"]

    def resolve(self, path: str) -> str | None:
        """Paths to posts as the site's resolver builds them: each post's address, then the
        redirects."""
        paths = dict(self.posts)
        for old, new in self.redirects.items():
            if new in paths:
                paths.setdefault(normalise_path(old), paths[new])
        return paths.get(path)

    def step(self) -> str:
        """One random change; returns what it was."""
        kinds = [
            (self.append, 12),
            (self.append_other, 3),
            (self.half_line, 2),
            (self.rotate, 2),
            (self.copytruncate, 1),
            (self.rewrite, 1),
            (self.delete_oldest, 1),
            (self.compress_slowly, 1),
            (self.move_now, 4),
            (self.change_posts, 3),
            (self.change_windows, 1),
            (self.write_csv, 1),
        ]
        change = self.rng.choices([kind for kind, _ in kinds], [w for _, w in kinds])[0]
        what = change()
        self.log.append(what)
        return what

    def lines(self, count: int, clock: str = "clock") -> str:
        """`count` lines from the `clock` on: readers coming back within minutes (repeats),
        304s, bots, assets, other statuses, garbage, and times up to 20 minutes out of
        order."""
        rng = self.rng
        text = []
        write = caddy_line if self.caddy else clf_line
        for _ in range(count):
            step = timedelta(seconds=rng.choice([0, 1, 30, 120, 600, 900, 1700, 1800]))
            setattr(self, clock, getattr(self, clock) + step)
            when = getattr(self, clock) - timedelta(seconds=rng.choice([0, 0, 0, 1, 300, 1200]))
            roll = rng.random()
            if roll < 0.04:
                text.append("\x00\x00garbage that is no log line\n")
                continue
            address = f"10.0.0.{rng.randint(1, 5)}"
            agent = GOOGLEBOT if roll < 0.1 else rng.choice(BROWSERS)
            slug = rng.choice([*SLUGS, "gone"])
            target = rng.choice(
                [f"/posts/{slug}/", f"/posts/{slug}", f"/posts/{slug}/index.html?utm=feed"]
            )
            if roll > 0.9:
                target = rng.choice(["/theme/style.css", "/", "/old/2019/rest.html"])
            status = rng.choices([200, 304, 404, 301], [8, 2, 1, 1])[0]
            text.append(write(address, when, target, status, agent))
        return "".join(text)

    def append(self) -> str:
        count = self.rng.choice([1, 3, 10, 40])
        self._write(self.half_written + self.lines(count))
        self.half_written = ""
        return f"append {count}"

    def append_other(self) -> str:
        lag = timedelta(minutes=self.rng.choice([5, 50, 200]))
        self.other_clock = max(self.other_clock, self.clock - lag)
        count = self.rng.choice([1, 5, 20])
        with (self.logs / "ssl_access.log").open("a") as log:
            log.write(self.lines(count, "other_clock"))
        return f"append {count} to the other log"

    def half_line(self) -> str:
        """Lines and the first part of one more (a copy taken while the server writes)."""
        text = self.lines(self.rng.choice([0, 2]))
        last = self.lines(1)
        cut = self.rng.randrange(1, len(last))
        self._write(self.half_written + text + last[:cut])
        self.half_written = last[cut:]
        return "half a line"

    def _write(self, text: str) -> None:
        with (self.logs / "access.log").open("a") as log:
            log.write(text)

    def rotate(self) -> str:
        """logrotate with `delaycompress`: access.log.N.gz -> N+1, access.log.1 compressed to
        access.log.2.gz, access.log renamed to access.log.1 (the server may still write a few
        lines there), and a new empty access.log."""
        for number in sorted(self._rotated(), reverse=True):
            (self.logs / f"access.log.{number}.gz").rename(
                self.logs / f"access.log.{number + 1}.gz"
            )
        first = self.logs / "access.log.1"
        if first.exists():
            with first.open("rb") as plain, gzip.open(self.logs / "access.log.2.gz", "wb") as gz:
                shutil.copyfileobj(plain, gz)
            first.unlink()
        (self.logs / "access.log").rename(first)
        if self.rng.random() < 0.5:
            with first.open("a") as log:
                log.write(self.half_written + self.lines(2))
            self.half_written = ""
        (self.logs / "access.log").touch()
        return "rotate"

    def copytruncate(self) -> str:
        """logrotate's `copytruncate`: access.log copied to access.log.1, then emptied."""
        live = self.logs / "access.log"
        shutil.copyfile(live, self.logs / "access.log.1")
        with live.open("r+") as log:
            log.truncate(0)
        return "copytruncate"

    def rewrite(self) -> str:
        """The live log rewritten in place (same file): its last lines dropped and others
        written instead, as an editor or a careless script would."""
        live = self.logs / "access.log"
        lines = live.read_text().splitlines(keepends=True)
        kept = lines[: self.rng.randint(0, len(lines))]
        with live.open("r+") as log:
            log.truncate(0)
            log.write("".join(kept) + self.lines(self.rng.choice([0, 5])))
        self.half_written = ""
        return "rewrite"

    def compress_slowly(self) -> str:
        """A compressed copy of older lines seen while it is being written (cut short), or
        then whole."""
        copy = self.logs / "access.log.7.gz"
        if copy.exists() and copy.stat().st_size < len(self.compressed):
            copy.write_bytes(self.compressed)
            return "compressed copy finished"
        when, self.clock = self.clock, self.clock - timedelta(days=10)
        self.compressed = gzip.compress(self.lines(1500).encode())
        self.clock = when
        copy.write_bytes(self.compressed[: len(self.compressed) // 2])
        return "compressed copy started"

    def delete_oldest(self) -> str:
        rotated = self._rotated()
        if rotated:
            (self.logs / f"access.log.{max(rotated)}.gz").unlink()
        return "delete oldest"

    def _rotated(self) -> list[int]:
        return [int(path.name.split(".")[2]) for path in self.logs.glob("access.log.*.gz")]

    def move_now(self) -> str:
        """The reference instant: around the newest lines, before them or days after."""
        hours = self.rng.choice([-30, -1, 0, 0, 1, 2, 30, 200])
        self.now = self.clock + timedelta(hours=hours)
        return f"now {hours:+d} h"

    def change_posts(self) -> str:
        rng = self.rng
        slug = rng.choice(SLUGS)
        change = rng.choice(["add", "remove", "move", "redirect", "unredirect"])
        for path, known in list(self.posts.items()):
            if known == slug:
                del self.posts[path]
        if change in ("add", "redirect", "unredirect"):
            self.posts[f"/posts/{slug}"] = slug
        if change == "move":
            self.posts[f"/{rng.choice(['essays', 'notes'])}/{slug}"] = slug
        if change == "redirect":
            self.redirects[f"/posts/{rng.choice(SLUGS)}/"] = f"/posts/{slug}"
            self.redirects["/old/2019/rest.html"] = f"/posts/{slug}"
        if change == "unredirect":
            self.redirects.clear()
        return f"{change} {slug}"

    def change_windows(self) -> str:
        self.windows = self.rng.choice(WINDOW_SETS)
        self.timezone = self.rng.choice(["UTC", "Europe/Berlin", "America/New_York"])
        return f"windows {self.windows} in {self.timezone}"

    def write_csv(self) -> str:
        day = self.clock.date() - timedelta(days=self.rng.randint(0, 3))
        rows = [f"/posts/{self.rng.choice(SLUGS)}/,{day},{self.rng.randint(1, 9)}\n"]
        with (self.logs / "views.csv").open("a") as csv:
            if csv.tell() == 0:
                csv.write("path,date,views\n")
            csv.writelines(rows)
        return "csv row"
