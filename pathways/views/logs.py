"""Access logs as web servers write them by default, read whole for Popular Posts.

Each file's format is found from its first lines; every line is then classified by the one
rule (`lines.LineRules`: malformed, not a page view, a bot's or a candidate view), and the
candidates whose path is a post's, at or before the reference instant, go to the repeat rule
(`rules.Visits`). Files are read in the order of their first line's time (whatever their
names) and may overlap in time; a big plain file is read in two halves at once.
"""

import gzip
import os
import pickle
import zlib
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from functools import partial
from itertools import islice
from operator import itemgetter
from pathlib import Path

from pathways.views.lines import (
    BOT,
    LOG_FORMATS,
    MALFORMED,
    MAX_CACHED,
    NOT_VIEW,
    LineRules,
    malformed_problem,
)
from pathways.views.rules import REPEAT_WINDOW, Hit, Tally, Views, Visits

POST_OF_KEY = itemgetter(2)
"""Keys of the repeat rule are (address, user agent, post)."""
GZIP_MAGIC = b"\x1f\x8b"
SAMPLE = 200
CHUNK = 65_536
SPLIT_OVER = 64 << 20
"""Plain logs this big are read in two halves at once (on two processors or more)."""
CHUNK_BYTES = 8 << 20
DISORDER = 3600
"""Lines of one file may be this many seconds out of time order (Apache logs the time a
request came in, when it is done) and still be decided exactly."""


@dataclass
class Half:
    """What the child reading a log's second half sends back."""

    tally: Tally
    candidates: int
    repeats: int
    counted_304: int
    ages: Counter
    not_posts: Counter
    explained: list[Hit]
    problems: list[str]
    open: dict
    example: bytes | None


@dataclass
class LogFile:
    """One access log, its format (None: no line readable) and its first line's time."""

    path: Path
    format: str | None
    first: float | None


