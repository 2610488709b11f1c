"""The server's configuration files as Debian treats a package's conffiles: a file the writer
(or certbot) changed is never overwritten.

Each install remembers, by a digest in one record file, the version of each file the engine
last offered. When the engine's version changes, a file still as installed is replaced
(showing the difference); a file changed since is kept, the new version written beside it
(`NAME.pathways-new`) with the difference shown, for the writer to merge. A file changed
when the engine's version did not change is kept without a word: her changes are hers.
"""

import hashlib
import json
import logging
from pathlib import Path

from pathways.blog.layout import difference, write_showing_changes

logger = logging.getLogger(__name__)

# Beside a kept file: the engine's new version of it, to merge.
NEW_SUFFIX = ".pathways-new"


def digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class Record:
    """The digest of what the engine last offered for each file, kept in a JSON file."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.offered: dict[str, str] = {}
        if path.exists():
            try:
                offered = json.loads(path.read_text(encoding="utf-8"))
                if not isinstance(offered, dict):
                    raise ValueError("not an object")
                self.offered = {str(key): str(value) for key, value in offered.items()}
            except ValueError as error:
                logger.warning(
                    "%s cannot be read (%s): every changed server file is kept", path, error
                )

    def save(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.path.write_text(json.dumps(self.offered, indent=1, sort_keys=True) + "\n", "utf-8")


def install(target: Path, text: str, record: Record) -> str | None:
    """Install `text` (the engine's version) at `target` unless the file there was changed
    since the engine's last version was installed; returns what was done (None: nothing)."""
    key = str(target)
    before = target.read_text(encoding="utf-8") if target.exists() else None
    last = record.offered.get(key)
    record.offered[key] = digest(text)
    beside = target.with_name(target.name + NEW_SUFFIX)
    if before is None or before == text or last == digest(before):
        beside.unlink(missing_ok=True)
        return write_showing_changes(target, text, key)
    if last == digest(text):
        return None
    beside.write_text(text, encoding="utf-8")
    change = difference(before, text, key, labels=("yours", "the engine's new version"))
    return (
        f"kept {target}: it was changed since it was installed (by you, or certbot). The"
        f" engine's new version is in {beside}; merge what you need of it into {target}"
        f" (the difference below), then delete {beside.name}.\n{change}"
    )
