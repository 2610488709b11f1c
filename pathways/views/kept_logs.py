"""Access logs read a little at a time: what each log's lines gave before the rules that depend
on the build, kept between builds and extended by the lines appended since.

`sources.read_sources` reads every line of every log. `LogState` instead keeps, per log (by
device and inode), what parsing gave that no post, setting or clock changes (a `Scan`): the
lines read, malformed or never a view (not a `GET` answered 2xx or 304), the paths bots asked
for, and every candidate view (its path, time, a 64-bit digest of the reader's address and user
agent, and whether it was a 304). A later build reads only the bytes appended to a plain log
whose first and last blocks read before are unchanged; a log replaced, truncated or rewritten
is read again whole, a compressed one whenever its size or time changed.

The rules are then applied as `read_sources` applies them. Whether a hit is a repeat depends
only on the earlier hits of its reader and post, so each hit's decision (`Decisions`: the times
counted and repeated, per post) holds while the paths lead to the same posts and no candidate
is removed or comes before one already decided; hits appended later are decided from the
readers of the last hours. The reference instant and the windows only pick ranges of those
times. A last line without its newline (a log copied while the server writes) counts as in a
full read, and is read again, whole, by the next build.
"""

import gzip
import hashlib
import os
import pickle
import zlib
from array import array
from bisect import bisect_right, insort
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial
from operator import itemgetter
from pathlib import Path
from typing import ClassVar

from pathways.views.lines import (
    BOT,
    MALFORMED,
    MAX_CACHED,
    NOT_VIEW,
    LineRules,
    malformed_problem,
)
from pathways.views.logs import (
    DISORDER,
    SPLIT_OVER,
    LogFile,
    LogReader,
    _chunks,
    _compressed,
)
from pathways.views.referrers import referring_site
from pathways.views.rules import REPEAT_WINDOW, Views, is_repeat
from pathways.views.sources import Resolver, count_views

FORMAT = 3
"""Changed whenever what is kept changes meaning; a state of another format is read afresh."""
BLOCK = 65_536
"""The first and last bytes of a log read before, compared to know it was only appended to."""

Identity = tuple[int, int]
Candidate = tuple[int, float, int, int]
"""(path id, time, reader, 1 for a 304) of a line that is a view if its path is a post's."""


@dataclass
class Scan:
    """What the lines of one log gave before the rules that depend on the build."""

    format: str | None
    first: float | None
    compressed: bool
    offset: int = 0
    """Bytes read: up to the end of the last whole line (all of a compressed log)."""
    head: bytes = b""
    tail: bytes = b""
    stamp: tuple[int, int] = (0, 0)
    """Size and modification time of a compressed log when read."""
    read: int = 0
    malformed: int = 0
    not_views: int = 0
    """Lines that are no view whatever the posts: not a `GET`, or not answered 2xx or 304."""
    example: bytes | None = None
    unreadable: str | None = None
    """Why a compressed log could not be read to its end, if it could not."""
    bots: Counter = field(default_factory=Counter)
    """Path id -> lines of bots asking for it."""
    asked: Counter = field(default_factory=Counter)
    """Path id -> candidates asking for it."""
    paths: array = field(default_factory=partial(array, "I"))
    moments: array = field(default_factory=partial(array, "d"))
    readers: array = field(default_factory=partial(array, "q"))
    revalidated: bytearray = field(default_factory=bytearray)
    sites: array = field(default_factory=partial(array, "q"))
    """Each candidate's referring site (`referrers.referring_site`): 0 for none, else a
    digest of its name, which `site_names` holds."""
    site_names: dict[int, str] = field(default_factory=dict)

    def renumber(self, numbers: list[int]) -> None:
        """Give the paths the numbers `numbers` holds at their current ones."""
        self.paths = array("I", map(numbers.__getitem__, self.paths))
        self.bots = Counter({numbers[path]: lines for path, lines in self.bots.items()})
        self.asked = Counter({numbers[path]: lines for path, lines in self.asked.items()})

    def join(self, later: "Scan") -> None:
        """Add what the lines after this scan's gave (`later`, of the same log)."""
        self.offset = later.offset
        self.read += later.read
        self.malformed += later.malformed
        self.not_views += later.not_views
        self.example = self.example or later.example
        self.bots.update(later.bots)
        self.asked.update(later.asked)
        self.paths += later.paths
        self.moments += later.moments
        self.readers += later.readers
        self.revalidated += later.revalidated
        self.sites += later.sites
        self.site_names.update(later.site_names)

    def candidates(self, start: int = 0) -> Iterator[Candidate]:
        return zip(
            self.paths[start:],
            self.moments[start:],
            self.readers[start:],
            self.revalidated[start:],
            strict=True,
        )