class LogReader:
    """Reads access logs into `views`, deciding repeats across all of them."""

    def __init__(
        self,
        views: Views,
        resolve: Callable[[str], str | None],
        explain: str | None = None,
        progress: Callable[[int], None] | None = None,
        split_over: int = SPLIT_OVER,
        rules: LineRules | None = None,
    ) -> None:
        self.views = views
        self.rules = rules or LineRules()
        self.split_over = split_over
        self.tally = views.logs
        self.resolve = resolve
        self.explain = explain
        self.progress = progress
        self.visits = Visits(self._counted, self._repeated)
        self.posts: dict[str, str | None] = {}
        self.candidates = 0

    def read(self, paths: list[Path]) -> None:
        """Every line of every file; files in the order of their first line's time."""
        files = [log for log in map(self._survey, paths) if log is not None]
        files.sort(key=lambda log: float("inf") if log.first is None else log.first)
        for position, log in enumerate(files):
            later = [other.first for other in files[position + 1 :] if other.first is not None]
            self._read_file(log, min(later, default=None))
        self.visits.settle()
        # Every candidate view is now counted or a repeat.
        self.tally.counted = self.tally.views = self.candidates - self.tally.repeats

    def _survey(self, path: Path) -> LogFile | None:
        """The file's format and first time, from its first lines; None if unreadable."""
        try:
            with _open(path) as stream:
                sample = list(islice(stream, SAMPLE))
        except (OSError, EOFError, zlib.error) as error:
            self.views.problems.append(f"{path}: cannot be read ({error}); skipped")
            return None
        self.views.log_files += 1
        best, best_count = None, 0
        for name in LOG_FORMATS:
            times = [self.rules.line_time(line, name) for line in sample]
            count = sum(t is not None for t in times)
            if count > best_count:
                best, best_count = name, count
                first = next(t for t in times if t is not None)
        return LogFile(path, best, first if best else None)

    def _read_file(self, log: LogFile, next_first: float | None) -> None:
        tally = Tally()
        split = self._split_point(log)
        if split is None:
            _, example = self._read_range(log, next_first, tally)
        else:
            example = self._read_halves(log, next_first, tally, *split)
        self.tally.add(tally)
        if tally.malformed:
            self.views.problems.append(
                malformed_problem(log.path, tally.malformed, tally.read, example)
            )

    def _read_range(
        self,
        log: LogFile,
        next_first: float | None,
        tally: Tally,
        start: int = 0,
        stop: int | None = None,
    ) -> tuple[int, bytes | None]:
        """The lines from byte `start` to `stop` (a plain file's; a gzip is read whole);
        returns how many were read and an example of a malformed one."""
        number = 0
        example = None
        try:
            with _open(log.path) as stream:
                stream.seek(start)
                raw = getattr(stream, "fileobj", stream)
                for lines in _chunks(stream, isinstance(stream, gzip.GzipFile), stop):
                    newest, bad = self._lines(lines, log, number, tally)
                    number += len(lines)
                    example = example or bad
                    self._settle(newest, next_first)
                    if self.progress is not None:
                        self.progress(raw.tell())
        except (OSError, EOFError, zlib.error) as error:
            self.views.problems.append(
                f"{log.path}: unreadable after line {number:,} ({error}); the rest is skipped"
            )
        return number, example

    def _split_point(self, log: LogFile) -> tuple[int, float] | None:
        """Where a big plain log can be cut in two halves read at once (the byte offset of a
        line near its middle, and that line's time), or None to read it in one go: for a small
        or compressed file, on one processor, or when readers still open from earlier files
        reach past the middle (files that overlap in time)."""
        if not (
            log.format is not None
            and not _compressed(log.path)
            and hasattr(os, "fork")
            and (os.cpu_count() or 1) > 1
            and log.path.stat().st_size >= self.split_over
        ):
            return None
        with log.path.open("rb") as stream:
            stream.seek(log.path.stat().st_size // 2)
            stream.readline()
            offset = stream.tell()
            first = next(
                (t for t in map(partial(self.rules.line_time, log_format=log.format), stream) if t),
                None,
            )
        open_until = max((max(times) for times in self.visits.hits.values()), default=None)
        if first is None or (open_until is not None and open_until >= first):
            return None
        return offset, first

    def _read_halves(
        self, log: LogFile, next_first: float | None, tally: Tally, offset: int, middle: float
    ) -> bytes | None:
        """Read the second half in a child process while this one reads the first; the child
        decides only the readers that cannot have been seen in the first half, and sends the
        others' hits back to be decided here."""
        receive, send = os.pipe()
        child = os.fork()
        if child == 0:  # the child: read the second half, send it, and leave
            try:
                os.close(receive)
                with os.fdopen(send, "wb") as pipe:
                    pickle.dump(self._second_half(log, next_first, offset, middle), pipe)
            finally:
                os._exit(0)
        os.close(send)
        bound = middle if next_first is None else min(middle, next_first)
        number, example = self._read_range(log, bound, tally, 0, offset)
        with os.fdopen(receive, "rb") as pipe:
            try:
                half = pickle.load(pipe)
            except (EOFError, pickle.UnpicklingError):
                half = None
        os.waitpid(child, 0)
        if half is None:  # the child failed: read its half here
            _, later = self._read_range(log, next_first, tally, offset)
            return example or later
        tally.add(half.tally)
        self.candidates += half.candidates
        self.tally.repeats += half.repeats
        self.tally.counted_304 += half.counted_304
        self.views.ages.update(half.ages)
        self.views.not_posts.update(half.not_posts)
        for hit in half.explained:
            self.views.explained.append(replace(hit, line=hit.line + number))
        self.views.problems += half.problems
        for key, (times, details) in half.open.items():
            for index, moment in enumerate(times):
                detail = details.get(index)
                if detail is not None:  # (304?, file, line in the half)
                    detail = (detail[0], detail[1], detail[2] + number)
                self.visits.add(key, moment, detail)
        return example or half.example

    def _second_half(
        self, log: LogFile, next_first: float | None, offset: int, middle: float
    ) -> "Half":
        """In the child: the lines from `offset` on, with a repeat rule of its own that holds
        back every reader seen near the middle."""
        self.views = Views(self.views.now, self.views.windows, self.views.days_of)
        self.tally = self.views.logs
        self.visits = Visits(self._counted, self._repeated)
        self.visits.hold_until = middle + REPEAT_WINDOW + 2 * DISORDER
        self.candidates = 0
        self.progress = None
        tally = Tally()
        _, example = self._read_range(log, next_first, tally, offset)
        details = self.visits.details
        return Half(
            tally=tally,
            candidates=self.candidates,
            repeats=self.tally.repeats,
            counted_304=self.tally.counted_304,
            ages=self.views.ages,
            not_posts=self.views.not_posts,
            explained=self.views.explained,
            problems=self.views.problems,
            open={key: (times, details.get(key, {})) for key, times in self.visits.hits.items()},
            example=example,
        )

    def _settle(self, newest: float | None, next_first: float | None) -> None:
        """Decide the readers no line still to come (this file's or a later one's) can repeat."""
        bounds = [t for t in (newest, next_first) if t is not None]
        if bounds:
            self.visits.settle(min(bounds) - REPEAT_WINDOW - DISORDER)

    def _lines(
        self, lines: list[bytes], log: LogFile, before: int, tally: Tally
    ) -> tuple[float | None, bytes | None]:
        """One chunk of a log, classified by the one rule; returns the newest time and an
        example of a malformed line. The loop runs once per line of logs that hold millions,
        so it keeps its tallies in locals, looks up posts inline, and appends to the repeat
        rule's hits."""
        now, explain = self.views.now, self.explain
        posts, not_posts = self.posts, self.views.not_posts
        hits, held, hold_until = self.visits.hits, self.visits.held, self.visits.hold_until
        hits_get = hits.get
        malformed = not_views = bots = future = candidates = 0
        newest = None
        bad = None
        for number, (kind, moment, path, reader, revalidated, _) in enumerate(
            self.rules.lines(lines, log.format), before + 1
        ):
            if kind == MALFORMED:
                malformed += 1
                bad = bad or lines[number - before - 1]
                continue
            newest = moment
            if kind == NOT_VIEW:
                not_views += 1
                continue
            try:
                post = posts[path]
            except KeyError:
                post = self._post(path)
            if post is None:
                not_views += 1
                not_posts[path] += 1
            elif kind == BOT:
                bots += 1
            elif moment > now:
                future += 1
            else:
                candidates += 1
                key = (*reader, post)
                if revalidated or post == explain:
                    self._candidate(key, moment, revalidated, log.path, number)
                    continue
                times = hits_get(key)
                if times is None:
                    hits[key] = [moment]
                    if moment < hold_until:
                        held.add(key)
                else:
                    times.append(moment)
        tally.read += len(lines)
        tally.malformed += malformed
        tally.not_views += not_views
        tally.bots += bots
        tally.future += future
        self.candidates += candidates
        return newest, bad

    def _post(self, path: str) -> str | None:
        """The post a path is, cached."""
        if len(self.posts) > MAX_CACHED:
            self.posts.clear()
        post = self.posts[path] = self.resolve(path)
        return post

    def _candidate(
        self, key: tuple, moment: float, revalidated: bool, path: Path, number: int
    ) -> None:
        if key[2] == self.explain:
            detail = (revalidated, str(path), number)
        elif revalidated:
            detail = (True, "", 0)
        else:
            detail = None
        self.visits.add(key, moment, detail)

    def _counted(self, keys: list, moments: list[float], detailed: list) -> None:
        self.views.add_instants(map(POST_OF_KEY, keys), moments)
        self.views.add_instants((key[2] for key, _, _ in detailed), (t for _, t, _ in detailed))
        for _, moment, (revalidated, source, number) in detailed:
            self.tally.counted_304 += revalidated
            if source:
                status = 304 if revalidated else 200
                self.views.explained.append(Hit(source, number, moment, moment, status))

    def _repeated(self, key: tuple, moment: float, detail: object) -> None:
        self.tally.repeats += 1


def _chunks(stream, compressed: bool, stop: int | None = None) -> Iterator[list[bytes]]:
    """The stream's lines, a list at a time, up to byte `stop` (a line boundary) of a plain
    file; on a read error (of a compressed stream), the lines read before it come first,
    then the error."""
    if not compressed:
        position = stream.tell()
        for lines in iter(partial(stream.readlines, CHUNK_BYTES), []):
            position += sum(map(len, lines))
            if stop is not None and position >= stop:
                while position > stop:
                    position -= len(lines.pop())
                if lines:
                    yield lines
                return
            yield lines
        return
    chunk: list[bytes] = []
    try:
        for line in stream:
            chunk.append(line)
            if len(chunk) == CHUNK:
                yield chunk
                chunk = []
    except (OSError, EOFError, zlib.error):
        if chunk:
            yield chunk
        raise
    if chunk:
        yield chunk


def _compressed(path: Path) -> bool:
    """Whether a file is gzip, by its first bytes (a rotated log may lack `.gz`)."""
    with path.open("rb") as stream:
        return stream.read(2) == GZIP_MAGIC or path.suffix == ".gz"


def _open(path: Path):
    return gzip.open(path, "rb") if _compressed(path) else open(path, "rb")
