"""Daily view counts per post path, kept by the comment service's cookieless view beacon.

Only the path, the day and a count are stored: no address, no user agent, no cookie. The
writer exports them as a plain `path,date,views` CSV, one of the Popular Posts sources.
"""

import csv
import sqlite3
from datetime import date
from pathlib import Path
from typing import TextIO

SCHEMA = """
CREATE TABLE IF NOT EXISTS daily_views (
    path TEXT NOT NULL,
    day TEXT NOT NULL,
    views INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (path, day)
);
"""


class ViewStore:
    def __init__(self, path: Path, *, busy_timeout: float = 5.0) -> None:
        self.path = Path(path)
        self.busy_timeout = busy_timeout
        with self._connect() as db:
            db.execute("PRAGMA journal_mode=WAL")
            db.executescript(SCHEMA)

    def _connect(self) -> sqlite3.Connection:
        return sqlite3.connect(self.path, timeout=self.busy_timeout, isolation_level=None)

    def add(self, path: str, day: date) -> None:
        db = self._connect()
        try:
            db.execute(
                "INSERT INTO daily_views (path, day, views) VALUES (?, ?, 1)"
                " ON CONFLICT (path, day) DO UPDATE SET views = views + 1",
                (path, day.isoformat()),
            )
        finally:
            db.close()

    def rows(self) -> list[tuple[str, str, int]]:
        db = self._connect()
        try:
            return db.execute(
                "SELECT path, day, views FROM daily_views ORDER BY day, path"
            ).fetchall()
        finally:
            db.close()

    def export_csv(self, stream: TextIO) -> int:
        """Write `path,date,views` rows; returns how many."""
        writer = csv.writer(stream, lineterminator="\n")
        writer.writerow(["path", "date", "views"])
        rows = self.rows()
        writer.writerows(rows)
        return len(rows)
