"""Moderation through the service: the token-protected endpoints, the signed e-mail links, and
`pathways comments …` on another checkout over HTTP, against a real service on 127.0.0.1."""

import json
import os
import shutil
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit

import pytest
from bs4 import BeautifulSoup

from pathways.comments.remote import MODERATION_OFF
from pathways.comments.service import CommentService, ServiceConfig
from pathways.site.checks import VNU
from tests.servers import ServiceThread
from tests.sites import ROOT, build, post, run_pathways, write_post, write_settings

# Seconds each (the command line in a process of its own, or many inputs): left out of
# `make test-fast`.
pytestmark = pytest.mark.slow

SITE = "http://site.example"
TOKEN = "moderation-token-for-tests-0123456789"


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("moderated-site")
    write_post(folder / "content", "talk.md", post("Talk", "2024-01-02 10:00+00:00"))
    assert build(write_settings(folder, folder / "content")).returncode == 0
    return folder / "output"


@pytest.fixture
def service(site, tmp_path):
    config = ServiceConfig(
        db_path=tmp_path / "comments.sqlite3",
        site_dir=site,
        site_url=SITE,
        allowed_origins=(SITE,),
        min_seconds=0,
        moderation_token=TOKEN,
        public_url="http://placeholder",
    )
    service = CommentService(config)
    with ServiceThread(service.app()) as running:
        service.config.public_url = running.url
        yield running.url, service


def call(url: str, data: dict | None = None, token: str | None = TOKEN, **headers):
    """(status, body) of a request; form-encoded when `data` is given."""
    request = urllib.request.Request(
        url, data=urlencode(data).encode() if data is not None else None, headers=headers
    )
    if data is not None:
        request.add_header("Content-Type", "application/x-www-form-urlencoded")
    if token is not None:
        request.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def comment_on(url: str, body: str = "Thank you.", **fields) -> str:
    """Post a reader's comment; returns its id."""
    form = {"post": "talk", "author": "Ana", "email": "ana@example.org", "body": body, **fields}
    status, _ = call(f"{url}/comments", form, token=None, Origin=SITE, Accept="application/json")
    assert status == 202
    status, text = call(f"{url}/moderation/api/comments?status=all")
    return next(c["id"] for c in json.loads(text)["comments"] if c["body"] == body)


def status_of(service: CommentService, comment_id: str):
    submission = service.store.get(comment_id)
    return submission.status if submission else None


@pytest.mark.build
@pytest.mark.server
def test_the_moderation_endpoints_need_the_token(service):
    url, svc = service
    comment_id = comment_on(url)
    for token in (None, "wrong", TOKEN + "x", ""):
        assert call(f"{url}/moderation/api/comments", token=token) == (401, "")
        assert call(f"{url}/moderation/api/comments/{comment_id}/approve", {}, token=token) == (
            401,
            "",
        )
    assert status_of(svc, comment_id) == "pending"
    status, text = call(f"{url}/moderation/api/comments")
    [listed] = json.loads(text)["comments"]
    assert status == 200 and listed["email"] == "ana@example.org"


@pytest.mark.build
@pytest.mark.server
def test_guessing_the_token_is_slowed_down(service):
    url, _ = service
    answers = [call(f"{url}/moderation/api/comments", token=f"guess{n}")[0] for n in range(12)]
    assert answers == [401] * 10 + [429] * 2


@pytest.mark.build
@pytest.mark.server
def test_without_a_token_configured_nobody_moderates_and_the_service_says_why(site, tmp_path):
    config = ServiceConfig(db_path=tmp_path / "c.sqlite3", site_dir=site, site_url=SITE)
    with ServiceThread(CommentService(config).app()) as running:
        for token in ("", "None"):
            status, answer = call(f"{running.url}/moderation/api/comments", token=token)
            assert (status, json.loads(answer)) == (503, {"error": MODERATION_OFF})


def link_form(page: str) -> dict:
    form = BeautifulSoup(page, "html.parser").select_one("form.moderation-form")
    return {field["name"]: field["value"] for field in form.select("input[type=hidden]")}


