"""The comment service on a real 127.0.0.1 server with a real SQLite store.

Every hostile or broken submission gets the right answer and leaves the store consistent.
"""

import json
import logging
import sqlite3
import time
import urllib.error
import urllib.request
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlencode

import pytest
from aiosmtpd.controller import Controller
from bs4 import BeautifulSoup

from pathways.comments.cli import add_parser
from pathways.comments.logs import JsonLogFormatter
from pathways.comments.service import ServiceConfig, create_app
from pathways.comments.store import CommentStore
from tests.servers import ServiceThread
from tests.sites import build, free_port, post, write_post, write_settings

SITE = "http://site.example"
BODY = "Thank you for writing this. It helped me."


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


opener = urllib.request.build_opener(NoRedirect)


def submit(url: str, fields: dict | None = None, *, raw: bytes | None = None, **headers):
    """POST like a browser's form; returns (status, headers, body text)."""
    form = {"post": "talk", "author": "Ana", "body": BODY, "elapsed": "9000", **(fields or {})}
    data = raw if raw is not None else urlencode(form).encode()
    request = urllib.request.Request(f"{url}/comments", data=data, method="POST")
    request.add_header("Content-Type", "application/x-www-form-urlencoded")
    request.add_header("Origin", SITE)
    for name, value in headers.items():
        request.add_header(name.replace("_", "-"), value)
    try:
        with opener.open(request, timeout=10) as response:
            return response.status, response.headers, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read().decode()


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    """A built site with one open post (with an approved comment) and one closed post."""
    folder = tmp_path_factory.mktemp("commented-site")
    content = folder / "content"
    write_post(content, "talk.md", post("Talk", "2024-01-02 10:00+00:00"))
    write_post(content, "quiet.md", post("Quiet", "2024-01-03 10:00+00:00", comments="closed"))
    approved = content / "comments" / "talk" / "a.md"
    approved.parent.mkdir(parents=True)
    approved.write_text("Author: Bo\nDate: 2024-01-05T10:00:00+00:00\n\nHello.\n")
    assert build(write_settings(folder, content)).returncode == 0
    return folder / "output"


@pytest.fixture
def config(site, tmp_path) -> ServiceConfig:
    return ServiceConfig(
        db_path=tmp_path / "comments.sqlite3",
        site_dir=site,
        site_url=SITE,
        allowed_origins=(SITE,),
        rate_limit=5,
        rate_window=timedelta(minutes=10),
        busy_timeout=0.3,
    )


@pytest.fixture
def service(config):
    with ServiceThread(create_app(config)) as running:
        yield running


def stored(config: ServiceConfig, status: str | None = None) -> list:
    return CommentStore(config.db_path).list(status)


@pytest.mark.build
@pytest.mark.server
def test_a_comment_is_stored_pending_and_the_reader_sent_back(service, config):
    status, headers, _ = submit(
        service.url, {"email": "ana@example.org", "website": "https://ana.example"}
    )
    assert status == 303
    assert headers["Location"] == f"{SITE}/posts/talk/#comment-pending"
    [item] = stored(config, "pending")
    assert (item.comment.author, item.comment.body, item.comment.post_slug) == ("Ana", BODY, "talk")
    assert item.email == "ana@example.org" and item.comment.website == "https://ana.example"


@pytest.mark.build
@pytest.mark.server
def test_with_javascript_the_answer_is_json_for_the_page(service, config):
    status, headers, body = submit(service.url, Accept="application/json")
    assert status == 202
    assert json.loads(body)["message"] == "Thank you! Your comment is awaiting moderation."
    assert headers["Access-Control-Allow-Origin"] == SITE
    assert len(stored(config, "pending")) == 1


@pytest.mark.build
@pytest.mark.server
def test_replies_to_published_and_pending_comments_are_accepted(service, config):
    assert submit(service.url, {"parent": "a"})[0] == 303
    [first] = stored(config)
    assert submit(service.url, {"parent": first.comment.id})[0] == 303
    assert [item.comment.parent for item in stored(config)] == ["a", first.comment.id]


