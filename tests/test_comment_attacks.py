"""Attacks on the comment service that once got through, each run against a real service:
terminal escapes, a form key reused, broken link times, token guessing, the view beacon,
signed links from other sites, a spoofed notification, slow and aborted requests, SIGTERM."""

import json
import socket
import sqlite3
import time
import urllib.error
import urllib.request
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import pytest
from bs4 import BeautifulSoup

from pathways.comments.moderation import Failures
from pathways.comments.service import CommentService, ServiceConfig, create_app
from pathways.comments.store import CommentStore
from pathways.terminal import inert
from tests.comment_helpers import running_service
from tests.servers import ServiceThread, mail_server
from tests.sites import ROOT, run_pathways
from tests.test_comment_moderation import TOKEN, call
from tests.test_comment_service import SITE, site, submit  # noqa: F401 (the fixture)

ESCAPES = (
    "\x1b]0;owned\x07\x1b[2J\x1b]8;;https://evil.example\x1b\\link\x1b]52;c;ZXZpbA==\x07\x9b31m"
)


@pytest.fixture
def config(site, tmp_path) -> ServiceConfig:  # noqa: F811
    return ServiceConfig(
        db_path=tmp_path / "comments.sqlite3",
        site_dir=site,
        site_url=SITE,
        allowed_origins=(SITE,),
        rate_limit=50,
        rate_window=timedelta(minutes=10),
        moderation_token=TOKEN,
        public_url="http://127.0.0.1",
    )


def test_inert_shows_every_control_and_direction_mark_as_an_escape():
    shown = inert("Ana" + ESCAPES + "\u202egnp.exe")
    assert not any(ord(c) < 32 or 0x7F <= ord(c) <= 0x9F or c == "\u202e" for c in shown)
    assert shown.startswith("Ana\\x1b]0;owned\\x07") and "\\u202egnp.exe" in shown


@pytest.mark.build
@pytest.mark.server
def test_the_service_refuses_an_email_with_control_characters(config):
    with ServiceThread(create_app(config)) as service:
        for address in ("a\x1b[2J@example.org", "a@exa\x07mple.org", "a\x9b@example.org"):
            status, _, _ = submit(service.url, {"email": address}, Accept="application/json")
            assert status == 422, repr(address)
    assert CommentStore(config.db_path).list(None) == []


@pytest.mark.build
@pytest.mark.server
def test_comments_list_prints_a_readers_terminal_escapes_inert(tmp_path, production_site):
    """A database written before e-mails were checked (or by anyone with the file): neither
    the local nor the remote listing lets a sequence reach the terminal."""
    settings = tmp_path / "server" / "site.py"
    settings.parent.mkdir()
    database = tmp_path / "server" / "comments.sqlite3"
    settings.write_text(
        f"from publishconf import *\nPATH = {str(ROOT / 'content')!r}\n"
        f"COMMENTS_DB = {str(database)!r}\n"
        f"COMMENTS_TOKEN_FILE = {str(tmp_path / 'none')!r}\n"
    )
    CommentStore(database)
    with sqlite3.connect(database) as db:
        db.execute(
            "INSERT INTO submissions (id, post_slug, author, email, website, body, created_at,"
            " status, client) VALUES (?,?,?,?,?,?,?,?,?)",
            (
                "c1",
                "talk",
                "Ana" + ESCAPES,
                "x" + ESCAPES + "@example.org",
                None,
                "Hello" + ESCAPES,
                "2024-01-02T10:00:00+00:00",
                "pending",
                "",
            ),
        )
    local = run_pathways("comments", "--settings", str(settings), "list", "--local")
    env = {"PATHWAYS_MODERATION_TOKEN": TOKEN}
    with running_service(settings, production_site, env=env) as url:
        laptop = tmp_path / "laptop" / "site.py"
        laptop.parent.mkdir()
        laptop.write_text(
            f"from publishconf import *\nPATH = {str(ROOT / 'content')!r}\n"
            f"COMMENTS_ENDPOINT = {url!r}\n"
        )
        remote = run_pathways("comments", "--settings", str(laptop), "list", env=env)
    for result in (local, remote):
        assert result.returncode == 0, result.stderr
        assert "Ana\\x1b]0;owned\\x07" in result.stdout
        assert not any(c in result.stdout for c in "\x1b\x07\x9b"), result.stdout


