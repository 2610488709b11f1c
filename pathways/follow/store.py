"""The followers' part of the service's SQLite database: subscribers, posts seen, the outbox.

Nothing about a reader is kept but the address and the dates of consent (asked, confirmation
sent, confirmed). Unsubscribing deletes the address and what was still to be sent to it; an
unconfirmed address is forgotten when its link has expired.

Every post the service has seen is kept by its identity, whatever its address, so it is never
queued again. Queuing a post puts one row per confirmed subscriber into the outbox in the same
transaction; a row leaves the queue only when the mail provider has accepted its message, so a
service stopped at any moment repeats at most the message it was sending.
"""

import json
import sqlite3
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from pathways.database import connection, transaction

SCHEMA = (
    "CREATE TABLE IF NOT EXISTS follow_state (name TEXT PRIMARY KEY, value TEXT NOT NULL)",
    """CREATE TABLE IF NOT EXISTS follow_subscribers (
        id INTEGER PRIMARY KEY,
        address TEXT NOT NULL UNIQUE COLLATE NOCASE,
        status TEXT NOT NULL CHECK (status IN ('pending', 'confirmed')),
        asked_at TEXT NOT NULL,
        confirmation_sent_at TEXT,
        confirmed_at TEXT
    )""",
    """CREATE TABLE IF NOT EXISTS follow_posts (
        id TEXT PRIMARY KEY,
        url TEXT NOT NULL,
        seen_at TEXT NOT NULL,
        fate TEXT NOT NULL,
        message TEXT
    )""",
    "CREATE INDEX IF NOT EXISTS follow_posts_by_url ON follow_posts (url)",
    """CREATE TABLE IF NOT EXISTS follow_outbox (
        post_id TEXT NOT NULL,
        subscriber_id INTEGER NOT NULL,
        state TEXT NOT NULL CHECK (state IN ('queued', 'sent', 'failed')),
        updated_at TEXT NOT NULL,
        error TEXT,
        PRIMARY KEY (post_id, subscriber_id)
    )""",
    "CREATE INDEX IF NOT EXISTS follow_outbox_queue ON follow_outbox (state)",
)
# Why a post seen by the service is not (or is) sent.
FATES = {
    "existing": "there when following was turned on",
    "old": "dated too long before it appeared (an imported post)",
    "kept": "kept from e-mail by its metadata",
    "moved": "a post already seen, at a new identity but its old address",
    "queued": "sent to the confirmed subscribers",
}
DAY = timedelta(days=1)


def now_text(now: datetime | None = None) -> str:
    return (now or datetime.now(UTC)).isoformat(timespec="seconds")


@dataclass(frozen=True)
class Delivery:
    """One message in the outbox: the post's message, to one subscriber."""

    rowid: int
    post_id: str
    subscriber_id: int
    address: str
    message: dict[str, Any]