class Scanner:
    """Parses lines into `Scan`s with the one rule (`LogReader`'s, and its caches); paths are
    numbered in `paths` (shared by every log of a state)."""

    def __init__(self, logs: LogReader, paths: list[str], path_ids: dict[str, int]) -> None:
        self.logs = logs
        self.paths = paths
        self.path_ids = path_ids
        self.readers: dict[tuple, int] = {}
        self.sites: dict[bytes | str | None, int] = {None: 0}
        self.site_names: dict[int, str] = {}

    def lines(self, lines: list[bytes], scan: Scan) -> None:
        """What the rule makes of each line, up to the parts that depend on the build."""
        path_ids, readers, sites = self.path_ids, self.readers, self.sites
        paths, moments = scan.paths.append, scan.moments.append
        reader_ids, revalidated = scan.readers.append, scan.revalidated.append
        site_ids, first_site = scan.sites.append, len(scan.sites)
        bots, asked = scan.bots, scan.asked
        malformed = not_views = 0
        example = None
        for number, (kind, moment, path, reader, was_304, referrer) in enumerate(
            self.logs.rules.lines(lines, scan.format)
        ):
            if kind == MALFORMED:
                malformed += 1
                example = example or lines[number]
                continue
            if kind == NOT_VIEW:
                not_views += 1
                continue
            path_id = path_ids.get(path)
            if path_id is None:
                path_id = self.path_number(path)
            if kind == BOT:
                bots[path_id] += 1
                continue
            try:
                reader_id = readers[reader]
            except KeyError:
                reader_id = self._reader(*reader)
            paths(path_id)
            moments(moment)
            reader_ids(reader_id)
            revalidated(was_304)
            try:
                site_ids(sites[referrer])
            except KeyError:
                site_ids(self._site(referrer))
            asked[path_id] += 1
        for site in set(scan.sites[first_site:]).difference(scan.site_names):
            if site:
                scan.site_names[site] = self.site_names[site]
        scan.read += len(lines)
        scan.malformed += malformed
        scan.not_views += not_views
        scan.example = scan.example or example

    def _site(self, referrer: bytes | str) -> int:
        """The id of the site a referrer names (0 for none), cached."""
        if len(self.sites) > MAX_CACHED:
            self.sites = {None: 0}
        text = referrer.decode("utf-8", "replace") if isinstance(referrer, bytes) else referrer
        site = referring_site(text, self.logs.rules.hosts)
        number = 0
        if site is not None:
            digest = hashlib.blake2b(site.encode("utf-8", "surrogatepass"), digest_size=8)
            number = int.from_bytes(digest.digest(), signed=True) or 1
            self.site_names[number] = site
        self.sites[referrer] = number
        return number

    def path_number(self, path: str) -> int:
        number = self.path_ids.get(path)
        if number is None:
            number = self.path_ids[path] = len(self.paths)
            self.paths.append(path)
        return number

    def _reader(self, client: bytes | str, agent: bytes | str) -> int:
        """A digest of the reader (address and user agent), cached: bytes from a common log
        format line (the address holds no space) and text from Caddy's are different
        readers, as in `LogReader`'s keys."""
        if len(self.readers) > MAX_CACHED:
            self.readers.clear()
        if isinstance(client, bytes):
            data = b"c" + client + b" " + agent
        else:
            address = client.encode("utf-8", "surrogatepass")
            data = (
                b"j" + len(address).to_bytes(4) + address + agent.encode("utf-8", "surrogatepass")
            )
        digest = hashlib.blake2b(data, digest_size=8).digest()
        reader = self.readers[client, agent] = int.from_bytes(digest, signed=True)
        return reader


