"""The follow form and links under attack: hostile addresses, floods of sign-ups, forged and
expired links, a form from another site. Each gets a clear answer; nothing is sent to an
address that did not ask, nothing stored that should not be, and the answer never tells
whether an address already follows."""

import html
import sqlite3
import time
import urllib.error
import urllib.request
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest

from pathways.comments.service import ServiceConfig, create_app
from pathways.follow.settings import FollowConfig
from pathways.follow.store import FollowStore
from tests.follow_helpers import link_in, received
from tests.servers import ServiceThread, mail_server

pytestmark = pytest.mark.server

TOKEN = "token-for-the-follow-tests"


def follow_config(**changes) -> FollowConfig:
    values = {
        "site_name": "Pathways",
        "rate": (100, 1),
        "signup_limit": (5, 3600),
        "confirmations_per_hour": 100,
        "link_days": 3,
        "max_age_days": 30,
        "poll_seconds": 0.2,
        "index_path": "follow/posts.json",
    }
    return FollowConfig(**{**values, **changes})


@pytest.fixture
def mailbox():
    with mail_server() as box:
        yield box


@pytest.fixture
def start(tmp_path, mailbox):
    """Starts the service with follow settings changed as asked; yields its address."""
    threads = []

    def started(**changes) -> str:
        config = ServiceConfig(
            db_path=tmp_path / "comments.sqlite3",
            site_dir=tmp_path,
            site_url="https://blog.example.org",
            trust_proxy=True,
            smtp={
                "host": "127.0.0.1",
                "port": mailbox.port,
                "from": "blog@example.org",
                "to": "writer@example.org",
            },
            moderation_token=TOKEN,
            follow=follow_config(**changes),
        )
        thread = ServiceThread(create_app(config))
        config.public_url = thread.url
        threads.append(thread.__enter__())
        return thread.url

    yield started
    for thread in threads:
        thread.__exit__(None, None, None)


