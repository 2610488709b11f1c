"""Comments read and rendered by an earlier build, kept by file, size and modification time.

Reading and rendering ten thousand comment files takes seconds on every build, and almost
none of them change. With Pelican's content cache (`CACHE_CONTENT`) and the speed-ups on,
every comment file read is kept, rendered, in `CACHE_PATH/comments.pickle` (the cache folder
is per set of settings); entries of files that are gone are dropped when it is saved.
"""

import dataclasses
from pathlib import Path

from pathways.comments.model import Comment
from pathways.plugin_support import build_cache, keep, load_kept

Stamp = tuple[int, int]


def _stamp(path: Path) -> Stamp:
    status = path.stat()
    return status.st_mtime_ns, status.st_size


def _fields(comment: dict | Comment) -> dict:
    if isinstance(comment, dict):
        return comment
    threading = ("replies", "depth")  # set again when threads are built
    return {
        f.name: getattr(comment, f.name)
        for f in dataclasses.fields(comment)
        if f.name not in threading
    }


class CommentCache:
    def __init__(self, settings: dict) -> None:
        cache = build_cache(settings)
        self.file = cache / "comments.pickle" if cache else None
        self._previous: dict[str, tuple[Stamp, dict]] = {}
        self._kept: dict[str, tuple[Stamp, dict | Comment]] = {}
        if self.file is not None and settings.get("LOAD_CONTENT_CACHE"):
            self._previous = load_kept(self.file) or {}

    def get(self, path: Path) -> Comment | None:
        """The comment read from `path` before, if the file has not changed since."""
        entry = self._previous.get(str(path))
        if entry is None or entry[0] != _stamp(path):
            return None
        self._kept[str(path)] = entry
        return Comment(**entry[1])

    def put(self, path: Path, comment: Comment) -> None:
        """Keep `comment`, read from `path`, as it will be when the cache is saved."""
        self._kept[str(path)] = (_stamp(path), comment)

    def save(self) -> None:
        if self.file is None:
            return
        if self._kept.keys() == self._previous.keys() and all(
            entry is self._previous[path] for path, entry in self._kept.items()
        ):
            return  # every comment was read from the kept file, and none is gone
        entries = {path: (stamp, _fields(kept)) for path, (stamp, kept) in self._kept.items()}
        keep(self.file, entries)
