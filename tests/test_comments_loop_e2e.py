"""From "Post a Comment" to the published page, across two checkouts of the site.

"server" runs the comment service (`pathways comments serve`, as the writer starts it) and
e-mails the writer through a real SMTP server; "laptop" holds the repository the writer
publishes from (`pathways publish`, what `make publish` runs) to a folder served over HTTP.
A reader comments in Chromium through the real form; the writer opens the e-mail's link and
presses Approve; the laptop's publish fetches the comment and the page shows it. A second
comment is approved from the laptop over HTTP. Wrong token, expired link, reused link and a
mail scanner's GET change nothing.
"""

import re
import shutil
import time
import urllib.request

import pytest

from pathways.comments.links import LinkSigner
from pathways.comments.store import CommentStore
from tests.comment_helpers import running_service
from tests.servers import mail_server, serve_folder
from tests.sites import ROOT, build, free_port, run_pathways, write_settings

TOKEN = "the-writers-moderation-token-5f0c2a"
POST = "/posts/ketamine/"


def checkout(folder, **settings):
    """A copy of the site's content with its own production settings."""
    content = folder / "content"
    shutil.copytree(ROOT / "content", content)
    return write_settings(
        folder, content, publish=True, SEARCH_INDEX=False, CHECK_LIVE_ADDRESSES=False, **settings
    ), content


def published_authors(site_url: str) -> list[str]:
    with urllib.request.urlopen(site_url + POST, timeout=10) as response:
        page = response.read().decode()
    return [a.get_text(strip=True) for a in soup_of(page).select(".comment .comment-author")]


def soup_of(html: str):
    from bs4 import BeautifulSoup

    return BeautifulSoup(html, "lxml")


def comment_through_the_form(browser, site_url: str, name: str, text: str) -> None:
    context = browser.new_context()
    page = context.new_page()
    page.goto(site_url + POST)
    page.get_by_label("Name", exact=True).fill(name)
    page.get_by_label("Email", exact=False).fill(f"{name.lower()}@example.org")
    page.get_by_label("Comment", exact=True).fill(text)
    page.get_by_role("button", name="Send for moderation").click()
    status = page.locator(".form-status")
    status.filter(has_text="awaiting moderation").wait_for()
    context.close()


@pytest.mark.sample
@pytest.mark.build
@pytest.mark.server
def test_a_comment_travels_from_the_form_to_the_published_page(browser, tmp_path):
    with mail_server() as mailbox:
        published = tmp_path / "published"
        published.mkdir()
        site_url, static = serve_folder(published)
        endpoint = f"http://127.0.0.1:{free_port()}"
        common = {"SITEURL": site_url, "COMMENTS_ENDPOINT": endpoint, "COMMENTS_MIN_SECONDS": 0}
        server_settings, _ = checkout(
            tmp_path / "server",
            COMMENTS_DB=str(tmp_path / "server-state" / "comments.sqlite3"),
            COMMENTS_SMTP={"host": "127.0.0.1", "port": mailbox.port, "to": "writer@example.org"},
            **common,
        )
        laptop_settings, laptop_content = checkout(
            tmp_path / "laptop", DEPLOY={"target": "folder", "path": str(published)}, **common
        )
        token_env = {"PATHWAYS_MODERATION_TOKEN": TOKEN}
        port = int(endpoint.rsplit(":", 1)[1])
        assert build(server_settings).returncode == 0
        with running_service(
            server_settings,
            None,
            port=port,
            env=token_env,
            log=(tmp_path / "service.log").open("w"),
        ):
            publish_with(laptop_settings, token_env)
            assert published_authors(site_url) == []

            # A reader comments through the real form; the writer gets an e-mail.
            comment_through_the_form(browser, site_url, "Ana", "This helped me *so* much.")
            message = mailbox.wait(1).get_content()
            link = re.search(rf"{re.escape(endpoint)}/moderation/link/\S+", message).group(0)

            # A mail scanner opens the link: nothing is decided.
            urllib.request.urlopen(link, timeout=10).read()
            database = CommentStore(tmp_path / "server-state" / "comments.sqlite3")
            [pending] = database.list("pending")
            comment_id = pending.comment.id

            # Another, expired link for the same comment changes nothing either.
            signer = LinkSigner(database.secret("link_secret"), 7)
            expires, signature = signer.sign(comment_id, now=time.time() - 30 * 86400)
            writer = browser.new_context()
            page = writer.new_page()
            expired = page.goto(
                f"{endpoint}/moderation/link/{comment_id}?expires={expires}&signature={signature}"
            )
            assert expired.status == 410 and "expired" in page.inner_text("main")
            assert database.get(comment_id).status == "pending"

            # The writer opens the e-mail's link and presses Approve.
            page.goto(link)
            assert "This helped me *so* much." in page.inner_text("main")
            page.get_by_role("button", name="Approve", exact=True).click()
            page.get_by_text("Approved.").wait_for()
            approved_at = time.monotonic()
            assert database.get(comment_id).status == "approved"

            # The laptop publishes: the comment is fetched, built and deployed.
            output = publish_with(laptop_settings, token_env)
            shown_at = time.monotonic()
            assert "Fetched 1 newly approved comment(s)" in output
            assert published_authors(site_url) == ["Ana"]
            assert (laptop_content / "comments" / "ketamine" / f"{comment_id}.md").exists()
            print(f"\nApprove to published page: {shown_at - approved_at:.1f} s")

            # The same link used again: it says so, and nothing changes.
            page.goto(link)
            assert "already approved" in page.inner_text("main")
            assert not page.get_by_role("button", name="Reject").count()
            writer.close()

            # A second comment, approved from the laptop over HTTP; a wrong token first.
            comment_through_the_form(browser, site_url, "Bo", "Same for me.")
            mailbox.wait(2)
            [second] = database.list("pending")
            wrong = run_pathways(
                "comments",
                "--settings",
                str(laptop_settings),
                "approve",
                second.comment.id,
                env={"PATHWAYS_MODERATION_TOKEN": "not-the-token"},
            )
            assert wrong.returncode == 1 and "refused the moderation token" in wrong.stderr
            assert database.get(second.comment.id).status == "pending"
            approve = run_pathways(
                "comments",
                "--settings",
                str(laptop_settings),
                "approve",
                second.comment.id,
                env=token_env,
            )
            assert approve.returncode == 0, approve.stderr
            assert database.get(second.comment.id).status == "approved"
            output = publish_with(laptop_settings, token_env)
            assert "Fetched 0 newly approved comment(s) (2 already here)" in output
            assert published_authors(site_url) == ["Ana", "Bo"]
        static.shutdown()


def publish_with(settings, env) -> str:
    result = run_pathways("publish", "--settings", str(settings), env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout
