"""Files carried over from the site a build replaces, instead of being made again.

`pathways build` builds into a fresh folder. A file that would come out exactly as in the
last build is hard-linked from the site being replaced: a page whose render key is unchanged
(see the pathways_parallel_writing plugin) is not rendered, and a file whose bytes are
unchanged is not minified or compressed again (see pathways_production_assets).

What the last build left is recorded in the build cache, one `Record` per finished file. A
file is carried only when the site being replaced still holds those very files (the same
inode, size and modification time), so a site built with other settings, or changed by
hand, is never mixed in. A carried file is linked beside its place and renamed over it: the
live site's file is replaced in the new folder, never written through.
"""

import json
import os
from pathlib import Path
from typing import NamedTuple

RECORDS = "finished-files.json"
COPY_SUFFIXES = (".gz", ".br")

Identity = tuple[str, int, int, int]


class Record(NamedTuple):
    """A finished file: its path in the site, the hash of the file as built and of how it was
    finished (`key`), the hash its compressed copies are kept under (or ""), the identity of
    each file left (the file, then its copies, as suffix, inode, size, ns), and the render key
    of the page it was rendered from (or "")."""

    path: str
    key: str
    digest: str
    files: tuple[Identity, ...]
    render: str


def load_records(cache: Path | None) -> dict[str, Record]:
    """What the last build with these settings left, by path in the site."""
    if cache is None:
        return {}
    try:
        rows = json.loads((cache / RECORDS).read_text())
        return {
            row[0]: Record(row[0], row[1], row[2], tuple(tuple(file) for file in row[3]), row[4])
            for row in rows
        }
    except (OSError, ValueError, IndexError, TypeError):
        return {}


def save_records(cache: Path, records: list[Record]) -> None:
    (cache / RECORDS).write_text(json.dumps(records))


def stamp(status: os.stat_result) -> tuple[int, int, int]:
    """What tells a file from another in the same folder tree, as kept between builds: its
    inode, size and modification time (a file carried over as a hard link keeps all three)."""
    return status.st_ino, status.st_size, status.st_mtime_ns


def identities(path: Path) -> tuple[Identity, ...]:
    """The identity of `path` and of its compressed copies, as a `Record` keeps them."""
    found = []
    for suffix in ("", *COPY_SUFFIXES):
        try:
            status = path.with_name(path.name + suffix).stat()
        except FileNotFoundError:
            continue
        found.append((suffix, *stamp(status)))
    return tuple(found)


def carry(previous: Path | None, record: Record, target: Path) -> bool:
    """Put the files `record` describes, from the site `previous`, in place of `target` and
    its copies; False (and nothing changed) if that site no longer holds them."""
    if previous is None:
        return False
    sources = []
    for suffix, inode, size, modified in record.files:
        source = previous / (record.path + suffix)
        try:
            status = source.stat()
        except OSError:
            return False
        if stamp(status) != (inode, size, modified):
            return False
        sources.append((source, target.with_name(target.name + suffix)))
    placed = []
    try:
        for source, destination in sources:
            incoming = destination.with_name(f".carried-{destination.name}")
            os.link(source, incoming)
            placed.append(incoming)
    except OSError:
        for incoming in placed:
            incoming.unlink()
        return False
    for incoming, (_, destination) in zip(placed, sources, strict=True):
        incoming.replace(destination)
    return True