@dataclass
class Decisions:
    """Each candidate's decision under the rules, by time: counted or a repeat, per post."""

    posts: list[str | None]
    """The post of each path id when decided."""
    made_from: list[tuple[Identity, int]]
    """The logs decided (identity, candidates), in reading order."""
    counted: dict[str, array] = field(default_factory=dict)
    counted_304: dict[str, array] = field(default_factory=dict)
    repeats: dict[str, array] = field(default_factory=dict)
    open: dict[tuple[int, str], tuple[float, float]] = field(default_factory=dict)
    """(reader, post) -> (its last counted time, its latest hit), for the readers whose latest
    hit is after `horizon - REPEAT_WINDOW`: every other reader's next hit after `horizon`
    counts."""
    horizon: float = float("-inf")

    def copy(self) -> "Decisions":
        def copied(times: dict[str, array]) -> dict[str, array]:
            return {post: array("d", moments) for post, moments in times.items()}

        return Decisions(
            list(self.posts),
            list(self.made_from),
            copied(self.counted),
            copied(self.counted_304),
            copied(self.repeats),
            dict(self.open),
            self.horizon,
        )

    def extend(self, candidates: Iterable[Candidate], posts: list[str | None]) -> bool:
        """Decide candidates read after the ones decided, with `posts` (the same as before
        for the paths decided); False, and nothing changed, when one comes before what its
        reader and post had, or before the horizon."""
        horizon = self.horizon
        grouped: dict[tuple[int, str], list[tuple[float, int]]] = {}
        for path, moment, reader, revalidated in candidates:
            post = posts[path]
            if post is None:
                continue
            if moment <= horizon:
                return False
            grouped.setdefault((reader, post), []).append((moment, revalidated))
        for key, hits in grouped.items():
            state = self.open.get(key)
            if state is not None and min(hits)[0] <= state[1]:
                return False
        self.posts = posts
        newest = horizon
        for key, hits in grouped.items():
            last, latest = self.open.get(key, (None, float("-inf")))
            hits.sort(key=itemgetter(0))
            for moment, revalidated in hits:
                last = self._decide(key[1], last, moment, revalidated)
            latest = max(latest, hits[-1][0])
            newest = max(newest, latest)
            self.open[key] = (last, latest)
        self._close(newest)
        return True

    def _decide(self, post: str, last: float | None, moment: float, revalidated: int) -> float:
        """Decide one hit after its reader's last counted one; returns the new last."""
        if is_repeat(last, moment):
            insort(self.repeats.setdefault(post, array("d")), moment)
            return last
        insort(self.counted.setdefault(post, array("d")), moment)
        if revalidated:
            insort(self.counted_304.setdefault(post, array("d")), moment)
        return moment

    def _close(self, newest: float) -> None:
        """Move the horizon up to `newest - DISORDER` and forget the readers it leaves."""
        self.horizon = max(self.horizon, newest - DISORDER)
        oldest = self.horizon - REPEAT_WINDOW
        self.open = {key: state for key, state in self.open.items() if state[1] >= oldest}

    @classmethod
    def of(cls, scans: list[tuple[Identity, Scan]], posts: list[str | None]) -> "Decisions":
        """Every candidate of `scans` (in reading order) decided from scratch."""
        names = sorted({post for post in posts if post is not None})
        shift = max(1, len(names).bit_length())
        number = {post: n for n, post in enumerate(names)}
        post_of_path = [None if post is None else number[post] for post in posts]
        # Keys are `reader << shift | post`; a key's value is the time of its one hit (not a
        # 304) while it has one, then its hits, (time, 304?) in reading order.
        hits: dict[int, float | list[tuple[float, int]]] = {}
        get = hits.get
        newest = float("-inf")
        for _, scan in scans:
            if scan.moments:
                newest = max(newest, max(scan.moments))
            for path, moment, reader, was_304 in scan.candidates():
                post = post_of_path[path]
                if post is None:
                    continue
                key = reader << shift | post
                known = get(key)
                if known is None:
                    hits[key] = [(moment, 1)] if was_304 else moment
                elif known.__class__ is float:
                    hits[key] = [(known, 0), (moment, was_304)]
                else:
                    known.append((moment, was_304))
        decisions = cls(list(posts), [(identity, len(scan.moments)) for identity, scan in scans])
        decisions._close(newest)
        oldest = decisions.horizon - REPEAT_WINDOW
        counted: list[list[float]] = [[] for _ in names]
        counted_304: list[list[float]] = [[] for _ in names]
        repeats: list[list[float]] = [[] for _ in names]
        latest: dict[tuple[int, str], tuple[float, float]] = {}
        mask = (1 << shift) - 1
        for key, known in hits.items():
            post = key & mask
            if known.__class__ is float:
                counted[post].append(known)
                if known >= oldest:
                    latest[(key >> shift, names[post])] = (known, known)
                continue
            known.sort(key=itemgetter(0))
            last = None
            for moment, was_304 in known:
                if is_repeat(last, moment):
                    repeats[post].append(moment)
                    continue
                last = moment
                counted[post].append(moment)
                if was_304:
                    counted_304[post].append(moment)
            if known[-1][0] >= oldest:
                latest[(key >> shift, names[post])] = (last, known[-1][0])
        for ours, theirs in (
            (decisions.counted, counted),
            (decisions.counted_304, counted_304),
            (decisions.repeats, repeats),
        ):
            for post, moments in zip(names, theirs, strict=True):
                if moments:
                    moments.sort()
                    ours[post] = array("d", moments)
        decisions.open = latest
        return decisions

    def count(self, views: Views) -> None:
        """Put the views up to `views.now` in their windows, and the decisions in the tally."""
        now, floors, tally = views.now, views.floors, views.logs
        ages = views.ages
        for post, moments in self.counted.items():
            upto = bisect_right(moments, now)
            below = 0
            for age, floor in enumerate(floors):
                under = bisect_right(moments, floor, 0, upto)
                if under > below:
                    ages[(post, age)] += under - below
                below = under
            if upto > below:
                ages[(post, len(floors))] += upto - below
            tally.counted += upto
            tally.future += len(moments) - upto
        for moments in self.repeats.values():
            upto = bisect_right(moments, now)
            tally.repeats += upto
            tally.future += len(moments) - upto
        for moments in self.counted_304.values():
            tally.counted_304 += bisect_right(moments, now)
        tally.views = tally.counted