@pytest.mark.build
@pytest.mark.server
@pytest.mark.parametrize(
    ("fields", "status", "message"),
    [
        ({"author": ""}, 422, "Author: required"),
        ({"body": "   "}, 422, "Comment: required"),
        ({"body": "x" * 5001}, 422, "longer than 5000"),
        ({"author": "A" * 81}, 422, "longer than 80"),
        ({"website": "javascript:alert(1)"}, 422, "Website"),
        ({"email": "not an address"}, 422, "Email"),
        ({"parent": "20240101T000000-ffffff"}, 422, "not a comment on this post"),
        ({"parent": "../../etc/passwd"}, 422, "Reply-To"),
        ({"post": "../../etc"}, 404, "no post here"),
        ({"post": "nope"}, 404, "no post here"),
        ({"post": "quiet"}, 403, "closed"),
    ],
)
def test_bad_submissions_are_refused_and_nothing_is_stored(
    service, config, fields, status, message
):
    code, _, body = submit(service.url, fields)
    assert code == status
    assert message in BeautifulSoup(body, "html.parser").get_text()
    assert stored(config, None) == []


@pytest.mark.build
@pytest.mark.server
def test_a_refused_form_comes_back_filled_in_and_escaped(service, config):
    hostile = '<script>alert("x")</script>'
    code, _, body = submit(service.url, {"author": "", "body": hostile + " my words"})
    assert code == 422
    page = BeautifulSoup(body, "html.parser")
    assert page.select_one("textarea[name=body]").get_text() == hostile + " my words"
    assert not page.select("main script") and "<script>alert" not in body


@pytest.mark.build
@pytest.mark.server
def test_hostile_fields_are_stored_as_text_and_never_as_markup(service, config):
    hostile = {
        "author": '<img src=x onerror=alert(1)>"',
        "body": "<script>alert(1)</script> [x](javascript:alert(1))",
        "website": "https://x.example/?q=<script>",
    }
    assert submit(service.url, hostile)[0] == 303
    [item] = stored(config)
    assert item.comment.author == hostile["author"]
    assert item.comment.body == hostile["body"]


@pytest.mark.build
@pytest.mark.server
def test_oversized_request_is_refused(service, config):
    code, _, _ = submit(service.url, {"body": "x" * 100_000})
    assert code == 413
    assert stored(config, None) == []


@pytest.mark.build
@pytest.mark.server
def test_invalid_utf8_is_refused(service, config):
    code, _, body = submit(service.url, raw=b"post=talk&author=%FF%FE&body=hi")
    assert code == 400 and "UTF-8" in body
    code, _, _ = submit(service.url, raw=b"post=talk&author=\xff\xfe&body=hi")
    assert code == 400
    assert stored(config, None) == []


@pytest.mark.build
@pytest.mark.server
def test_other_content_types_are_refused(service):
    request = urllib.request.Request(
        f"{service.url}/comments", data=b"{}", method="POST", headers={"Content-Type": "text/json"}
    )
    with pytest.raises(urllib.error.HTTPError) as error:
        opener.open(request, timeout=10)
    assert error.value.code == 415


@pytest.mark.build
@pytest.mark.server
def test_forms_from_other_origins_are_refused(service, config):
    assert submit(service.url, Origin="https://evil.example")[0] == 403
    assert stored(config, None) == []


@pytest.mark.build
@pytest.mark.server
@pytest.mark.parametrize(
    ("fields", "reason"),
    [
        ({"homepage": "http://spam.example"}, "honeypot"),
        ({"elapsed": "800"}, "too fast"),
        (
            {"body": "buy http://a.example http://b.example www.c.example https://d.example"},
            "links",
        ),
    ],
)
def test_obvious_spam_is_kept_aside_without_telling_the_bot(service, config, fields, reason):
    status, headers, _ = submit(service.url, fields)
    assert status == 303 and headers["Location"].endswith("#comment-pending")
    assert stored(config, "pending") == []
    [item] = stored(config, "spam")
    assert reason in item.spam_reason


@pytest.mark.build
@pytest.mark.server
def test_a_flood_from_one_client_is_rate_limited(service, config):
    answers = [submit(service.url, {"body": f"{BODY} ({n})"})[0] for n in range(7)]
    assert answers == [303] * 5 + [429] * 2
    status, headers, body = submit(service.url, {"body": "keep me"})
    assert status == 429 and int(headers["Retry-After"]) > 0
    assert "keep me" in body
    assert len(stored(config, None)) == 5