class FollowStore:
    """Opens a short-lived connection per operation, so it is safe from any thread."""

    def __init__(self, path: Path, *, busy_timeout: float = 5.0) -> None:
        self.path = Path(path)
        self.busy_timeout = busy_timeout
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self._transaction() as db:
            for statement in SCHEMA:
                db.execute(statement)

    def _connect(self) -> AbstractContextManager[sqlite3.Connection]:
        return connection(self.path, self.busy_timeout)

    def _transaction(self) -> AbstractContextManager[sqlite3.Connection]:
        return transaction(self.path, self.busy_timeout)

    # Subscribers

    def ask(self, address: str, *, hourly_cap: int, now: datetime | None = None) -> str | None:
        """A reader asked to follow with `address`: "send" when a confirmation is to be sent
        now, "busy" when too many were sent this hour, None when nothing is to be sent (the
        address is confirmed, or had a confirmation less than a day ago)."""
        now = now or datetime.now(UTC)
        with self._transaction() as db:
            recent = db.execute(
                "SELECT COUNT(*) FROM follow_subscribers WHERE confirmation_sent_at >= ?",
                (now_text(now - timedelta(hours=1)),),
            ).fetchone()[0]
            if recent >= hourly_cap:
                return "busy"
            row = db.execute(
                "SELECT status, confirmation_sent_at FROM follow_subscribers WHERE address = ?",
                (address,),
            ).fetchone()
            if row is None:
                db.execute(
                    "INSERT INTO follow_subscribers (address, status, asked_at,"
                    " confirmation_sent_at) VALUES (?, 'pending', ?, ?)",
                    (address, now_text(now), now_text(now)),
                )
                return "send"
            sent = row["confirmation_sent_at"]
            if row["status"] == "confirmed" or (sent and sent > now_text(now - DAY)):
                return None
            db.execute(
                "UPDATE follow_subscribers SET asked_at = ?, confirmation_sent_at = ?"
                " WHERE address = ?",
                (now_text(now), now_text(now), address),
            )
            return "send"

    def confirmation_failed(self, address: str) -> None:
        """The confirmation could not be sent: the reader may ask again at once."""
        with self._connect() as db:
            db.execute(
                "UPDATE follow_subscribers SET confirmation_sent_at = NULL"
                " WHERE address = ? AND status = 'pending'",
                (address,),
            )

    def confirm(self, address: str, now: datetime | None = None) -> bool:
        """Confirm a pending address (a confirmed one stays as it is); False if unknown."""
        with self._connect() as db:
            db.execute(
                "UPDATE follow_subscribers SET status = 'confirmed', confirmed_at = ?"
                " WHERE address = ? AND status = 'pending'",
                (now_text(now), address),
            )
            found = db.execute(
                "SELECT 1 FROM follow_subscribers WHERE address = ?", (address,)
            ).fetchone()
        return found is not None

    def remove(self, address: str) -> bool:
        """Forget an address and whatever was still to be sent to it."""
        with self._transaction() as db:
            row = db.execute(
                "SELECT id FROM follow_subscribers WHERE address = ?", (address,)
            ).fetchone()
            if row is None:
                return False
            db.execute("DELETE FROM follow_outbox WHERE subscriber_id = ?", (row["id"],))
            db.execute("DELETE FROM follow_subscribers WHERE id = ?", (row["id"],))
        return True

    def add_confirmed(self, addresses: list[tuple[str, str]]) -> tuple[int, int]:
        """Subscribers who confirmed elsewhere (address, date of consent), in one
        transaction; returns how many were added and how many were here already."""
        added = 0
        with self._transaction() as db:
            for address, confirmed_at in addresses:
                cursor = db.execute(
                    "INSERT INTO follow_subscribers (address, status, asked_at, confirmed_at)"
                    " VALUES (?, 'confirmed', ?, ?)"
                    " ON CONFLICT (address) DO UPDATE SET status = 'confirmed',"
                    " confirmed_at = excluded.confirmed_at WHERE status = 'pending'",
                    (address, confirmed_at, confirmed_at),
                )
                added += cursor.rowcount
        return added, len(addresses) - added

    def subscribers(self, status: str | None = None) -> list[dict[str, Any]]:
        query = "SELECT address, status, asked_at, confirmed_at FROM follow_subscribers"
        arguments: tuple = ()
        if status:
            query += " WHERE status = ?"
            arguments = (status,)
        with self._connect() as db:
            rows = db.execute(query + " ORDER BY id", arguments).fetchall()
        return [dict(row) for row in rows]

    def forget_unconfirmed(self, days: int, now: datetime | None = None) -> int:
        """Delete addresses never confirmed whose link has expired."""
        before = now_text((now or datetime.now(UTC)) - timedelta(days=days) - DAY)
        with self._connect() as db:
            cursor = db.execute(
                "DELETE FROM follow_subscribers WHERE status = 'pending' AND asked_at < ?",
                (before,),
            )
        return cursor.rowcount

    # Posts and the outbox

    def state(self, name: str) -> str | None:
        with self._connect() as db:
            row = db.execute("SELECT value FROM follow_state WHERE name = ?", (name,)).fetchone()
        return row[0] if row else None

    def set_state(self, name: str, value: str) -> None:
        with self._connect() as db:
            db.execute(
                "INSERT INTO follow_state (name, value) VALUES (?, ?)"
                " ON CONFLICT (name) DO UPDATE SET value = excluded.value",
                (name, value),
            )

    def seen(self) -> tuple[set[str], set[str]]:
        """The identities and addresses of every post the service has seen."""
        with self._connect() as db:
            rows = db.execute("SELECT id, url FROM follow_posts").fetchall()
        return {row["id"] for row in rows}, {row["url"] for row in rows}

    def record(self, posts: list[tuple[str, str, str]], now: datetime | None = None) -> None:
        """Posts seen and not sent: (identity, address, fate)."""
        with self._connect() as db:
            db.executemany(
                "INSERT OR IGNORE INTO follow_posts (id, url, seen_at, fate) VALUES (?, ?, ?, ?)",
                [(identity, url, now_text(now), fate) for identity, url, fate in posts],
            )

    def queue(self, identity: str, url: str, message: dict[str, Any]) -> int:
        """Queue a new post for every confirmed subscriber, once: returns how many messages
        were queued (0 when the post was seen before)."""
        stamp = now_text()
        with self._transaction() as db:
            cursor = db.execute(
                "INSERT OR IGNORE INTO follow_posts (id, url, seen_at, fate, message)"
                " VALUES (?, ?, ?, 'queued', ?)",
                (identity, url, stamp, json.dumps(message)),
            )
            if cursor.rowcount == 0:
                return 0
            cursor = db.execute(
                "INSERT INTO follow_outbox (post_id, subscriber_id, state, updated_at)"
                " SELECT ?, id, 'queued', ? FROM follow_subscribers"
                " WHERE status = 'confirmed' ORDER BY id",
                (identity, stamp),
            )
        return cursor.rowcount

    def next_deliveries(self, limit: int) -> list[Delivery]:
        """The oldest queued messages, in the order they were queued."""
        with self._connect() as db:
            rows = db.execute(
                "SELECT o.rowid, o.post_id, o.subscriber_id, s.address, p.message"
                " FROM follow_outbox o JOIN follow_subscribers s ON s.id = o.subscriber_id"
                " JOIN follow_posts p ON p.id = o.post_id"
                " WHERE o.state = 'queued' ORDER BY o.rowid LIMIT ?",
                (limit,),
            ).fetchall()
        return [Delivery(row[0], row[1], row[2], row[3], json.loads(row[4])) for row in rows]

    def delivered(self, delivery: Delivery, error: str | None = None) -> None:
        """A message the provider accepted (or refused for good, with `error`)."""
        with self._connect() as db:
            db.execute(
                "UPDATE follow_outbox SET state = ?, updated_at = ?, error = ? WHERE rowid = ?",
                ("failed" if error else "sent", now_text(), error, delivery.rowid),
            )

    def outbox_counts(self) -> dict[str, int]:
        with self._connect() as db:
            rows = db.execute("SELECT state, COUNT(*) FROM follow_outbox GROUP BY state").fetchall()
        return {row[0]: row[1] for row in rows}