@dataclass
class LogState:
    """What the logs gave, kept between builds (see the module's docstring)."""

    scans: dict[Identity, Scan] = field(default_factory=dict)
    paths: list[str] = field(default_factory=list)
    decisions: Decisions | None = None
    hosts: frozenset[str] = frozenset()
    """The site's host names the scans were made with."""
    split_over: ClassVar[int] = SPLIT_OVER
    """New parts of plain logs this big are read in two halves at once."""

    def read(
        self,
        sources: Iterable[str],
        resolve: Resolver,
        now: datetime,
        windows: Iterable[str],
        *,
        base: Path = Path(),
        timezone: str = "UTC",
        whole_days: bool = False,
        hosts: frozenset[str] = frozenset(),
    ) -> tuple[Views, bool]:
        """What `read_sources` gives (without `explained`), reading only what is new; and
        whether this state changed (and is worth keeping again)."""
        if hosts != self.hosts:
            self.scans, self.decisions, self.hosts = {}, None, hosts
        return count_views(
            sources,
            resolve,
            Views(now.timestamp(), tuple(windows), timezone if whole_days else None),
            lambda logs, views: self._read_logs(logs, views, resolve),
            base=base,
            timezone=timezone,
        )

    def _read_logs(self, paths: list[Path], views: Views, resolve: Resolver) -> bool:
        """Bring the scans up to date with the logs, decide what is new (or everything
        again), and count into `views`; whether anything kept changed."""
        logs = LogReader(views, resolve, rules=LineRules(self.hosts))
        surveyed = [log for log in map(logs._survey, paths) if log is not None]
        surveyed.sort(key=lambda log: float("inf") if log.first is None else log.first)
        scanner = Scanner(logs, self.paths, {path: n for n, path in enumerate(self.paths)})
        changed = False
        entries: list[tuple[LogFile, Identity, Scan]] = []
        before: list[tuple[Identity, int]] = []
        new: list[Candidate] = []
        scans: dict[Identity, Scan] = {}
        rests: dict[Identity, Scan] = {}
        for log in surveyed:
            try:
                status = log.path.stat()
            except OSError as error:
                views.problems.append(f"{log.path}: cannot be read ({error}); skipped")
                continue
            identity = (status.st_dev, status.st_ino)
            if identity in scans:  # the same file matched twice
                scan = scans[identity]
            else:
                scan, start, read_any = self._update(log, identity, status, scanner, views, rests)
                changed |= read_any
                if start:
                    before.append((identity, start))
                new += scan.candidates(start)
                scans[identity] = scan
            entries.append((log, identity, scan))
        changed |= scans.keys() != self.scans.keys()
        self.scans = scans
        order = [(identity, scan) for _, identity, scan in entries]
        posts = [resolve(path) for path in self.paths]
        decisions = self.decisions
        changed |= decisions is None or decisions.posts != posts
        if (
            decisions is None
            or decisions.posts != posts[: len(decisions.posts)]
            or decisions.made_from != before
            or len(scans) < len(entries)
            or not decisions.extend(new, posts)
        ):
            decisions = Decisions.of(order, posts)
            changed = True
        decisions.made_from = [(i, len(scan.moments)) for i, scan in scans.items() if scan.moments]
        self.decisions = decisions
        if rests:
            decisions = _with_rests(decisions, order, rests)
        decisions.count(views)
        _tally(views, entries, posts, self.paths, rests)
        return changed

    def _update(
        self,
        log: LogFile,
        identity: Identity,
        status: os.stat_result,
        scanner: Scanner,
        views: Views,
        rests: dict[Identity, Scan],
    ) -> tuple[Scan, int, bool]:
        """The log's scan extended by what was appended, or read anew, how many candidates
        it had before, and whether anything was read; a last line without its newline goes
        to `rests`."""
        compressed = _compressed(log.path)
        kept = self.scans.get(identity)
        if kept is not None and not (
            kept.format == log.format
            and kept.first == log.first
            and kept.compressed == compressed
            and _unchanged(log.path, kept, status)
        ):
            kept = None
        if kept is not None and compressed:
            return kept, len(kept.moments), False
        scan = kept or Scan(log.format, log.first, compressed)
        start, offset = len(scan.moments), scan.offset
        if compressed:
            _read_compressed(log.path, scan, scanner, status)
        else:
            rest = _read_plain(log.path, scan, scanner, views, self.split_over)
            if rest is not None:
                rests[identity] = rest
        return scan, start, kept is None or scan.offset != offset


