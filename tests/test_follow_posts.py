"""Which posts are sent, and how the outbox sends them: each new post once, never a post
that was there when following was turned on, imported, back from draft, at a new address,
edited or kept from e-mail; nothing sent to an address that did not confirm; a refused
address is kept as failed, a provider out of reach loses nothing."""

import json
import sqlite3
from datetime import UTC, datetime, timedelta

import pytest

from pathways.follow.mailer import Letters
from pathways.follow.outbox import Outbox
from pathways.follow.posts import NewPosts
from pathways.follow.store import FollowStore
from tests.follow_helpers import received
from tests.servers import Mailbox
from tests.sites import free_port

NOW = datetime.now(UTC)


def entry(name: str, days_ago: float = 0, **changes) -> dict:
    return {
        "id": f"posts/{name}.md",
        "url": f"posts/{name}/",
        "save_as": f"posts/{name}/index.html",
        "title": name.capitalize(),
        "date": (NOW - timedelta(days=days_ago)).isoformat(),
        "html": f"<p>About {name}.</p>",
        "text": f"About {name}.",
        "photo": None,
        "full": False,
        "email": True,
        **changes,
    }


class Site:
    """A built site's folder as the service sees it: pages and the list of posts."""

    def __init__(self, folder) -> None:
        self.folder = folder
        self.store = FollowStore(folder / "comments.sqlite3")
        self.new_posts = NewPosts(
            self.store, folder / "site", "follow/posts.json", timedelta(days=30)
        )

    def publish(self, *posts: dict) -> list[str]:
        """Writes the pages and the list; returns the ids the service would send now."""
        for post in posts:
            page = self.folder / "site" / post["save_as"]
            page.parent.mkdir(parents=True, exist_ok=True)
            page.write_text("<h1>post</h1>")
        index = self.folder / "site" / "follow" / "posts.json"
        index.parent.mkdir(parents=True, exist_ok=True)
        index.write_text(json.dumps({"posts": list(posts)}))
        found = self.new_posts.find()
        for post in found:
            message = {key: value for key, value in post.items() if key != "moment"}
            self.store.queue(post["id"], post["url"], message)
        return [post["id"] for post in found]


@pytest.fixture
def site(tmp_path):
    return Site(tmp_path)


def test_posts_there_when_following_is_turned_on_are_never_sent(site):
    assert site.publish(entry("old", 400), entry("recent", 1)) == []
    assert site.publish(entry("old", 400), entry("recent", 1), entry("new")) == ["posts/new.md"]


def test_a_new_post_is_sent_once_however_often_it_is_published(site):
    site.publish(entry("first", 3))
    assert site.publish(entry("first", 3), entry("news")) == ["posts/news.md"]
    edited = entry("news", title="News, edited", html="<p>More.</p>")
    assert site.publish(entry("first", 3), edited) == []
    assert site.publish(entry("first", 3), edited, entry("extra")) == ["posts/extra.md"]


def test_a_post_back_from_draft_or_at_a_new_address_is_not_sent_again(site):
    site.publish(entry("first", 3))
    assert site.publish(entry("first", 3), entry("news")) == ["posts/news.md"]
    assert site.publish(entry("first", 3)) == []  # back to draft
    assert site.publish(entry("first", 3), entry("news")) == []  # and published again
    moved = entry("news", url="2026/news/", save_as="2026/news/index.html")
    assert site.publish(entry("first", 3), moved) == []
    # The file renamed, its address kept: the same post.
    renamed = entry("news", id="posts/2026-news.md")
    assert site.publish(entry("first", 3), renamed) == []


def test_imported_posts_and_posts_kept_from_email_are_not_sent(site):
    site.publish(entry("first", 3))
    imported = [entry(f"blogger-{n}", 400 + n) for n in range(3)]
    kept = entry("private", email=False)
    assert site.publish(entry("first", 3), *imported, kept) == []
    fates = dict(site_fates(site))
    assert fates["posts/blogger-0.md"] == "old" and fates["posts/private.md"] == "kept"


def site_fates(site) -> list[tuple[str, str]]:
    with sqlite3.connect(site.store.path) as db:
        return db.execute("SELECT id, fate FROM follow_posts").fetchall()


def test_a_post_whose_page_is_not_there_yet_is_sent_when_it_is(site):
    site.publish(entry("first", 3))
    index = site.folder / "site" / "follow" / "posts.json"
    index.write_text(json.dumps({"posts": [entry("first", 3), entry("news")]}))
    assert site.new_posts.find() == []  # the list came before the page
    page = site.folder / "site" / "posts" / "news" / "index.html"
    page.parent.mkdir(parents=True)
    page.write_text("<h1>News</h1>")
    assert [post["id"] for post in site.new_posts.find()] == ["posts/news.md"]


