"""End to end: a reader follows the blog in Chromium, confirms from the e-mail, and gets the
writer's next post once, through a real SMTP server; the service killed while it sends still
sends each follower exactly one; one-click unsubscribe stops the next post."""

import sqlite3
import time
import urllib.request
from contextlib import closing
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.follow_helpers import (
    import_followers,
    link_in,
    make_blog,
    posts_to,
    received,
)
from tests.servers import mail_server, serve_folder

pytestmark = [pytest.mark.build, pytest.mark.server]
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


@pytest.fixture
def mailbox():
    with mail_server() as box:
        yield box


@pytest.fixture
def blog(tmp_path, mailbox):
    (tmp_path / "output").mkdir()
    site_url, static = serve_folder(tmp_path / "output")
    yield make_blog(tmp_path, site_url, mailbox.port)
    static.shutdown()


def wait_for(mailbox, count: int) -> list:
    mailbox.wait(count)
    return received(mailbox)


def settle(blog, seconds: float = 1.5) -> None:
    """Time for the service to look at the site a few times (it looks every 0.2 s)."""
    time.sleep(seconds)


def assert_accessible(page) -> None:
    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}})
    assert results.response["violations"] == [], results.generate_report()


def one_click(url: str) -> int:
    request = urllib.request.Request(
        url,
        data=b"List-Unsubscribe=One-Click",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.status


@pytest.mark.browser
def test_reader_follows_confirms_and_gets_each_new_post_once(browser, blog, mailbox, tmp_path):
    service = blog.start_service(tmp_path / "service.log")
    try:
        page = browser.new_context(java_script_enabled=False).new_page()
        page.goto(f"{blog.site_url}/posts/before/")
        page.get_by_label("Your e-mail address").fill("reader@example.org")
        page.get_by_role("button", name="Follow").click()
        assert "an e-mail to confirm is on its way" in page.locator("main").inner_text()

        [confirmation] = wait_for(mailbox, 1)
        assert confirmation["To"] == "reader@example.org"
        link = link_in(confirmation, "confirm")
        # The service's page allows no script; axe is let in by the browser alone.
        checker = browser.new_context(bypass_csp=True).new_page()
        checker.goto(link)
        assert_accessible(checker)
        page.goto(link)
        page.get_by_role("button", name="Confirm").click()
        assert page.get_by_role("heading").inner_text() == "You follow the blog"

        import_followers(blog, ["friend@example.net"])
        blog.publish("news.md", "News from the clinic")
        messages = wait_for(mailbox, 3)
        [news] = posts_to(messages, "reader@example.org", "News from the clinic")
        assert news["From"] == "Pathways <blog@example.org>"
        unsubscribe = news["List-Unsubscribe"].strip("<>")
        assert unsubscribe.startswith(f"{blog.service_url}/follow/unsubscribe?")
        assert news["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        # What the reader reads (typography joins a title's last words with a no-break space).
        text = " ".join(news.get_body(("plain",)).get_content().split())
        html = news.get_body(("html",)).get_content()
        assert "About News from the clinic." in text and unsubscribe in text
        assert "<img" not in html and "Stop these e-mails" in html
        assert len(posts_to(messages, "friend@example.net", "News from the clinic")) == 1

        # Publishing again (an edit, the same post) sends nothing more.
        blog.publish("news.md", "News from the clinic", summary="Edited.")
        settle(blog)
        assert len(mailbox.messages) == 3

        assert one_click(unsubscribe) == 200
        blog.publish("later.md", "A later post")
        messages = wait_for(mailbox, 4)
        settle(blog)
        messages = received(mailbox)
        assert len(posts_to(messages, "friend@example.net", "A later post")) == 1
        assert posts_to(messages, "reader@example.org", "A later post") == []
        assert len(messages) == 4
        listing = blog.pathways("subscribers", "list").stdout
        assert "friend@example.net  [confirmed]" in listing
        assert "reader@example.org" not in listing
        # The reader left: what was sent to her went with her address.
        assert "Outbox: 0 queued, 2 sent, 0 failed." in listing
    finally:
        service.terminate()
        service.wait(timeout=10)


def wait_until_sent(database: Path, count: int, timeout: float = 30) -> None:
    """Until the service's outbox records `count` messages as sent."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with closing(sqlite3.connect(database)) as db:
            (sent,) = db.execute(
                "SELECT COUNT(*) FROM follow_outbox WHERE state = 'sent'"
            ).fetchone()
        if sent >= count:
            return
        time.sleep(0.05)
    raise AssertionError(f"the outbox did not record {count} messages as sent")


def test_a_service_killed_between_two_messages_still_sends_each_follower_one(tmp_path, mailbox):
    (tmp_path / "output").mkdir()
    site_url, static = serve_folder(tmp_path / "output")
    # A message every three seconds: the service is killed in the pause after the second,
    # once its database says the second was sent (not while a message is in flight).
    blog = make_blog(tmp_path, site_url, mailbox.port, FOLLOW_RATE=(1, 3))
    followers = [f"follower{n}@example.org" for n in range(6)]
    log = tmp_path / "service.log"
    service = blog.start_service(log)
    try:
        import_followers(blog, followers)
        blog.publish("news.md", "News")
        mailbox.wait(2)
        wait_until_sent(tmp_path / "comments.sqlite3", 2)
        service.kill()
        service.wait(timeout=10)
        sent_before = len(mailbox.messages)
        assert sent_before < len(followers)
        service = blog.start_service(log)
        mailbox.wait(len(followers))
        settle(blog)
        messages = received(mailbox)
        for follower in followers:
            assert len(posts_to(messages, follower, "News")) == 1, follower
        assert len(messages) == len(followers)
    finally:
        service.terminate()
        service.wait(timeout=10)
        static.shutdown()


@pytest.mark.browser
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_follow_form_and_page_are_accessible_at_320_px_and_wide(browser, blog, scheme):
    for width in (320, 1280):
        context = browser.new_context(viewport={"width": width, "height": 800}, color_scheme=scheme)
        page = context.new_page()
        for path in ("/posts/before/", "/follow/"):
            page.goto(blog.site_url + path)
            form = page.locator("form.follow-form")
            assert form.get_attribute("action") == f"{blog.service_url}/follow/subscribe"
            assert page.get_by_label("Your e-mail address").get_attribute("type") == "email"
            assert_accessible(page)
            scroll = page.evaluate("document.documentElement.scrollWidth")
            assert scroll <= width, path
        page.goto(blog.site_url + "/")
        assert page.get_by_role("link", name="Follow", exact=True).get_attribute("href") in (
            "/follow/",
            "follow/",
            "./follow/",
        )
        context.close()