@pytest.mark.build
@pytest.mark.server
def test_the_e_mail_link_shows_the_comment_and_only_a_post_decides(service):
    url, svc = service
    comment_id = comment_on(url)
    link = svc.moderation_link(comment_id)
    status, page = call(link, token=None)  # what a mail scanner does
    assert status == 200 and "Thank you." in page and "ana@example.org" in page
    assert status_of(svc, comment_id) == "pending"
    status, done = call(link, {**link_form(page), "action": "approve"}, token=None)
    assert status == 200 and "Approved." in done
    assert status_of(svc, comment_id) == "approved"
    decided = svc.store.get(comment_id).decided_at
    status, again = call(link, {**link_form(page), "action": "reject"}, token=None)
    assert "already approved" in again and "changes nothing" in again
    assert status_of(svc, comment_id) == "approved"
    assert svc.store.get(comment_id).decided_at == decided


@pytest.mark.build
@pytest.mark.server
def test_an_expired_or_altered_link_changes_nothing(service):
    url, svc = service
    comment_id = comment_on(url)
    expires, signature = svc.signer.sign(comment_id, now=time.time() - 8 * 86400)
    old = f"{url}/moderation/link/{comment_id}"
    fields = {"expires": str(expires), "signature": signature, "action": "approve"}
    assert call(old + "?" + urlencode(fields), token=None)[0] == 410
    status, page = call(old, fields, token=None)
    assert status == 410 and "expired" in page
    other = svc.moderation_link(comment_on(url, "Another."))
    stolen = other.replace(other.split("/")[-1].split("?")[0], comment_id)
    assert call(stolen, token=None)[0] == 404
    assert status_of(svc, comment_id) == "pending"


@pytest.mark.build
@pytest.mark.server
def test_answering_from_the_link_approves_and_publishes_her_answer(service):
    url, svc = service
    comment_id = comment_on(url)
    link = svc.moderation_link(comment_id)
    _, page = call(link, token=None)
    status, _ = call(link, {**link_form(page), "action": "reply", "body": ""}, token=None)
    assert status == 422 and status_of(svc, comment_id) == "pending"
    form = {**link_form(page), "action": "reply", "body": "Thank you for reading."}
    assert call(link, form, token=None)[0] == 200
    [answer] = [s for s in svc.store.list("approved") if s.comment.parent == comment_id]
    assert answer.comment.role == "author" and answer.comment.body == "Thank you for reading."
    assert status_of(svc, comment_id) == "approved"


@pytest.fixture
def laptop(tmp_path, service):
    """Another checkout of the site whose settings point at the service."""
    url, _ = service
    content = tmp_path / "laptop" / "content"
    write_post(content, "talk.md", post("Talk", "2024-01-02 10:00+00:00"))
    settings = write_settings(tmp_path / "laptop", content, COMMENTS_ENDPOINT=url)
    return settings, content


def moderate(laptop, *args, token=TOKEN):
    settings, _ = laptop
    env = {"PATHWAYS_MODERATION_TOKEN": token}
    return run_pathways("comments", "--settings", str(settings), *args, env=env)


@pytest.mark.build
@pytest.mark.server
def test_moderating_from_the_laptop_over_http(service, laptop):
    url, svc = service
    _, content = laptop
    first, second, third = (comment_on(url, body) for body in ("One.", "Two.", "Three."))

    listed = moderate(laptop, "list")
    assert listed.returncode == 0 and "ana@example.org" in listed.stdout and "Two." in listed.stdout

    approved = moderate(laptop, "approve", first)
    assert approved.returncode == 0, approved.stderr
    assert (content / "comments" / "talk" / f"{first}.md").read_text().endswith("One.\n")
    assert status_of(svc, first) == "approved"

    assert moderate(laptop, "spam", second).returncode == 0
    assert status_of(svc, second) == "spam"

    # Approved on the service (the e-mail link), then pulled, twice: written once.
    svc.store.set_status(third, "approved")
    pulled = moderate(laptop, "pull")
    assert "1 comment(s) written" in pulled.stdout
    assert "0 comment(s) written" in moderate(laptop, "pull").stdout
    assert (content / "comments" / "talk" / f"{third}.md").exists()

    deleted = moderate(laptop, "delete", third)
    assert deleted.returncode == 0 and status_of(svc, third) is None
    assert not (content / "comments" / "talk" / f"{third}.md").exists()
    assert "0 comment(s) written" in moderate(laptop, "pull").stdout

    # Approved, then refused after all: its file leaves the checkout, and pull does not
    # bring it back.
    assert moderate(laptop, "approve", second).returncode == 0
    assert (content / "comments" / "talk" / f"{second}.md").exists()
    assert moderate(laptop, "reject", second).returncode == 0
    assert not (content / "comments" / "talk" / f"{second}.md").exists()
    assert "0 comment(s) written" in moderate(laptop, "pull").stdout

    answered = moderate(laptop, "reply", first, "Thank *you*.")
    assert answered.returncode == 0, answered.stderr
    [answer] = [s for s in svc.store.list("approved") if s.comment.parent == first]
    assert "Role: author" in (content / "comments" / "talk" / f"{answer.comment.id}.md").read_text()


