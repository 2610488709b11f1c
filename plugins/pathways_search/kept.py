"""The parts of the search index of the last build, kept in the build cache by the digest of
what each was made from, so that a build copies a part whose searched text is the same
instead of indexing it again.

A kept part is Pagefind's own output, before later steps of the build (minifying, compressed
copies) change the site. Its scripts, stylesheets and JSON, which those steps rewrite, are
copied into the new site, so nothing done to the new site reaches them (or the live site); its
index files, which nothing rewrites, are hard-linked. A kept part whose files are not the
bytes it was kept with is not used.
"""

import hashlib
import json
import os
import re
import shutil
from pathlib import Path
from typing import Any

from pathways.files import link_or_copy

STATE = "state.json"
INDEX = "index"
# Pagefind's own binary formats (`fragment/*.pf_fragment`, `wasm.en.pagefind`, ...), which no
# later step of the build rewrites.
INDEX_FILE = re.compile(r".*\.(pf_[a-z]+|pagefind)")


def read_state(folder: Path) -> dict[str, Any]:
    """What the last build kept in `folder`: `parts` (digest: {path: hash}) and `pages`."""
    try:
        return json.loads((folder / STATE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def write_state(folder: Path, state: dict[str, Any]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    written = folder / f"{STATE}.new"
    written.write_text(json.dumps(state), encoding="utf-8")
    os.replace(written, folder / STATE)


def carry(folder: Path, files: dict[str, str] | None, digest: str, target: Path) -> bool:
    """Copy the part kept with `files` and made from `digest` into `target`, when it is whole."""
    if not files:
        return False
    index = folder / INDEX / digest
    for name, expected in files.items():
        try:
            if _hash(index / name) != expected:
                return False
        except OSError:
            return False
    for name in files:
        (target / name).parent.mkdir(parents=True, exist_ok=True)
        if INDEX_FILE.fullmatch(name):
            link_or_copy(index / name, target / name)
        else:
            shutil.copyfile(index / name, target / name)
    return True


def keep(folder: Path, digest: str, index: Path) -> dict[str, str]:
    """Keep a copy of the part Pagefind just wrote to `index`, made from `digest`; returns its
    files (path: hash), for the state."""
    kept = folder / INDEX / digest
    fresh = kept.with_name(f"{digest}.new")
    shutil.rmtree(fresh, ignore_errors=True)
    shutil.copytree(index, fresh)
    shutil.rmtree(kept, ignore_errors=True)
    fresh.rename(kept)
    return {
        path.relative_to(index).as_posix(): _hash(path)
        for path in sorted(index.rglob("*"))
        if path.is_file()
    }


def forget_others(folder: Path, digests: set[str]) -> None:
    """Remove the kept parts not made from one of `digests` (and what older builds kept)."""
    index = folder / INDEX
    if not index.is_dir():
        return
    for path in index.iterdir():
        if path.name not in digests:
            if path.is_dir():
                shutil.rmtree(path, ignore_errors=True)
            else:
                path.unlink(missing_ok=True)


def _hash(path: Path) -> str:
    with path.open("rb") as file:
        return hashlib.file_digest(file, "sha256").hexdigest()