@pytest.mark.build
@pytest.mark.server
def test_a_locked_database_answers_503_and_loses_nothing(service, config):
    CommentStore(config.db_path)
    blocker = sqlite3.connect(config.db_path, isolation_level=None)
    blocker.execute("BEGIN EXCLUSIVE")
    try:
        status, headers, body = submit(service.url, {"body": "written while locked"})
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()
    assert status == 503 and headers["Retry-After"]
    assert "written while locked" in body
    assert submit(service.url, {"body": "written after"})[0] == 303
    assert [item.comment.body for item in stored(config)] == ["written after"]
    with sqlite3.connect(config.db_path) as db:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


@pytest.mark.build
@pytest.mark.server
def test_acknowledged_comments_survive_a_restart(config):
    with ServiceThread(create_app(config)) as first:
        assert submit(first.url)[0] == 303
    with (
        ServiceThread(create_app(config)) as second,
        urllib.request.urlopen(f"{second.url}/health", timeout=10) as response,
    ):
        assert json.loads(response.read()) == {"status": "ok"}
    assert len(stored(config, "pending")) == 1


@pytest.mark.build
@pytest.mark.server
def test_reply_page_works_without_javascript(service):
    with urllib.request.urlopen(f"{service.url}/form?post=talk&parent=a", timeout=10) as response:
        page = BeautifulSoup(response.read(), "html.parser")
    assert page.h1.get_text() == "Reply to a comment"
    form = page.select_one("form")
    assert form["action"] == "comments"
    assert form.select_one("input[name=parent]")["value"] == "a"
    assert form.select_one("input[name=post]")["value"] == "talk"


@pytest.mark.build
@pytest.mark.server
def test_the_writer_is_emailed_about_new_comments(site, tmp_path):
    received = []

    class Sink:
        async def handle_DATA(self, server, session, envelope):
            received.append(envelope.content.decode())
            return "250 OK"

    smtp = Controller(Sink(), hostname="127.0.0.1", port=free_port())
    smtp.start()
    try:
        config = ServiceConfig(
            db_path=tmp_path / "c.sqlite3",
            site_dir=site,
            site_url=SITE,
            allowed_origins=(SITE,),
            smtp={"host": "127.0.0.1", "port": smtp.port, "to": "writer@example.org"},
        )
        with ServiceThread(create_app(config)) as running:
            assert submit(running.url)[0] == 303
            deadline = time.monotonic() + 10
            while not received and time.monotonic() < deadline:
                time.sleep(0.05)
    finally:
        smtp.stop()
    [message] = received
    assert "Subject: New comment on Talk" in message
    assert "pathways comments approve" in message and BODY in message
    assert "/moderation/link/" in message


@pytest.mark.build
def test_log_lines_are_json_with_their_fields():
    record = logging.makeLogRecord(
        {"name": "svc", "levelname": "INFO", "msg": "comment stored", "event": "stored", "id": "x"}
    )
    entry = json.loads(JsonLogFormatter().format(record))
    assert entry["message"] == "comment stored"
    assert entry["event"] == "stored" and entry["id"] == "x" and entry["level"] == "info"


def test_the_service_binds_to_localhost_by_default():
    import argparse

    commands = argparse.ArgumentParser().add_subparsers(dest="command")
    parser = add_parser(commands)
    args = parser.parse_args(["serve"])
    assert args.host == "127.0.0.1"


@pytest.mark.build
@pytest.mark.server
def test_service_pages_use_the_built_stylesheet_even_when_renamed(production_site, tmp_path):
    """Guards against the reply page linking `style.css` after production renamed it."""
    siteurl = "https://pathways.example.org"
    config = ServiceConfig(
        db_path=tmp_path / "c.sqlite3", site_dir=production_site, site_url=siteurl
    )
    with (
        ServiceThread(create_app(config)) as running,
        urllib.request.urlopen(f"{running.url}/form?post=ketamine", timeout=10) as response,
    ):
        page = BeautifulSoup(response.read(), "html.parser")
    href = page.select_one("link[rel=stylesheet]")["href"]
    assert (
        href.startswith(f"{siteurl}/theme/css/style.") and href != f"{siteurl}/theme/css/style.css"
    )
    assert (production_site / href.removeprefix(siteurl + "/")).exists()