@pytest.mark.build
@pytest.mark.server
def test_a_wrong_token_from_the_laptop_is_refused_and_changes_nothing(service, laptop):
    url, svc = service
    comment_id = comment_on(url)
    result = moderate(laptop, "approve", comment_id, token="not-the-token")
    assert result.returncode == 1 and "refused the moderation token" in result.stderr
    assert TOKEN not in result.stderr + result.stdout
    assert status_of(svc, comment_id) == "pending"


def test_a_token_file_inside_the_repository_is_refused(tmp_path):
    content = tmp_path / "content"
    content.mkdir()
    settings = write_settings(
        tmp_path,
        content,
        COMMENTS_ENDPOINT="http://127.0.0.1:9",
        COMMENTS_TOKEN_FILE=str(ROOT / "moderation-token"),
    )
    result = run_pathways(
        "comments", "--settings", str(settings), "list", env={"PATHWAYS_MODERATION_TOKEN": ""}
    )
    assert result.returncode == 1
    assert "inside the repository" in result.stderr and "Traceback" not in result.stderr


@pytest.mark.build
@pytest.mark.server
def test_in_any_order_each_comment_is_written_once_in_each_checkout(service, laptop, tmp_path):
    url, svc = service
    _, content = laptop
    ci_content = tmp_path / "ci" / "content"
    write_post(ci_content, "talk.md", post("Talk", "2024-01-02 10:00+00:00"))
    ci = (write_settings(tmp_path / "ci", ci_content, COMMENTS_ENDPOINT=url), ci_content)
    by_link, by_laptop = comment_on(url, "By link."), comment_on(url, "By laptop.")

    # Approved from the laptop first; its e-mail link then changes nothing.
    assert moderate(laptop, "approve", by_laptop).returncode == 0
    link = svc.moderation_link(by_laptop)
    signed = dict(parse_qsl(urlsplit(link).query))
    assert "already approved" in call(link, {**signed, "action": "reject"}, token=None)[1]
    # Approved by its link first; approving it from the laptop afterwards writes it once.
    link = svc.moderation_link(by_link)
    _, page = call(link, token=None)
    call(link, {**link_form(page), "action": "approve"}, token=None)
    assert moderate(laptop, "approve", by_link).returncode == 0

    for checkout in (laptop, ci, laptop, ci):
        assert moderate(checkout, "pull").returncode == 0
    for folder in (content, ci_content):
        files = sorted(path.stem for path in (folder / "comments" / "talk").glob("*.md"))
        assert files == sorted([by_link, by_laptop])
    assert {s.status for s in svc.store.list(None)} == {"approved"}


@pytest.mark.build
@pytest.mark.server
@pytest.mark.skipif(
    not (VNU.exists() and shutil.which("java")) and not os.environ.get("CI"),
    reason="the Nu HTML checker needs Java and node_modules/vnu-jar (npm ci)",
)
def test_the_services_pages_are_valid_html(service, tmp_path):
    url, svc = service
    comment_id = comment_on(url)
    link = svc.moderation_link(comment_id)
    _, moderation = call(link, token=None)
    pages = {
        "form": call(f"{url}/form?post=talk&parent={comment_id}", token=None)[1],
        "moderation": moderation,
        "refused": call(f"{url}/comments", {"post": "talk", "author": ""}, None, Origin=SITE)[1],
        "not valid": call(link.replace("expires=", "expires=1"), token=None)[1],
        "done": call(link, {**link_form(moderation), "action": "approve"}, token=None)[1],
        "decided": call(link, token=None)[1],
    }
    folder = tmp_path / "pages"
    folder.mkdir()
    for name, html in pages.items():
        (folder / f"{name}.html").write_text(html, encoding="utf-8")
    result = subprocess.run(
        ["java", "-jar", str(VNU), "--errors-only", "--format", "gnu", str(folder)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr + result.stdout
