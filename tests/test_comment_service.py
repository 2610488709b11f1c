"""The comment service on a real 127.0.0.1 server with a real SQLite store.

Every hostile or broken submission gets the right answer and leaves the store consistent.
"""

import json
import logging
import shutil
import sqlite3
import sys
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlencode

import pytest
from bs4 import BeautifulSoup

from pathways.comments.cli import add_parser
from pathways.comments.logs import JsonLogFormatter
from pathways.comments.service import ServiceConfig, create_app
from pathways.comments.store import CommentStore
from tests.comment_helpers import running_service
from tests.servers import ServiceThread, mail_server
from tests.sites import build, post, write_post, write_settings

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
def test_oversized_request_is_refused_and_the_text_given_back(service, config):
    code, _, body = submit(service.url, {"body": "My long story. " * 7000})
    assert code == 413 and "larger than a comment can be" in body
    kept = BeautifulSoup(body, "html.parser").select_one("pre").get_text()
    assert kept.startswith("My long story. My long story.") and len(kept) > 50_000
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
    assert "Replying to Bo\u2019s comment on Talk." in page.get_text()
    form = page.select_one("form")
    assert form["action"] == "comments"
    assert form.select_one("input[name=parent]")["value"] == "a"
    assert form.select_one("input[name=post]")["value"] == "talk"
    assert form.select_one("button[type=submit]").get_text() == "Send for moderation"


@pytest.mark.build
@pytest.mark.server
def test_reply_page_names_a_pending_comments_author_but_not_an_unknown_one(service, config):
    submit(service.url, {"author": "Cy <b>"})
    [pending] = stored(config, "pending")
    with urllib.request.urlopen(
        f"{service.url}/form?post=talk&parent={pending.comment.id}", timeout=10
    ) as response:
        html = response.read().decode()
    assert "Replying to Cy &lt;b&gt;\u2019s comment on" in html
    with urllib.request.urlopen(f"{service.url}/form?post=talk&parent=zz", timeout=10) as response:
        page = BeautifulSoup(response.read(), "html.parser")
    assert "Replying to" not in page.get_text()


@pytest.mark.build
@pytest.mark.server
def test_the_writer_is_emailed_about_new_comments(site, tmp_path):
    with mail_server() as mailbox:
        config = ServiceConfig(
            db_path=tmp_path / "c.sqlite3",
            site_dir=site,
            site_url=SITE,
            allowed_origins=(SITE,),
            smtp={"host": "127.0.0.1", "port": mailbox.port, "to": "writer@example.org"},
        )
        with ServiceThread(create_app(config)) as running:
            assert submit(running.url)[0] == 303
            mailbox.wait(1)
    [message] = mailbox.messages
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


# The service under load and abuse.


@pytest.mark.build
@pytest.mark.server
def test_two_comments_given_the_same_id_are_both_kept(service, config, monkeypatch):
    monkeypatch.setattr(
        "pathways.comments.model.new_comment_id", lambda now=None: "20240101T000000-aaaa"
    )
    assert submit(service.url, {"body": "first"})[0] == 303
    assert submit(service.url, {"body": "second"})[0] == 303
    kept = stored(config)
    assert sorted(item.comment.body for item in kept) == ["first", "second"]
    assert len({item.comment.id for item in kept}) == 2


@pytest.mark.build
@pytest.mark.server
def test_the_rate_limit_holds_when_requests_arrive_together(service, config):
    with ThreadPoolExecutor(20) as pool:
        answers = list(
            pool.map(lambda n: submit(service.url, {"body": f"flood {n}"})[0], range(20))
        )
    assert sorted(answers) == [303] * 5 + [429] * 15
    assert len(stored(config, None)) == 5


@pytest.mark.build
@pytest.mark.server
def test_behind_a_trusted_proxy_the_address_it_appended_counts(site, tmp_path):
    config = ServiceConfig(
        db_path=tmp_path / "c.sqlite3",
        site_dir=site,
        site_url=SITE,
        allowed_origins=(SITE,),
        rate_limit=2,
        trust_proxy=True,
    )
    with ServiceThread(create_app(config)) as running:
        answers = [
            submit(running.url, {"body": f"n{n}"}, X_Forwarded_For=f"10.9.9.{n}, 192.0.2.7")[0]
            for n in range(3)
        ]
    assert answers == [303, 303, 429]


@pytest.mark.build
@pytest.mark.server
def test_forwarded_addresses_are_ignored_when_not_behind_a_proxy(site, tmp_path):
    """Started as the README says, a client cannot escape the rate limit with made-up
    X-Forwarded-For headers (uvicorn must not read them itself)."""
    settings = write_settings(
        tmp_path,
        site.parent / "content",
        SITEURL=SITE,
        COMMENTS_RATE_LIMIT=(2, 600),
        COMMENTS_DB=str(tmp_path / "c.sqlite3"),
    )
    with running_service(settings, site) as url:
        answers = [
            submit(url, {"body": f"n{n}"}, X_Forwarded_For=f"10.9.9.{n}")[0] for n in range(3)
        ]
    assert answers == [303, 303, 429]


