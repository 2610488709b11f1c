"""SQLite store of comment submissions (WAL, durable commits), for the service and the CLI.

Every submission is kept, with a status: `pending` until the writer decides, then `approved`
or `rejected`; obvious spam is kept as `spam` so a false positive can still be approved.
Readers' addresses are never stored: a rate limit counts a client's key
(`pathways.comments.clients`) in `recent_clients`, whose rows are deleted once they are
older than the limit's window.

The schema is versioned with `PRAGMA user_version`: `MIGRATIONS` is the list of steps, and a
database made by an older version is upgraded in place when it is opened.
"""

import os
import secrets
import sqlite3
from contextlib import AbstractContextManager
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

from pathways.comments.model import Comment
from pathways.database import connection, transaction

STATUSES = ("pending", "approved", "rejected", "spam")

# Each step takes the schema from version n to n + 1 (step 1 is the first schema).
MIGRATIONS: tuple[tuple[str, ...], ...] = (
    (
        """CREATE TABLE IF NOT EXISTS submissions (
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
        )""",
        "CREATE INDEX IF NOT EXISTS submissions_by_client ON submissions (client, created_at)",
        "CREATE INDEX IF NOT EXISTS submissions_by_status ON submissions (status, created_at)",
        "CREATE TABLE IF NOT EXISTS settings (name TEXT PRIMARY KEY, value TEXT NOT NULL)",
    ),
    (
        # The form's one-time key: a resubmission of the same form is recognised.
        "ALTER TABLE submissions ADD COLUMN submission_key TEXT",
        "CREATE UNIQUE INDEX submissions_by_key ON submissions (submission_key)"
        " WHERE submission_key IS NOT NULL",
        # The writer's own replies, shown as hers in the thread.
        "ALTER TABLE submissions ADD COLUMN role TEXT",
    ),
    (
        # Rate limits forget: keys live here only as long as the window, and the keys and
        # the salt older versions kept for ever are dropped.
        "CREATE TABLE recent_clients (client TEXT NOT NULL, at TEXT NOT NULL)",
        "CREATE INDEX recent_clients_by_client ON recent_clients (client, at)",
        "UPDATE submissions SET client = ''",
        "DROP INDEX IF EXISTS submissions_by_client",
        "DELETE FROM settings WHERE name = 'client_salt'",
    ),
)
SCHEMA_VERSION = len(MIGRATIONS)


class RateLimited(Exception):
    """The client has sent as many comments as the rate limit allows for now."""


@dataclass(frozen=True)
class Submission:
    comment: Comment
    email: str | None
    status: str
    spam_reason: str | None
    created_at: datetime
    decided_at: datetime | None = None


def migrate(db: sqlite3.Connection) -> int:
    """Bring the schema to `SCHEMA_VERSION`, step by step, in one transaction; returns the
    version the database had. Safe when several processes open the database at once."""
    db.execute("BEGIN IMMEDIATE")
    try:
        version = db.execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMA_VERSION:
            raise sqlite3.DatabaseError(
                f"the comment database has schema version {version}, newer than this"
                f" program's {SCHEMA_VERSION}: update pathways"
            )
        for step in MIGRATIONS[version:]:
            for statement in step:
                db.execute(statement)
        db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        db.execute("COMMIT")
    except BaseException:
        db.execute("ROLLBACK")
        raise
    return version


