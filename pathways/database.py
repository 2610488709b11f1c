"""SQLite connections for the comment, view and follow stores, opened the same way by all."""

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def connection(path: Path, busy_timeout: float) -> Iterator[sqlite3.Connection]:
    """A connection that writes nothing until told (`BEGIN …`), waits up to `busy_timeout`
    seconds for another process's lock, syncs every commit to disk, gives rows by column
    name, and is closed when the block ends."""
    db = sqlite3.connect(path, timeout=busy_timeout, isolation_level=None)
    try:
        db.execute("PRAGMA synchronous=FULL")
        db.row_factory = sqlite3.Row
        yield db
    finally:
        db.close()


@contextmanager
def transaction(path: Path, busy_timeout: float) -> Iterator[sqlite3.Connection]:
    """A `connection` in a write transaction that holds the write lock from its start,
    committed when the block ends, rolled back if it raises."""
    with connection(path, busy_timeout) as db:
        db.execute("BEGIN IMMEDIATE")
        try:
            yield db
        except BaseException:
            db.execute("ROLLBACK")
            raise
        db.execute("COMMIT")