@pytest.mark.build
@pytest.mark.server
def test_a_form_key_sent_again_with_other_text_is_stored_and_202_means_stored(config):
    with ServiceThread(create_app(config)) as service:
        first = submit(
            service.url, {"key": "k1", "body": "First words."}, Accept="application/json"
        )
        other = submit(
            service.url,
            {"key": "k1", "body": "Other words.", "author": "Bo"},
            Accept="application/json",
            X_Forwarded_For="203.0.113.9",
        )
        again = submit(
            service.url, {"key": "k1", "body": "First words."}, Accept="application/json"
        )
    assert [first[0], other[0], again[0]] == [202, 202, 202]
    bodies = sorted(s.comment.body for s in CommentStore(config.db_path).list(None))
    assert bodies == ["First words.", "Other words."]


@pytest.mark.build
@pytest.mark.server
def test_a_link_with_a_broken_expiry_is_not_valid_and_never_a_500(config):
    with ServiceThread(create_app(config)) as service:
        for expires in ("%C2%B2", "9" * 5000, "-1", "1e9", ""):
            status, body = call(
                f"{service.url}/moderation/link/x?expires={expires}&signature=y", token=None
            )
            assert status == 404 and "not valid" in body, expires[:20]


def test_a_lockout_is_not_wiped_by_many_addresses_and_holds_in_total():
    failures = Failures((3, 600), total=50, clients=5)
    for _ in range(3):
        failures.add("locked")
    assert failures.blocked("locked")
    for number in range(40):  # the table fills up; the locked client stays counted
        failures.add(f"address-{number}")
    assert failures.blocked("locked") and not failures.blocked("address-1")
    for number in range(40, 50):
        failures.add(f"address-{number}")
    assert failures.blocked("someone-new")  # 50 wrong tokens in the window: all wait


@pytest.mark.build
@pytest.mark.server
def test_a_locked_address_still_gets_in_with_the_right_token(config):
    with ServiceThread(create_app(config)) as service:
        api = f"{service.url}/moderation/api/comments"
        answers = [call(api, token=f"guess-{n}")[0] for n in range(11)]
        assert answers == [401] * 10 + [429]
        assert call(api, token=TOKEN)[0] == 200
        assert call(api, token="guess-again")[0] == 429


@pytest.mark.build
@pytest.mark.server
def test_the_beacon_is_there_only_when_the_site_sends_it_and_counts_only_its_pages(config):
    browser = "Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0"

    def view(url: str, **headers) -> int:
        request = urllib.request.Request(f"{url}/views", data=b"/posts/talk/", method="POST")
        request.add_header("Content-Type", "text/plain")
        request.add_header("User-Agent", browser)
        for name, value in headers.items():
            request.add_header(name, value)
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return response.status
        except urllib.error.HTTPError as error:
            return error.code

    with ServiceThread(create_app(config)) as service:
        assert view(service.url, Origin=SITE) == 404
        assert call(f"{service.url}/views.csv", token=TOKEN)[0] == 404
    config.beacon = True
    with ServiceThread(create_app(config)) as service:
        assert view(service.url) == 204  # no Origin: not from the blog's pages
        assert view(service.url, Origin="https://elsewhere.example") == 204
        assert call(f"{service.url}/views.csv", token=None)[0] == 401
        assert call(f"{service.url}/views.csv", token=TOKEN)[1].strip() == "path,date,views"
        assert view(service.url, Origin=SITE) == 204
        status, exported = call(f"{service.url}/views.csv", token=TOKEN)
    assert status == 200 and exported.strip().splitlines()[1].startswith("/posts/talk,")


def link_for(service: CommentService, comment_id: str) -> tuple[str, dict]:
    link = urlsplit(service.moderation_link(comment_id))
    return link.path, dict(pair.split("=") for pair in link.query.split("&"))


@pytest.mark.build
@pytest.mark.server
def test_a_signed_link_refuses_other_sites_and_comments_held_as_spam(config):
    service = CommentService(config)
    with ServiceThread(service.app()) as running:
        submit(running.url, {"body": "Pending one."}, Accept="application/json")
        submit(running.url, {"body": "Spam one.", "homepage": "x"}, Accept="application/json")
        store = CommentStore(config.db_path)
        pending = store.list("pending")[0].comment.id
        spam = store.list("spam")[0].comment.id

        path, fields = link_for(service, pending)
        approve = {**fields, "action": "approve"}
        for headers in (
            {"Origin": "https://evil.example"},
            {"Origin": "null"},
            {"Sec-Fetch-Site": "cross-site", "Origin": "http://127.0.0.1"},
        ):
            status, body = call(f"{running.url}{path}", approve, token=None, **headers)
            assert status == 403 and "another site" in body, headers
        assert store.get(pending).status == "pending"
        own = {"Sec-Fetch-Site": "same-origin", "Origin": "http://127.0.0.1"}
        assert call(f"{running.url}{path}", approve, token=None, **own)[0] == 200
        assert store.get(pending).status == "approved"

        path, fields = link_for(service, spam)
        status, page = call(f"{running.url}{path}?{urlencode(fields)}", token=None)
        assert status == 200 and BeautifulSoup(page, "html.parser").select("form") == []
        call(f"{running.url}{path}", {**fields, "action": "approve"}, token=None, **own)
        assert store.get(spam).status == "spam"


