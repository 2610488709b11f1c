"""SQLite store of comment submissions (WAL, durable commits), for the service and the CLI.

Every submission is kept, with a status: `pending` until the writer decides, then `approved`
or `rejected`; obvious spam is kept as `spam` so a false positive can still be approved.
Readers' addresses are never stored: a client is a salted hash, used only for rate limits.
"""

import hashlib
import secrets
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from pathways.comments.model import Comment

STATUSES = ("pending", "approved", "rejected", "spam")
SCHEMA = """
CREATE TABLE IF NOT EXISTS submissions (
    id TEXT PRIMARY KEY,
    post_slug TEXT NOT NULL,
    parent_id TEXT,
    author TEXT NOT NULL,
    email TEXT,
    website TEXT,
    body TEXT NOT NULL,
    created_at TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'rejected', 'spam')),
    spam_reason TEXT,
    client TEXT NOT NULL,
    decided_at TEXT
);
CREATE INDEX IF NOT EXISTS submissions_by_client ON submissions (client, created_at);
CREATE INDEX IF NOT EXISTS submissions_by_status ON submissions (status, created_at);
CREATE TABLE IF NOT EXISTS settings (name TEXT PRIMARY KEY, value TEXT NOT NULL);
"""


@dataclass(frozen=True)
class Submission:
    comment: Comment
    email: str | None
    status: str
    spam_reason: str | None
    created_at: datetime


class CommentStore:
    """Opens a short-lived connection per operation, so it is safe from any thread."""

    def __init__(self, path: Path, *, busy_timeout: float = 5.0) -> None:
        self.path = Path(path)
        self.busy_timeout = busy_timeout
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self._connect() as db:
            db.execute("PRAGMA journal_mode=WAL")
            db.executescript(SCHEMA)
            db.execute(
                "INSERT OR IGNORE INTO settings (name, value) VALUES ('client_salt', ?)",
                (secrets.token_hex(16),),
            )
            self._salt = db.execute(
                "SELECT value FROM settings WHERE name = 'client_salt'"
            ).fetchone()[0]

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        db = sqlite3.connect(self.path, timeout=self.busy_timeout, isolation_level=None)
        try:
            db.execute("PRAGMA synchronous=FULL")
            db.row_factory = sqlite3.Row
            yield db
        finally:
            db.close()

    def client_key(self, address: str) -> str:
        """A salted hash of a client's address: enough to rate-limit, useless to identify."""
        return hashlib.sha256(f"{self._salt}:{address}".encode()).hexdigest()[:24]

    def add(
        self,
        comment: Comment,
        *,
        client: str,
        email: str | None = None,
        status: str = "pending",
        spam_reason: str | None = None,
    ) -> None:
        with self._connect() as db:
            db.execute(
                "INSERT INTO submissions (id, post_slug, parent_id, author, email, website, body,"
                " created_at, status, spam_reason, client) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                (
                    comment.id,
                    comment.post_slug,
                    comment.parent,
                    comment.author,
                    email,
                    comment.website,
                    comment.body,
                    comment.date.isoformat(),
                    status,
                    spam_reason,
                    client,
                ),
            )

    def recent_count(self, client: str, window: timedelta, now: datetime | None = None) -> int:
        since = ((now or datetime.now(UTC)) - window).isoformat()
        with self._connect() as db:
            row = db.execute(
                "SELECT COUNT(*) FROM submissions WHERE client = ? AND created_at >= ?",
                (client, since),
            ).fetchone()
        return row[0]

    def ids_for_post(self, post_slug: str) -> set[str]:
        """Ids of comments submitted on a post and not rejected (possible reply targets)."""
        with self._connect() as db:
            rows = db.execute(
                "SELECT id FROM submissions"
                " WHERE post_slug = ? AND status IN ('pending', 'approved')",
                (post_slug,),
            ).fetchall()
        return {row[0] for row in rows}

    def get(self, comment_id: str) -> Submission | None:
        with self._connect() as db:
            row = db.execute("SELECT * FROM submissions WHERE id = ?", (comment_id,)).fetchone()
        return _submission(row) if row else None

    def list(self, status: str | None = "pending") -> list[Submission]:
        query = "SELECT * FROM submissions"
        arguments: tuple = ()
        if status is not None:
            query += " WHERE status = ?"
            arguments = (status,)
        with self._connect() as db:
            rows = db.execute(query + " ORDER BY created_at, id", arguments).fetchall()
        return [_submission(row) for row in rows]

    def set_status(self, comment_id: str, status: str) -> bool:
        if status not in STATUSES:
            raise ValueError(f"unknown status {status!r}")
        with self._connect() as db:
            cursor = db.execute(
                "UPDATE submissions SET status = ?, decided_at = ? WHERE id = ?",
                (status, datetime.now(UTC).isoformat(), comment_id),
            )
        return cursor.rowcount == 1

    def delete(self, comment_id: str) -> bool:
        with self._connect() as db:
            cursor = db.execute("DELETE FROM submissions WHERE id = ?", (comment_id,))
        return cursor.rowcount == 1

    def count(self, status: str) -> int:
        with self._connect() as db:
            return db.execute(
                "SELECT COUNT(*) FROM submissions WHERE status = ?", (status,)
            ).fetchone()[0]


def _submission(row: sqlite3.Row) -> Submission:
    comment = Comment(
        id=row["id"],
        post_slug=row["post_slug"],
        author=row["author"],
        date=datetime.fromisoformat(row["created_at"]),
        body=row["body"],
        parent=row["parent_id"],
        website=row["website"],
    )
    return Submission(
        comment=comment,
        email=row["email"],
        status=row["status"],
        spam_reason=row["spam_reason"],
        created_at=comment.date,
    )