def in_own_thread(function, *args):
    """Run `function` in a thread of its own (the browser tests keep an event loop running in
    this one)."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(function, *args).result()


def test_the_beacon_stops_reading_a_huge_body():
    """Guards against `POST /views` reading 300 MB into memory before cutting it to 2 KB."""
    import asyncio
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        config = ServiceConfig(
            db_path=Path(folder) / "c.sqlite3",
            site_dir=Path(folder),
            site_url=SITE,
            allowed_origins=(SITE,),
            beacon=True,
        )
        app = create_app(config)
        reads = 0

        async def receive():
            nonlocal reads
            reads += 1
            return {"type": "http.request", "body": b"x" * 65536, "more_body": reads < 5000}

        sent = []

        async def send(message):
            sent.append(message)

        scope = {
            "type": "http",
            "method": "POST",
            "path": "/views",
            "raw_path": b"/views",
            "query_string": b"",
            "headers": [
                (b"content-type", b"text/plain"),
                (b"origin", SITE.encode()),
                (b"user-agent", b"Mozilla/5.0 (X11; Linux x86_64) Firefox/121.0"),
            ],
            "client": ("127.0.0.1", 5000),
            "server": ("127.0.0.1", 80),
            "scheme": "http",
            "http_version": "1.1",
            "root_path": "",
        }
        in_own_thread(asyncio.run, app(scope, receive, send))
    assert sent[0]["status"] == 204
    assert 1 <= reads <= 2


def test_refusals_name_the_real_problem_and_a_huge_name_is_not_called_a_long_comment():
    import asyncio

    from pathways.comments.forms import MAX_REQUEST_BYTES, Rejection, read_form

    class Fake:
        def __init__(self, body: bytes) -> None:
            self.headers = {"content-type": "application/x-www-form-urlencoded"}
            self.body = body

        async def stream(self):
            yield self.body

    with pytest.raises(Rejection) as many:
        in_own_thread(
            asyncio.run, read_form(Fake(b"&".join(b"f%d=1" % n for n in range(40))), 10**6)
        )
    assert many.value.status == 400 and "more fields" in str(many.value)
    assert "UTF-8" not in str(many.value)
    with pytest.raises(Rejection) as huge:
        in_own_thread(
            asyncio.run, read_form(Fake(b"author=" + b"A" * MAX_REQUEST_BYTES), MAX_REQUEST_BYTES)
        )
    assert huge.value.status == 413 and "form is larger" in str(huge.value)


@pytest.mark.build
@pytest.mark.server
def test_every_event_is_logged_and_errors_carry_their_traceback(service, config):
    records = []

    class Keep(logging.Handler):
        def emit(self, record):
            records.append(record)

    handler = Keep()
    service_log = logging.getLogger("pathways.comments.service")
    service_log.addHandler(handler)
    service_log.setLevel(logging.INFO)
    try:
        for n in range(3):
            assert submit(service.url, {"body": f"logged {n}"})[0] == 303
    finally:
        service_log.removeHandler(handler)
    assert [r.getMessage() for r in records].count("comment stored") == 3
    try:
        raise RuntimeError("the cause")
    except RuntimeError:
        record = logging.LogRecord("svc", logging.ERROR, "", 0, "failed", (), sys.exc_info())
    entry = json.loads(JsonLogFormatter().format(record))
    assert "RuntimeError: the cause" in entry["traceback"]


@pytest.mark.build
@pytest.mark.server
def test_lengths_are_counted_in_characters_not_encoded_bytes(service, config):
    cjk = "慢性疲劳" * 750
    assert submit(service.url, {"body": cjk})[0] == 303
    [item] = stored(config)
    assert item.comment.body == cjk
    code, _, body = submit(service.url, {"body": "字" * 5001})
    assert code == 422 and "longer than 5000" in body
    assert "字" * 5001 in BeautifulSoup(body, "html.parser").select_one("textarea").get_text()


@pytest.mark.build
@pytest.mark.server
def test_joiners_in_text_are_kept_and_overrides_in_names_dropped(service, config):
    body = "👩\u200d💻 works; \u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645; क्\u200dष"
    assert submit(service.url, {"body": body, "author": "Ana\u202egnp.exe"})[0] == 303
    [item] = stored(config)
    assert item.comment.body == body
    assert item.comment.author == "Anagnp.exe"


@pytest.mark.build
@pytest.mark.server
@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"body": "---"}, "shows as nothing"),
        ({"body": "***\n\n---"}, "shows as nothing"),
        ({"website": "https://a.example@b.example/"}, "Website"),
    ],
)
def test_comments_that_show_as_nothing_and_disguised_links_are_refused(
    service, config, fields, message
):
    code, _, body = submit(service.url, fields)
    assert code == 422 and message in body
    assert stored(config, None) == []


@pytest.mark.build
@pytest.mark.server
def test_service_pages_forbid_framing_and_sniffing(service):
    with urllib.request.urlopen(f"{service.url}/form?post=talk", timeout=10) as response:
        headers = response.headers
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    assert "default-src 'none'" in headers["Content-Security-Policy"]
    assert headers["X-Content-Type-Options"] == "nosniff"


@pytest.mark.build
@pytest.mark.server
def test_health_tells_nobody_how_many_comments_wait(service, config):
    assert submit(service.url)[0] == 303
    with urllib.request.urlopen(f"{service.url}/health", timeout=10) as response:
        assert json.loads(response.read()) == {"status": "ok"}


@pytest.mark.server
def test_health_says_when_comments_cannot_be_accepted(tmp_path):
    config = ServiceConfig(
        db_path=tmp_path / "c.sqlite3", site_dir=tmp_path, site_url=SITE, allowed_origins=(SITE,)
    )
    with ServiceThread(create_app(config)) as running:
        with pytest.raises(urllib.error.HTTPError) as error:
            urllib.request.urlopen(f"{running.url}/health", timeout=10)
        assert error.value.code == 503
        assert "cannot accept comments" in json.loads(error.value.read())["problem"]
        code, _, body = submit(running.url)
    assert code == 503 and BODY in body


@pytest.mark.build
@pytest.mark.server
def test_a_form_sent_again_with_its_key_is_stored_once(service, config):
    first = submit(service.url, {"key": "k-1"}, Accept="application/json")
    again = submit(service.url, {"key": "k-1"}, Accept="application/json")
    assert first[0] == again[0] == 202
    assert len(stored(config, None)) == 1
    assert submit(service.url, {"key": "k-2", "body": "another"})[0] == 303
    assert len(stored(config, None)) == 2


@pytest.mark.build
@pytest.mark.server
def test_without_javascript_the_same_text_sent_twice_is_stored_once(service, config):
    assert submit(service.url)[0] == submit(service.url)[0] == 303
    assert len(stored(config, None)) == 1


# Started as a new writer would start it.


@pytest.mark.build
@pytest.mark.server
def test_started_with_its_options_after_serve_it_accepts_the_live_sites_readers(site, tmp_path):
    settings = write_settings(
        tmp_path, site.parent / "content", publish=True, COMMENTS_DB=str(tmp_path / "c.sqlite3")
    )
    live = "https://pathways.example.org"
    with running_service(settings, site) as url:
        status, headers, _ = submit(url, Origin=live)
    assert status == 303 and headers["Location"] == f"{live}/posts/talk/#comment-pending"


@pytest.mark.build
@pytest.mark.server
def test_without_a_built_site_the_service_says_so_on_health(site, tmp_path):
    settings = write_settings(tmp_path, site.parent / "content", publish=True)
    nothing = str(tmp_path / "nothing-built")
    with (
        running_service(settings, None, "--site", nothing) as url,
        pytest.raises(urllib.error.HTTPError) as error,
    ):
        urllib.request.urlopen(f"{url}/health", timeout=10)
    assert error.value.code == 503


@pytest.mark.build
@pytest.mark.server
def test_the_preview_form_works_on_any_local_port(site, tmp_path):
    settings = write_settings(
        tmp_path, site.parent / "content", COMMENTS_DB=str(tmp_path / "c.sqlite3")
    )
    with running_service(settings, site, "--preview") as url:
        assert submit(url, Origin="http://127.0.0.1:8123", Accept="application/json")[0] == 202
        code, headers, body = submit(url, Origin="https://evil.example", Accept="application/json")
    assert code == 403 and headers["Access-Control-Allow-Origin"] == "https://evil.example"
    assert "blog's own pages" in json.loads(body)["errors"][0]


@pytest.mark.build
@pytest.mark.server
def test_the_service_follows_the_published_sites_current_release(site, tmp_path):
    """Started with `--site /srv/blog/current`, it learns new posts from each deploy."""
    releases = tmp_path / "releases"
    first, second = releases / "1", releases / "2"
    shutil.copytree(site, first)
    shutil.copytree(site, second)
    index = second / "comments" / "posts.json"
    posts = json.loads(index.read_text())
    posts["posts"]["fresh"] = {**posts["posts"]["talk"], "url": "posts/fresh/", "comments": []}
    index.write_text(json.dumps(posts))
    current = tmp_path / "current"
    current.symlink_to(first)
    settings = write_settings(
        tmp_path, site.parent / "content", publish=True, COMMENTS_DB=str(tmp_path / "c.sqlite3")
    )
    live = "https://pathways.example.org"
    with running_service(settings, current) as url:
        assert submit(url, {"post": "fresh"}, Origin=live)[0] == 404
        swapped = tmp_path / "current.new"
        swapped.symlink_to(second)
        swapped.rename(current)
        assert submit(url, {"post": "fresh"}, Origin=live)[0] == 303
