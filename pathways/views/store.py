"""Daily view counts per post path (local days of the blog's time zone), kept by the comment
service's cookieless view beacon.

Only the path, the day and a count are stored: no address, no user agent, no cookie. The
writer exports them as a plain `path,date,views` CSV, one of the Popular Posts sources.
"""

import csv
from datetime import date
from pathlib import Path
from typing import TextIO

from pathways.database import connection

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
        with connection(self.path, self.busy_timeout) as db:
            db.execute("PRAGMA journal_mode=WAL")
            db.executescript(SCHEMA)

    def add(self, path: str, day: date) -> None:
        with connection(self.path, self.busy_timeout) as db:
            db.execute(
                "INSERT INTO daily_views (path, day, views) VALUES (?, ?, 1)"
                " ON CONFLICT (path, day) DO UPDATE SET views = views + 1",
                (path, day.isoformat()),
            )

    def rows(self) -> list[tuple[str, str, int]]:
        with connection(self.path, self.busy_timeout) as db:
            query = "SELECT path, day, views FROM daily_views ORDER BY day, path"
            return [tuple(row) for row in db.execute(query)]

    def export_csv(self, stream: TextIO) -> int:
        """Write `path,date,views` rows; returns how many."""
        writer = csv.writer(stream, lineterminator="\n")
        writer.writerow(["path", "date", "views"])
        rows = self.rows()
        writer.writerows(rows)
        return len(rows)
