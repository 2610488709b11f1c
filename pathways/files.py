"""Writing files that must never be half-written or overwritten (comments, imported posts)."""

import os
import tempfile
from pathlib import Path


def write_new(path: Path, data: bytes | str) -> None:
    """Write a whole new file or nothing: a temporary file, synced, then linked into place.

    Raises FileExistsError, leaving the existing file untouched, when `path` exists."""
    if isinstance(data, str):
        data = data.encode("utf-8")
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".incoming-")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.link(temporary, path)
    finally:
        os.unlink(temporary)
