"""Writing files and folders whole or not at all: comment files and imported posts are never
half-written nor overwritten unless asked to; a built site replaces the last one in one step."""

import os
import shutil
import tempfile
from pathlib import Path


def write_whole(path: Path, data: bytes | str, *, replace: bool = False) -> None:
    """Write `path` whole or not at all: a temporary file, synced, then moved into place.

    Without `replace`, raises FileExistsError, leaving the existing file untouched, when
    `path` exists (even if it appeared while writing)."""
    if isinstance(data, str):
        data = data.encode("utf-8")
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".incoming-")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        if replace:
            os.replace(temporary, path)
        else:
            os.link(temporary, path)
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)


def swap_in(incoming: Path, target: Path) -> None:
    """Put the folder `incoming` where `target` is, with renames: readers of `target` see
    the old folder or the new one, never a mix; the old one is removed afterwards."""
    previous = target.with_name(f".{target.name}-previous-{os.getpid()}")
    if target.exists():
        target.rename(previous)
    incoming.rename(target)
    shutil.rmtree(previous, ignore_errors=True)
