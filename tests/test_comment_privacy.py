"""Nothing the comment service writes (database, log, e-mail) or answers holds a reader's
network address or user agent, and the moderation token never shows in its log."""

import http.client
import sqlite3
import time
from urllib.parse import urlencode, urlsplit

import pytest

from tests.comment_helpers import running_service
from tests.servers import mail_server
from tests.sites import build, post, write_post, write_settings

SITE = "https://blog.example.org"
READER_ADDRESS = "127.0.0.2"
READER_AGENT = "Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0 Zq7Marker"
TOKEN = "token-that-must-never-be-logged-4242"
WRONG_TOKEN = "wrong-token-that-must-never-be-logged-1313"


def request(url: str, method: str, path: str, body: str = "", **headers) -> str:
    """A request from the reader's own address, as text (status, headers and body)."""
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(
        parts.hostname, parts.port, timeout=10, source_address=(READER_ADDRESS, 0)
    )
    headers = {"User-Agent": READER_AGENT, "Origin": SITE, **headers}
    connection.request(method, path, body=body.encode() or None, headers=headers)
    response = connection.getresponse()
    text = f"{response.status}\n{response.headers}\n{response.read().decode()}"
    connection.close()
    return text


@pytest.mark.build
@pytest.mark.server
def test_no_address_user_agent_or_token_is_kept(tmp_path):
    content = tmp_path / "content"
    write_post(content, "talk.md", post("Talk", "2024-01-02 10:00+00:00"))
    with mail_server() as mailbox:
        database = tmp_path / "state" / "comments.sqlite3"
        settings = write_settings(
            tmp_path,
            content,
            publish=True,
            SITEURL=SITE,
            COMMENTS_ENDPOINT=f"{SITE}/api",
            COMMENTS_DB=str(database),
            COMMENTS_MIN_SECONDS=0,
            COMMENTS_SMTP={"host": "127.0.0.1", "port": mailbox.port, "to": "writer@example.org"},
            SEARCH_INDEX=False,
            POPULAR_POSTS_BEACON=True,
        )
        assert build(settings).returncode == 0
        log = tmp_path / "service.log"
        answers = []
        with (
            log.open("w") as log_file,
            running_service(
                settings, None, log=log_file, env={"PATHWAYS_MODERATION_TOKEN": TOKEN}
            ) as url,
        ):
            form = {"post": "talk", "author": "Ana", "body": "Private, please.", "elapsed": "9000"}
            answers += [
                request(url, "POST", "/views", "/posts/talk/", **{"Content-Type": "text/plain"}),
                request(
                    url,
                    "POST",
                    "/comments",
                    urlencode(form),
                    **{"Content-Type": "application/x-www-form-urlencoded"},
                ),
                request(url, "GET", "/form?post=talk"),
                request(url, "GET", "/health"),
                request(url, "GET", "/nothing-here"),
                request(
                    url, "GET", "/moderation/api/comments", Authorization=f"Bearer {WRONG_TOKEN}"
                ),
                request(url, "GET", "/moderation/api/comments", Authorization=f"Bearer {TOKEN}"),
                request(url, "GET", "/views.csv", Authorization=f"Bearer {TOKEN}"),
            ]
            deadline = time.monotonic() + 10
            while not mailbox.messages and time.monotonic() < deadline:
                time.sleep(0.05)
    assert "202" in answers[1].split("\n")[0] or answers[1].startswith("303")
    assert "/posts/talk,20" in answers[-1]
    assert len(mailbox.messages) == 1
    stored = b"".join(path.read_bytes() for path in database.parent.glob("comments.sqlite3*"))
    assert b"Private, please." in stored
    written = {
        "database": stored.decode("utf-8", "replace"),
        "log": log.read_text(),
        "e-mail": mailbox.messages[0],
        "answers": "\n".join(answers),
    }
    assert '"event": "stored"' in written["log"]
    for where, text in written.items():
        assert READER_ADDRESS not in text, where
        assert "Zq7Marker" not in text, where
    for secret in (TOKEN, WRONG_TOKEN):
        assert secret not in written["log"]
        assert secret not in written["answers"]
    # Nothing kept could be matched against every address: no key beside the comment, and
    # no salt in the database (the key's salt lives in the service's memory, for a day).
    with sqlite3.connect(database) as db:
        assert db.execute("SELECT DISTINCT client FROM submissions").fetchall() == [("",)]
        names = [row[0] for row in db.execute("SELECT name FROM settings")]
    assert "client_salt" not in names