def _read_compressed(path: Path, scan: Scan, scanner: Scanner, status: os.stat_result) -> None:
    scan.stamp = (status.st_size, status.st_mtime_ns)
    scan.head = _digest(path, 0, BLOCK)
    try:
        with gzip.open(path, "rb") as stream:
            for lines in _chunks(stream, True):
                scanner.lines(lines, scan)
    except (OSError, EOFError, zlib.error) as error:
        scan.unreadable = str(error)


def _read_plain(
    path: Path, scan: Scan, scanner: Scanner, views: Views, split_over: int
) -> Scan | None:
    """Read the lines after `scan.offset` (a big part in two halves at once, as `LogReader`
    does); the last one, without its newline, is scanned apart and returned."""
    rest = None
    try:
        middle = _middle(path, scan.offset, split_over)
        if middle is None:
            rest = _scan_range(path, scan, scanner, None)
        else:
            rest = _scan_halves(path, scan, scanner, middle)
        scan.head = _digest(path, 0, min(BLOCK, scan.offset))
        scan.tail = _digest(path, max(0, scan.offset - BLOCK), scan.offset)
    except OSError as error:
        views.problems.append(
            f"{path}: unreadable after line {scan.read:,} ({error}); the rest is skipped"
        )
    return rest


def _scan_range(path: Path, scan: Scan, scanner: Scanner, stop: int | None) -> Scan | None:
    """Scan the lines from `scan.offset` to `stop` (a line's start; None: the end)."""
    rest = None
    with path.open("rb") as stream:
        stream.seek(scan.offset)
        for lines in _chunks(stream, False, stop):
            if not lines[-1].endswith(b"\n"):
                rest = Scan(scan.format, scan.first, False)
                scanner.lines([lines.pop()], rest)
            if lines:
                scanner.lines(lines, scan)
                scan.offset += sum(map(len, lines))
            if rest is not None:
                break
    return rest


