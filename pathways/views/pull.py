"""`make publish` fetching the server's counts before it builds, as it fetches comments: the
views per post and day and the referring sites per day that `pathways views count` keeps on
the server, from the comment service (behind the moderation token) into files of the blog
(`POPULAR_POSTS_SERVER_VIEWS`, `POPULAR_POSTS_SERVER_SITES`). Each answer is checked row by
row before it replaces the file, so the file only ever holds counts."""

import csv
import io
import os
from datetime import date
from pathlib import Path

from pathways.comments.model import CommentError
from pathways.comments.moderator import moderator_for
from pathways.comments.remote import Remote
from pathways.settings import read
from pathways.views.settings import POPULAR_POSTS

COUNTS = (
    ("POPULAR_POSTS_SERVER_VIEWS", "/views/daily.csv", ["path", "date", "views"]),
    ("POPULAR_POSTS_SERVER_SITES", "/views/sites.csv", ["date", "site", "views"]),
)
MAX_FIELD = 2048


def counts_before_publish(settings: dict, settings_file: Path) -> str | None:
    """For `make publish`, after the comments: when moderation goes through the service,
    fetch the server's counts. Returns what was done, or None when there is nothing to do."""
    remote = moderator_for(settings, settings_file).remote
    return None if remote is None else pull_counts(settings, remote)


def pull_counts(settings: dict, remote: Remote) -> str | None:
    """Fetch the counts into their files; returns what was done, or None when no file is
    set. CommentError (naming the file or the service) when they cannot be fetched or are
    not counts; the files are then left as they were."""
    config = read(settings, POPULAR_POSTS)
    content = Path(settings["PATH"]).resolve()
    done = []
    for setting, path, header in COUNTS:
        if not config[setting]:
            continue
        target = (content / config[setting]).resolve()
        if not target.is_relative_to(content):
            raise CommentError(f"{setting} {config[setting]!r} is outside {content}")
        try:
            answer = remote.download(path)
        except CommentError as error:
            raise CommentError(f"{path}: {error}") from None
        rows = _counts(answer, header, f"{remote.endpoint}{path}")
        _replace(target, answer)
        done.append(f"{rows} row(s) into {target}")
    return f"Fetched the server's view counts: {', '.join(done)}." if done else None


def _counts(answer: bytes, header: list[str], source: str) -> int:
    """How many rows of counts `answer` holds; CommentError if it is anything else."""
    try:
        table = list(csv.reader(io.StringIO(answer.decode("utf-8"), newline="")))
    except (UnicodeDecodeError, csv.Error) as error:
        raise CommentError(f"{source}: not a CSV of counts ({error})") from None
    if not table or table[0] != header:
        raise CommentError(f"{source}: not a CSV of counts (its header is not {','.join(header)})")
    day = header.index("date")
    for number, row in enumerate(table[1:], 2):
        try:
            if len(row) != 3 or any(len(field) > MAX_FIELD for field in row):
                raise ValueError("not three fields")
            date.fromisoformat(row[day])
            if not row[2].isdigit():
                raise ValueError(f"views {row[2]!r} is not a count")
        except ValueError as error:
            raise CommentError(f"{source}: row {number} is not counts ({error})") from None
    return len(table) - 1


def _replace(target: Path, data: bytes) -> None:
    """Write `data` to `target` whole: a reader sees the old file or the new one."""
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{target.name}.partial")
    partial.write_bytes(data)
    os.replace(partial, target)
