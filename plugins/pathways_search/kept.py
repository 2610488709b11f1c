"""The search index of the last build, kept in the build cache with the digest of what it was
made from, so that a build whose searched text is the same copies it instead of indexing.

The kept copy is Pagefind's own output, before later steps of the build (minifying,
compressed copies) change the site; it is copied, never linked, into the new site, so nothing
done to the new site reaches it (or the live site). A kept index whose files are not the
bytes it was kept with is not used.
"""

import hashlib
import json
import os
import shutil
from pathlib import Path
from typing import Any

STATE = "state.json"
INDEX = "index"


def read_state(folder: Path) -> dict[str, Any]:
    """What the last build kept in `folder`: `digest`, `files` (path: hash) and `pages`."""
    try:
        return json.loads((folder / STATE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def write_state(folder: Path, state: dict[str, Any]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    written = folder / f"{STATE}.new"
    written.write_text(json.dumps(state), encoding="utf-8")
    os.replace(written, folder / STATE)


def carry(folder: Path, state: dict[str, Any], digest: str, target: Path) -> bool:
    """Copy the kept index into `target` when it was made from `digest` and is whole."""
    files = state.get("files")
    if state.get("digest") != digest or not files:
        return False
    index = folder / INDEX
    for name, expected in files.items():
        try:
            if _hash(index / name) != expected:
                return False
        except OSError:
            return False
    for name in files:
        (target / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(index / name, target / name)
    return True


def keep(folder: Path, state: dict[str, Any], digest: str, index: Path) -> None:
    """Keep a copy of the index Pagefind just wrote to `index`, made from `digest`; `state`
    gets its digest and files (written with `write_state`)."""
    fresh = folder / f"{INDEX}.new"
    shutil.rmtree(fresh, ignore_errors=True)
    shutil.copytree(index, fresh)
    shutil.rmtree(folder / INDEX, ignore_errors=True)
    fresh.rename(folder / INDEX)
    state["digest"] = digest
    state["files"] = {
        path.relative_to(index).as_posix(): _hash(path)
        for path in sorted(index.rglob("*"))
        if path.is_file()
    }


def _hash(path: Path) -> str:
    with path.open("rb") as file:
        return hashlib.file_digest(file, "sha256").hexdigest()
