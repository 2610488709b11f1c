"""The comment store: schema upgrades in place, unique ids, an atomic rate limit and
one-time keys, on real SQLite files."""

import sqlite3
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta

import pytest

from pathways.comments.clients import ClientKeys
from pathways.comments.model import make_comment
from pathways.comments.store import SCHEMA_VERSION, CommentStore, RateLimited

# The schema as the first version of the store made it (no user_version).
FIRST_SCHEMA = """
CREATE TABLE submissions (
    id TEXT PRIMARY KEY, post_slug TEXT NOT NULL, parent_id TEXT, author TEXT NOT NULL,
    email TEXT, website TEXT, body TEXT NOT NULL, created_at TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'rejected', 'spam')),
    spam_reason TEXT, client TEXT NOT NULL, decided_at TEXT
);
CREATE INDEX submissions_by_client ON submissions (client, created_at);
CREATE INDEX submissions_by_status ON submissions (status, created_at);
CREATE TABLE settings (name TEXT PRIMARY KEY, value TEXT NOT NULL);
INSERT INTO settings VALUES ('client_salt', 'old-salt');
INSERT INTO submissions VALUES ('c1', 'talk', NULL, 'Ana', 'ana@example.org', NULL,
    'Kept across the upgrade.', '2024-01-02T10:00:00+00:00', 'pending', NULL, 'k', NULL);
"""


def comment(body: str = "Hello.", comment_id: str | None = None):
    return make_comment(post_slug="talk", author="Ana", body=body, comment_id=comment_id)


def test_a_database_of_the_first_schema_is_upgraded_in_place(tmp_path):
    path = tmp_path / "comments.sqlite3"
    with sqlite3.connect(path) as db:
        db.executescript(FIRST_SCHEMA)
    store = CommentStore(path)
    [old] = store.list("pending")
    assert (old.comment.id, old.comment.body, old.email) == (
        "c1",
        "Kept across the upgrade.",
        "ana@example.org",
    )
    new, created = store.add(comment("After."), client="k", key="form:abc")
    assert created and store.add(comment("After."), client="k", key="form:abc") == (new, False)
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        # The upgrade drops what could tell who wrote: the old keys and the salt beside them.
        assert db.execute("SELECT DISTINCT client FROM submissions").fetchall() == [("",)]
        assert db.execute("SELECT * FROM settings WHERE name = 'client_salt'").fetchall() == []
    CommentStore(path)  # opening an up-to-date database again changes nothing
    assert len(store.list(None)) == 2


def test_rate_limit_keys_are_kept_for_the_window_only_and_never_with_the_comment(tmp_path):
    path = tmp_path / "c.sqlite3"
    store = CommentStore(path)
    window = timedelta(minutes=10)
    store.add(comment("one"), client="key-1", limit=(5, window))
    with sqlite3.connect(path) as db:
        assert db.execute("SELECT client FROM submissions").fetchall() == [("",)]
        assert db.execute("SELECT client FROM recent_clients").fetchall() == [("key-1",)]
        # An hour later (the row made older), the next submission forgets it.
        db.execute("UPDATE recent_clients SET at = '2000-01-01T00:00:00+00:00'")
    store.add(comment("two"), client="key-2", limit=(5, window))
    with sqlite3.connect(path) as db:
        assert db.execute("SELECT client FROM recent_clients").fetchall() == [("key-2",)]


def test_the_key_salt_changes_each_day_and_is_never_written(tmp_path):
    keys = ClientKeys()
    monday, tuesday = date(2026, 1, 5), date(2026, 1, 6)
    first = keys.key("203.0.113.7", monday)
    assert keys.key("203.0.113.7", monday) == first
    assert keys.key("203.0.113.7", tuesday) != first
    assert keys.key("203.0.113.7", monday) != first  # the old salt is gone
    assert ClientKeys().key("203.0.113.7", monday) != first  # not derived from anything kept


def test_a_database_newer_than_the_program_is_refused(tmp_path):
    path = tmp_path / "comments.sqlite3"
    CommentStore(path)
    with sqlite3.connect(path) as db:
        db.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    with pytest.raises(sqlite3.DatabaseError, match="update pathways"):
        CommentStore(path)


def test_an_id_already_taken_is_made_unique(tmp_path):
    store = CommentStore(tmp_path / "c.sqlite3")
    first, _ = store.add(comment("one", "same"), client="a")
    second, _ = store.add(comment("two", "same"), client="b")
    third, _ = store.add(comment("three", "same"), client="c")
    assert [first.id, second.id, third.id] == ["same", "same-2", "same-3"]
    assert [s.comment.body for s in store.list()] == ["one", "two", "three"]


def test_the_rate_limit_is_counted_and_kept_in_one_step(tmp_path):
    stores = [CommentStore(tmp_path / "c.sqlite3") for _ in range(2)]

    def add(n: int) -> bool:
        try:
            stores[n % 2].add(
                comment(f"flood {n}"), client="same", limit=(5, timedelta(minutes=10))
            )
        except RateLimited:
            return False
        return True

    with ThreadPoolExecutor(16) as pool:
        results = list(pool.map(add, range(40)))
    assert results.count(True) == 5
    assert len(stores[0].list(None)) == 5