def test_a_broken_list_of_posts_sends_nothing_and_loses_nothing(site, caplog):
    site.publish(entry("first", 3))
    index = site.folder / "site" / "follow" / "posts.json"
    index.write_text('{"posts": [')
    assert site.new_posts.find() == []
    assert "cannot be read" in caplog.text
    index.write_text(json.dumps({"posts": [entry("first", 3), {"id": 5}, entry("news")]}))
    page = site.folder / "site" / "posts" / "news" / "index.html"
    page.parent.mkdir(parents=True)
    page.write_text("<h1>News</h1>")
    assert [post["id"] for post in site.new_posts.find()] == ["posts/news.md"]
    assert "post 1 is left out" in caplog.text


def test_only_confirmed_followers_are_queued(site):
    site.store.add_confirmed([("ana@example.org", "2021-01-01T00:00:00")])
    site.store.ask("pending@example.org", hourly_cap=10)
    site.store.queue("posts/news.md", "posts/news/", {"title": "News"})
    assert [d.address for d in site.store.next_deliveries(10)] == ["ana@example.org"]
    assert site.store.queue("posts/news.md", "posts/news/", {"title": "News"}) == 0


class Refusing(Mailbox):
    """An SMTP server that refuses mail for addresses starting with "gone"."""

    async def handle_RCPT(self, server, session, envelope, address, options) -> str:
        if address.startswith("gone"):
            return "550 5.1.1 no such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"


def outbox(site, port: int) -> Outbox:
    letters = Letters("Pathways", "https://blog.example.org", "blog@example.org")
    return Outbox(
        site.store,
        site_dir=site.folder / "site",
        index_path="follow/posts.json",
        letters=letters,
        smtp={"host": "127.0.0.1", "port": port, "from": "blog@example.org"},
        rate=(1000, 1),
        unsubscribe_link=lambda address: f"https://service.example.org/u?{address}",
        max_age_days=30,
        poll_seconds=0.1,
    )


@pytest.mark.server
def test_a_refused_address_is_kept_as_failed_and_the_others_get_the_post(site):
    from aiosmtpd.controller import Controller

    site.store.add_confirmed(
        [
            (a, "2021-01-01T00:00:00")
            for a in ("ana@example.org", "gone@example.org", "bea@example.org")
        ]
    )
    site.publish(entry("first", 3))
    mailbox = Refusing(free_port())
    smtp = Controller(mailbox, hostname="127.0.0.1", port=mailbox.port)
    sender = outbox(site, mailbox.port)
    smtp.start()
    try:
        site.publish(entry("first", 3), entry("news"))
        assert sender.send_queued() is True
    finally:
        smtp.stop()
    assert sorted(m["To"] for m in received(mailbox)) == ["ana@example.org", "bea@example.org"]
    assert site.store.outbox_counts() == {"sent": 2, "failed": 1}


@pytest.mark.server
def test_a_provider_out_of_reach_loses_nothing(site):
    from aiosmtpd.controller import Controller

    site.store.add_confirmed([("ana@example.org", "2021-01-01T00:00:00")])
    site.publish(entry("first", 3))
    port = free_port()
    sender = outbox(site, port)
    site.publish(entry("first", 3), entry("news"))
    assert sender.send_queued() is False  # nothing listens yet
    assert site.store.outbox_counts() == {"queued": 1}
    mailbox = Mailbox(port)
    smtp = Controller(mailbox, hostname="127.0.0.1", port=port)
    smtp.start()
    try:
        assert sender.send_queued() is True
    finally:
        smtp.stop()
    assert [m["To"] for m in received(mailbox)] == ["ana@example.org"]
    assert site.store.outbox_counts() == {"sent": 1}


class Limiting(Mailbox):
    """An SMTP server that takes two messages per connection (then answers 421), or refuses
    the sender altogether."""

    def __init__(self, port: int, refuse_sender: bool = False) -> None:
        super().__init__(port)
        self.refuse_sender = refuse_sender

    async def handle_MAIL(self, server, session, envelope, address, options) -> str:
        if self.refuse_sender:
            return "550 5.7.1 sender not allowed"
        session.sent = getattr(session, "sent", 0) + 1
        if session.sent > 2:
            return "421 4.7.0 too many messages on one connection"
        envelope.mail_from = address
        return "250 OK"


@pytest.mark.server
@pytest.mark.parametrize("refuse_sender", [False, True])
def test_a_provider_limiting_connections_or_refusing_the_sender_loses_nothing(site, refuse_sender):
    from aiosmtpd.controller import Controller

    followers = [f"reader{n}@example.org" for n in range(5)]
    site.store.add_confirmed([(a, "2021-01-01T00:00:00") for a in followers])
    site.publish(entry("first", 3))
    mailbox = Limiting(free_port(), refuse_sender)
    smtp = Controller(mailbox, hostname="127.0.0.1", port=mailbox.port)
    sender = outbox(site, mailbox.port)
    smtp.start()
    try:
        site.publish(entry("first", 3), entry("news"))
        finished = sender.send_queued()
    finally:
        smtp.stop()
    if refuse_sender:
        assert finished is False and mailbox.messages == []
        assert site.store.outbox_counts() == {"queued": 5}
    else:
        assert finished is True
        assert sorted(m["To"] for m in received(mailbox)) == followers
        assert site.store.outbox_counts() == {"sent": 5}
