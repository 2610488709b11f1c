"""Writing files whole or not at all (comments, imported posts): never half-written, and
never overwriting a file unless asked to."""

import os
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