class CommentStore:
    """Opens a short-lived connection per operation, so it is safe from any thread."""

    def __init__(self, path: Path, *, busy_timeout: float = 5.0) -> None:
        self.path = Path(path)
        self.busy_timeout = busy_timeout
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self._connect() as db:
            db.execute("PRAGMA journal_mode=WAL")
            migrate(db)

    @staticmethod
    def _secret(db: sqlite3.Connection, name: str) -> str:
        db.execute(
            "INSERT OR IGNORE INTO settings (name, value) VALUES (?, ?)",
            (name, secrets.token_hex(32)),
        )
        return db.execute("SELECT value FROM settings WHERE name = ?", (name,)).fetchone()[0]

    def secret(self, name: str) -> str:
        """A random secret made once and kept in the database (e.g. to sign links)."""
        with self._connect() as db:
            return self._secret(db, name)

    def _connect(self) -> AbstractContextManager[sqlite3.Connection]:
        return connection(self.path, self.busy_timeout)

    def _transaction(self) -> AbstractContextManager[sqlite3.Connection]:
        """A write transaction that holds the write lock from its start."""
        return transaction(self.path, self.busy_timeout)

    def add(
        self,
        comment: Comment,
        *,
        client: str = "",
        email: str | None = None,
        status: str = "pending",
        spam_reason: str | None = None,
        key: str | None = None,
        limit: tuple[int, timedelta] | None = None,
    ) -> tuple[Comment, bool]:
        """Store a submission; returns it as stored, and whether it is new.

        In one transaction: a submission whose `key` is already stored is not stored again
        (the first one is returned, not new); with `limit` (count, window), a `client` key
        that reached it gets RateLimited (keys older than the window are deleted); an id
        already taken gets a suffix, so ids are unique. The key is not kept with the comment."""
        with self._transaction() as db:
            if key:
                row = db.execute(
                    "SELECT * FROM submissions WHERE submission_key = ?", (key,)
                ).fetchone()
                if row:
                    return _submission(row).comment, False
            if limit is not None:
                count, window = limit
                now = datetime.now(UTC)
                since = (now - window).isoformat()
                db.execute("DELETE FROM recent_clients WHERE at < ?", (since,))
                recent = db.execute(
                    "SELECT COUNT(*) FROM recent_clients WHERE client = ?", (client,)
                ).fetchone()[0]
                if recent >= count:
                    raise RateLimited
                db.execute("INSERT INTO recent_clients VALUES (?, ?)", (client, now.isoformat()))
            stored = replace(comment, id=_free_id(db, comment.id))
            db.execute(
                "INSERT INTO submissions (id, post_slug, parent_id, author, email, website, body,"
                " created_at, status, spam_reason, client, submission_key, role)"
                " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
                (
                    stored.id,
                    stored.post_slug,
                    stored.parent,
                    stored.author,
                    email,
                    stored.website,
                    stored.body,
                    stored.date.isoformat(),
                    status,
                    spam_reason,
                    "",
                    key or None,
                    stored.role,
                ),
            )
        return stored, True

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
            rows = db.execute(query + " ORDER BY created_at, rowid", arguments).fetchall()
        return [_submission(row) for row in rows]

    def set_status(self, comment_id: str, status: str, *, only_from: str | None = None) -> bool:
        """Change a comment's status; with `only_from`, only if it has that status now
        (a decision made twice changes nothing the second time)."""
        if status not in STATUSES:
            raise ValueError(f"unknown status {status!r}")
        query = "UPDATE submissions SET status = ?, decided_at = ? WHERE id = ?"
        arguments: tuple = (status, datetime.now(UTC).isoformat(timespec="seconds"), comment_id)
        if only_from is not None:
            query += " AND status = ?"
            arguments += (only_from,)
        with self._connect() as db:
            cursor = db.execute(query, arguments)
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


def _free_id(db: sqlite3.Connection, wanted: str) -> str:
    """`wanted`, or `wanted-2`, `wanted-3`… : the first id no submission has."""
    candidate, suffix = wanted, 1
    while db.execute("SELECT 1 FROM submissions WHERE id = ?", (candidate,)).fetchone():
        suffix += 1
        candidate = f"{wanted}-{suffix}"
    return candidate


def _submission(row: sqlite3.Row) -> Submission:
    comment = Comment(
        id=row["id"],
        post_slug=row["post_slug"],
        author=row["author"],
        date=datetime.fromisoformat(row["created_at"]),
        body=row["body"],
        parent=row["parent_id"],
        website=row["website"],
        role=row["role"],
    )
    decided = row["decided_at"]
    return Submission(
        comment=comment,
        email=row["email"],
        status=row["status"],
        spam_reason=row["spam_reason"],
        created_at=comment.date,
        decided_at=datetime.fromisoformat(decided) if decided else None,
    )


def database_path(settings: dict, settings_file: Path) -> Path:
    """`PATHWAYS_COMMENTS_DB`, else the `COMMENTS_DB` setting, relative to the settings file."""
    configured = os.environ.get("PATHWAYS_COMMENTS_DB") or settings["COMMENTS_DB"]
    return (settings_file.resolve().parent / configured).resolve()
