"""End to end in Chromium: a reader comments on the ketamine post, the writer approves it from
the command line, the rebuilt page shows it; then a reply, sent in place with JavaScript."""

import shutil

import pytest

from pathways.comments.service import ServiceConfig, create_app
from pathways.comments.store import CommentStore
from tests.servers import ServiceThread, serve_folder
from tests.sites import ROOT, build, free_port, run_pathways, write_settings


@pytest.fixture
def blog(tmp_path):
    """The shipped site, built to post comments to a comment service on 127.0.0.1."""
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    service_port = free_port()
    settings = write_settings(
        tmp_path, content, COMMENTS_ENDPOINT=f"http://127.0.0.1:{service_port}"
    )
    assert build(settings).returncode == 0
    output = tmp_path / "output"
    site_url, static = serve_folder(output)
    config = ServiceConfig(
        db_path=tmp_path / "comments.sqlite3",
        site_dir=output,
        site_url=site_url,
        allowed_origins=(site_url,),
        min_seconds=0,
    )
    with ServiceThread(create_app(config), port=service_port):
        yield site_url, settings, config
    static.shutdown()


def approve_all(settings, config) -> None:
    pending = [item.comment.id for item in CommentStore(config.db_path).list("pending")]
    assert pending
    database = {"PATHWAYS_COMMENTS_DB": str(config.db_path)}
    result = run_pathways(
        "comments", "--settings", str(settings), "approve", "--local", *pending, env=database
    )
    assert result.returncode == 0, result.stderr
    assert build(settings).returncode == 0


@pytest.mark.sample
@pytest.mark.build
@pytest.mark.server
def test_reader_comments_writer_approves_and_the_thread_appears(browser, blog):
    site_url, settings, config = blog
    post_url = f"{site_url}/posts/ketamine/"

    without_js = browser.new_context(java_script_enabled=False)
    page = without_js.new_page()
    page.goto(post_url)
    page.get_by_label("Name", exact=True).fill("Ana")
    page.get_by_label("Comment", exact=True).fill("Thank you for *sharing* this.")
    page.get_by_role("button", name="Send for moderation").click()
    page.wait_for_url(post_url + "#comment-pending")
    assert page.locator("#comment-pending").is_visible()
    assert "awaiting moderation" in page.locator("#comment-pending").inner_text()
    without_js.close()

    approve_all(settings, config)

    with_js = browser.new_context()
    page = with_js.new_page()
    page.goto(post_url)
    first = page.locator(".comment").first
    assert first.locator(".comment-author").inner_text() == "Ana"
    assert first.locator(".comment-body em").inner_text() == "sharing"

    first.get_by_role("link", name="Reply to Ana").click()
    assert "Replying to Ana" in page.locator(".replying-to").inner_text()
    assert page.evaluate("() => document.activeElement.id") == "comment-body"
    page.get_by_label("Name", exact=True).fill("Bo")
    page.get_by_label("Comment", exact=True).fill("Same here.")
    page.get_by_role("button", name="Send for moderation").click()
    status = page.locator(".form-status")
    status.filter(has_text="awaiting moderation").wait_for()
    assert page.url == post_url

    approve_all(settings, config)
    page.reload()
    reply = page.locator(".comment .comment .comment-card")
    assert reply.locator(".comment-author").inner_text() == "Bo"
    assert reply.locator(".comment-body").inner_text() == "Same here."
    with_js.close()


def test_when_the_service_does_not_answer_the_reader_is_told_in_words(browser, site_url):
    """The fixture site's form posts to a port where nothing listens."""
    page = browser.new_page()
    page.goto(f"{site_url}/posts/ketamine/")
    page.get_by_label("Name", exact=True).fill("Ana")
    page.get_by_label("Comment", exact=True).fill("Keep my words.")
    page.get_by_role("button", name="Send for moderation").click()
    status = page.locator(".form-status")
    status.filter(has_text="did not answer").wait_for()
    assert "Your text is still in the form." in status.inner_text()
    assert "Failed to fetch" not in status.inner_text()
    assert page.get_by_label("Comment", exact=True).input_value() == "Keep my words."
    page.close()