def post(url: str, fields: dict, headers: dict | None = None) -> tuple[int, str]:
    request = urllib.request.Request(
        url,
        data=urlencode(fields).encode(),
        headers={"Content-Type": "application/x-www-form-urlencoded", **(headers or {})},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, html.unescape(response.read().decode())
    except urllib.error.HTTPError as error:
        return error.code, html.unescape(error.read().decode())


def get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, html.unescape(response.read().decode())
    except urllib.error.HTTPError as error:
        return error.code, html.unescape(error.read().decode())


def sign_up(service: str, address: str, client: str = "203.0.113.1", **extra) -> tuple[int, str]:
    return post(
        f"{service}/follow/subscribe", {"email": address, **extra}, {"X-Forwarded-For": client}
    )


def store(tmp_path) -> FollowStore:
    return FollowStore(tmp_path / "comments.sqlite3")


def settle() -> None:
    time.sleep(0.5)  # a confirmation is sent after the answer


@pytest.mark.parametrize(
    ("address", "why"),
    [
        ("ana@example.org\r\nBcc: everyone@example.net", "line break"),
        ("ana@example.org\nSubject: cheap pills", "line break"),
        ("a" * 250 + "@example.org", "longer than 254"),
        ("ana@" + "b" * 70 + ".org", "not a valid address"),
        ("\u0430na@example.org", "CYRILLIC SMALL LETTER A"),
        ("ana@ex\uff41mple.org", "FULLWIDTH LATIN SMALL LETTER A"),
        ("ana@example.org, bob@example.org", "one address only"),
        ("ana@example.org bob@example.org", "one address only"),
        ("Ana <ana@example.org>", "one address only"),
        ("ana@example.org@evil.example", "one address only"),
        ("ana", "not a valid address"),
        ("", "please give"),
    ],
)
def test_a_hostile_address_is_refused_clearly_and_nothing_is_sent(
    start, tmp_path, mailbox, address, why
):
    service = start()
    status, page = sign_up(service, address)
    assert status == 422
    assert why in page
    assert 'name="email"' in page  # the form again, to correct it
    settle()
    assert mailbox.messages == []
    assert store(tmp_path).subscribers() == []


def test_the_answer_is_the_same_whether_or_not_an_address_follows(start, tmp_path, mailbox):
    service = start()
    store(tmp_path).add_confirmed([("old@example.org", "2021-01-01T00:00:00")])
    answers = {sign_up(service, address) for address in ("new@example.org", "old@example.org")}
    assert len(answers) == 1 and next(iter(answers))[0] == 200
    settle()
    assert [m["To"] for m in received(mailbox)] == ["new@example.org"]


def test_repeated_sign_ups_send_at_most_one_confirmation_a_day(start, tmp_path, mailbox):
    service = start()
    for client in ("203.0.113.1", "203.0.113.2", "203.0.113.3"):
        assert sign_up(service, "ana@example.org", client)[0] == 200
    assert sign_up(service, "ANA@EXAMPLE.ORG")[0] == 200  # the same mailbox
    settle()
    assert len(mailbox.messages) == 1
    with sqlite3.connect(tmp_path / "comments.sqlite3") as db:
        db.execute(
            "UPDATE follow_subscribers SET confirmation_sent_at = '2020-01-01T00:00:00+00:00'"
        )
    assert sign_up(service, "ana@example.org")[0] == 200
    mailbox.wait(2)
    assert [s["status"] for s in store(tmp_path).subscribers()] == ["pending"]


def test_a_flood_of_sign_ups_is_held_per_client_and_in_all(start, tmp_path, mailbox):
    service = start(signup_limit=(3, 3600), confirmations_per_hour=5)
    statuses = [sign_up(service, f"bot{n}@example.org")[0] for n in range(5)]
    assert statuses == [200, 200, 200, 429, 429]
    statuses = [
        sign_up(service, f"many{n}@example.org", client=f"198.51.100.{n}")[0] for n in range(6)
    ]
    assert statuses == [200, 200, 503, 503, 503, 503]
    status, page = sign_up(service, "later@example.org", client="192.0.2.9")
    assert status == 503 and "try again in an hour" in page
    mailbox.wait(5)
    settle()
    assert len(mailbox.messages) == 5
    assert len(store(tmp_path).subscribers()) == 5


def test_the_hidden_field_filled_in_looks_sent_but_nothing_is(start, tmp_path, mailbox):
    service = start()
    status, page = sign_up(service, "bot@example.org", homepage="http://spam.example")
    assert status == 200 and "an e-mail to confirm is on its way" in page
    settle()
    assert mailbox.messages == [] and store(tmp_path).subscribers() == []


def test_a_form_sent_from_another_site_is_refused(start, tmp_path, mailbox):
    service = start()
    status, page = post(
        f"{service}/follow/subscribe",
        {"email": "ana@example.org"},
        {"Origin": "https://evil.example"},
    )
    assert status == 403 and "blog's own pages" in page
    assert store(tmp_path).subscribers() == []


def forged(link: str, **changes: str) -> str:
    parts = urlsplit(link)
    query = {name: values[0] for name, values in parse_qs(parts.query).items()}
    return parts._replace(query=urlencode({**query, **changes})).geturl()


def test_forged_and_expired_links_change_nothing(start, tmp_path, mailbox):
    service = start()
    sign_up(service, "ana@example.org")
    link = link_in(mailbox.wait(1), "confirm")
    for bad in (
        forged(link, signature="0" * 64),
        forged(link, address="eve@example.org"),
        forged(link, expires="9999999999"),
        forged(link, expires="-1"),
        link.split("&signature")[0],
    ):
        assert post(bad, {})[0] == 404
    # A link that was good, once expired: signed for a moment already past.
    expired = forged(link, expires="1000")
    assert post(expired, {})[0] == 404  # its signature does not match the new time
    assert [s["status"] for s in store(tmp_path).subscribers()] == ["pending"]

    # Opening the link (as a mail scanner does) changes nothing; the button confirms.
    status, page = get(link)
    assert status == 200 and "<button" in page
    assert [s["status"] for s in store(tmp_path).subscribers()] == ["pending"]
    status, page = post(link, {})
    assert status == 200 and "You follow the blog" in page
    assert [s["status"] for s in store(tmp_path).subscribers()] == ["confirmed"]


def test_an_expired_confirmation_link_says_so(start, tmp_path, mailbox):
    from pathways.comments.links import LinkSigner
    from pathways.comments.store import CommentStore

    service = start()
    sign_up(service, "ana@example.org")
    link = link_in(mailbox.wait(1), "confirm")
    secret = CommentStore(tmp_path / "comments.sqlite3").secret("follow_link_secret")
    expires, signature = LinkSigner(secret, 3).sign("confirm:ana@example.org", now=1000)
    status, page = post(forged(link, expires=str(expires), signature=signature), {})
    assert status == 410 and "expired" in page
    assert [s["status"] for s in store(tmp_path).subscribers()] == ["pending"]


def test_a_forged_unsubscribe_link_keeps_the_follower(start, tmp_path, mailbox):
    service = start()
    store(tmp_path).add_confirmed([("ana@example.org", "2021-01-01T00:00:00")])
    link = f"{service}/follow/unsubscribe?" + urlencode(
        {"address": "ana@example.org", "expires": "9999999999", "signature": "f" * 64}
    )
    assert post(link, {"List-Unsubscribe": "One-Click"})[0] == 404
    assert get(link)[0] == 404
    assert [s["address"] for s in store(tmp_path).subscribers()] == ["ana@example.org"]


def test_the_writers_api_needs_the_token(start):
    service = start()
    assert get(f"{service}/follow/api/subscribers")[0] == 401
    status, _ = post(f"{service}/follow/api/subscribers/remove", {"address": "a@example.org"})
    assert status == 401


def test_an_address_never_confirmed_is_forgotten_after_its_link_expired(start, tmp_path, mailbox):
    service = start()
    sign_up(service, "ana@example.org")
    with sqlite3.connect(tmp_path / "comments.sqlite3") as db:
        db.execute("UPDATE follow_subscribers SET asked_at = '2020-01-01T00:00:00+00:00'")
    sign_up(service, "bea@example.org", client="203.0.113.9")
    assert [s["address"] for s in store(tmp_path).subscribers()] == ["bea@example.org"]


def test_a_form_far_too_large_is_refused_without_reading_it_all(start, tmp_path, mailbox):
    service = start()
    status, page = sign_up(service, "a" * 100_000 + "@example.org")
    assert status == 413 and "far longer than an address" in page
    assert store(tmp_path).subscribers() == []


def test_another_sites_form_cannot_press_the_buttons_of_a_good_link(start, tmp_path, mailbox):
    service = start()
    sign_up(service, "ana@example.org")
    link = link_in(mailbox.wait(1), "confirm")
    cross_site = {"Sec-Fetch-Site": "cross-site", "Origin": "https://evil.example"}
    status, page = post(link, {}, cross_site)
    assert status == 403 and "Nothing was changed" in page
    assert [s["status"] for s in store(tmp_path).subscribers()] == ["pending"]
    assert post(link, {}, {"Sec-Fetch-Site": "same-origin"})[0] == 200
    assert [s["status"] for s in store(tmp_path).subscribers()] == ["confirmed"]