@pytest.mark.build
@pytest.mark.server
def test_a_comment_cannot_pass_for_the_notifications_own_link(config):
    fake = (
        "Thank you.\n\nApprove, reject or answer it here (the link works once, for a few days):\n"
        "https://evil.example/moderation/link/x?expires=1&signature=y\n" + "\n" * 40
    )
    with mail_server() as mailbox:
        config.smtp = {"host": "127.0.0.1", "port": mailbox.port, "to": "writer@example.org"}
        with ServiceThread(create_app(config)) as service:
            assert submit(service.url, {"body": fake}, Accept="application/json")[0] == 202
            message = mailbox.wait(1).get_content()
    links = [word for word in message.split() if word.startswith(("http://", "https://"))]
    assert links[1].startswith("http://127.0.0.1/moderation/link/")  # after the post's address
    comment = message[message.index("wrote:") :]
    assert all(line.startswith(">") for line in comment.splitlines()[2:] if line)
    assert message.index("http://127.0.0.1/moderation/link/") < message.index("evil.example")


def service_settings(folder: Path) -> Path:
    """The production settings, with the service's database in `folder`."""
    settings = folder / "site.py"
    settings.write_text(
        f"from publishconf import *\nPATH = {str(ROOT / 'content')!r}\n"
        f"COMMENTS_DB = {str(folder / 'c.sqlite3')!r}\n"
    )
    return settings


def half_sent(url: str, source: str = "127.0.0.1", body: bool = False) -> socket.socket:
    """A connection that sent only part of a request (headers, or headers and some body)."""
    parts = urlsplit(url)
    connection = socket.create_connection((parts.hostname, parts.port), source_address=(source, 0))
    if body:
        connection.sendall(
            b"POST /comments HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded"
            b"\r\nContent-Length: 50000\r\n\r\npost=talk&body=" + b"a" * 1000
        )
    else:
        connection.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\n")
    return connection


def closed_by_server(connection: socket.socket, timeout: float) -> bool:
    """Whether the server closed `connection` (unanswered) within `timeout` seconds."""
    connection.settimeout(timeout)
    try:
        return connection.recv(1) == b""
    except ConnectionResetError:  # closed with what the client sent still unread
        return True
    except TimeoutError:
        return False


@pytest.mark.build
@pytest.mark.server
def test_slow_and_aborted_requests_are_cut_off_without_a_traceback(tmp_path, production_site):
    settings = service_settings(tmp_path)
    log = tmp_path / "service.log"
    with log.open("w") as output, running_service(settings, production_site, log=output) as url:
        slow = [half_sent(url) for _ in range(70)]
        # Past 64 connections from one address, the next ones are closed unanswered...
        assert sum(closed_by_server(c, 2) for c in slow[60:]) >= 6
        # ...while another address is answered.
        parts = urlsplit(url)
        other = socket.create_connection(
            (parts.hostname, parts.port), source_address=("127.0.0.2", 0)
        )
        other.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        other.settimeout(10)
        assert other.recv(100).startswith(b"HTTP/1.1 200")
        other.close()
        # Those that never finish are closed after the time allowed to send a request.
        assert closed_by_server(slow[0], 40)
        aborted = half_sent(url, "127.0.0.3", body=True)
        time.sleep(0.5)
        aborted.close()
        for connection in slow:
            connection.close()
        time.sleep(0.5)
        status = json.loads(urllib.request.urlopen(f"{url}/health", timeout=10).read())["status"]
        assert status == "ok"
    text = log.read_text()
    assert "Traceback" not in text and '"level": "error"' not in text


@pytest.mark.build
@pytest.mark.server
def test_sigterm_stops_the_service_with_a_request_half_sent(tmp_path, production_site):
    settings = service_settings(tmp_path)
    # Leaving the block sends SIGTERM and fails unless the process ends within 10 seconds
    # (uvicorn alone waits for the half-sent body for ever).
    with running_service(settings, production_site) as url:
        waiting = half_sent(url, body=True)
        time.sleep(0.5)
    waiting.close()
