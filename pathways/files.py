"""Writing files and folders whole or not at all: comment files and imported posts are never
half-written nor overwritten unless asked to; a built site replaces the last one in one step."""

import os
import shutil
import tempfile
import time
from pathlib import Path


def write_whole(path: Path, data: bytes | str, *, replace: bool = False, sync: bool = True) -> None:
    """Write `path` whole or not at all: a temporary file, synced (unless `sync` is False:
    for what can be made again, like the build cache), then moved into place.

    Without `replace`, raises FileExistsError, leaving the existing file untouched, when
    `path` exists (even if it appeared while writing)."""
    if isinstance(data, str):
        data = data.encode("utf-8")
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".incoming-")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            if sync:
                stream.flush()
                os.fsync(stream.fileno())
        if replace:
            os.replace(temporary, path)
        else:
            os.link(temporary, path)
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)


def link_or_copy(source: Path, target: Path) -> None:
    """Hard-link `target` to `source` (a copy across file systems); an existing target stays."""
    try:
        os.link(source, target)
    except FileExistsError:
        pass
    except OSError:
        shutil.copyfile(source, target)


def swap_in(incoming: Path, target: Path, *, remove_old_later: bool = False) -> None:
    """Put the folder `incoming` where `target` is, with renames: readers of `target` see
    the old folder or the new one, never a mix. The old one is removed afterwards, or, with
    `remove_old_later`, by a process of its own while the caller goes on."""
    previous = target.with_name(f".{target.name}-previous-{os.getpid()}-{time.time_ns()}")
    if target.exists():
        target.rename(previous)
    incoming.rename(target)
    if not previous.exists():
        return
    if remove_old_later:
        remove_in_background(previous)
    else:
        shutil.rmtree(previous, ignore_errors=True)


def remove_in_background(folder: Path) -> None:
    """Delete `folder` in a detached process (forked twice, so it is never left a zombie)."""
    child = os.fork()
    if child == 0:
        try:
            if os.fork() == 0:
                shutil.rmtree(folder, ignore_errors=True)
        finally:
            os._exit(0)
    os.waitpid(child, 0)