def _middle(path: Path, offset: int, split_over: int) -> int | None:
    """Where the part of a log after `offset` is cut in two halves, or None to read it in
    one go (a small part, or one processor)."""
    size = path.stat().st_size
    if not (hasattr(os, "fork") and (os.cpu_count() or 1) > 1 and size - offset >= split_over):
        return None
    with path.open("rb") as stream:
        stream.seek((offset + size) // 2)
        # A cut in the last line, still being written, would leave no line after it.
        return stream.tell() if stream.readline().endswith(b"\n") else None


def _scan_halves(path: Path, scan: Scan, scanner: Scanner, middle: int) -> Scan | None:
    """Scan from `middle` on in a child process while this one scans up to it, then join."""
    receive, send = os.pipe()
    known = len(scanner.paths)
    child = os.fork()
    if child == 0:  # the child: scan the second half, send it, and leave
        try:
            os.close(receive)
            half = Scan(scan.format, scan.first, False, offset=middle)
            rest = _scan_range(path, half, scanner, None)
            with os.fdopen(send, "wb") as pipe:
                pickle.dump((half, rest, scanner.paths[known:]), pipe)
        finally:
            os._exit(0)
    os.close(send)
    try:
        with os.fdopen(receive, "rb") as pipe:
            _scan_range(path, scan, scanner, middle)
            try:
                half, rest, paths = pickle.load(pipe)
            except (EOFError, pickle.UnpicklingError):
                half = None
    finally:  # the pipe is closed first, so a child still writing to it stops
        os.waitpid(child, 0)
    if half is None:  # the child failed: scan its half here
        return _scan_range(path, scan, scanner, None)
    numbers = list(range(known)) + [scanner.path_number(path) for path in paths]
    for part in filter(None, (half, rest)):
        part.renumber(numbers)
    scan.join(half)
    return rest


def _with_rests(
    decisions: Decisions, order: list[tuple[Identity, Scan]], rests: dict[Identity, Scan]
) -> Decisions:
    """The decisions with the last lines still being written: counted in this build's views
    as a full read counts them, and not kept."""
    with_them = decisions.copy()
    if with_them.extend(
        [c for identity, _ in order if identity in rests for c in rests[identity].candidates()],
        decisions.posts,
    ):
        return with_them
    joined = []
    for identity, scan in order:
        rest = rests.get(identity)
        joined.append((identity, scan if rest is None else _joined(scan, rest)))
    return Decisions.of(joined, decisions.posts)


def _tally(
    views: Views,
    entries: list[tuple[LogFile, Identity, Scan]],
    posts: list[str | None],
    paths: list[str],
    rests: dict[Identity, Scan],
) -> None:
    """The lines' accounting and each log's problems, in the order `LogReader` gives them."""
    tally = views.logs
    for log, identity, scan in entries:
        rest = rests.get(identity)
        read = malformed = 0
        example = None
        for part in (scan,) if rest is None else (scan, rest):
            read += part.read
            malformed += part.malformed
            example = example or part.example
            tally.not_views += part.not_views
            for path, lines in part.bots.items():
                if posts[path] is None:
                    tally.not_views += lines
                    views.not_posts[paths[path]] += lines
                else:
                    tally.bots += lines
            for path, lines in part.asked.items():
                if posts[path] is None:
                    tally.not_views += lines
                    views.not_posts[paths[path]] += lines
        tally.read += read
        tally.malformed += malformed
        if scan.unreadable is not None:
            views.problems.append(
                f"{log.path}: unreadable after line {scan.read:,} ({scan.unreadable}); "
                "the rest is skipped"
            )
        if malformed:
            views.problems.append(malformed_problem(log.path, malformed, read, example))


def _joined(scan: Scan, rest: Scan) -> Scan:
    joined = Scan(scan.format, scan.first, scan.compressed)
    joined.join(scan)
    joined.join(rest)
    return joined


def _digest(path: Path, start: int, stop: int) -> bytes:
    with path.open("rb") as stream:
        stream.seek(start)
        return hashlib.blake2b(stream.read(max(0, stop - start)), digest_size=16).digest()


def _unchanged(path: Path, kept: Scan, status: os.stat_result) -> bool:
    """Whether the log holds what was read of it before (a compressed one: is the same)."""
    try:
        if kept.compressed:
            return (status.st_size, status.st_mtime_ns) == kept.stamp and kept.head == _digest(
                path, 0, BLOCK
            )
        return (
            status.st_size >= kept.offset
            and kept.head == _digest(path, 0, min(BLOCK, kept.offset))
            and kept.tail == _digest(path, max(0, kept.offset - BLOCK), kept.offset)
        )
    except OSError:
        return False
