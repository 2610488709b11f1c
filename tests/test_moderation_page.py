"""The moderation page a notification links to, as the writer opens it on her phone: the
post named by its title, the time in the blog's zone, the text wrapped, axe clean."""

import json
from datetime import UTC, datetime

import pytest
from axe_playwright_python.sync_playwright import Axe

from pathways.comments.model import make_comment
from pathways.comments.service import CommentService, ServiceConfig
from pathways.comments.store import CommentStore
from tests.servers import ServiceThread, serve_folder
from tests.test_browser import WCAG_TAGS

LONG_WORD = "pacing" * 60
LONG_ADDRESS = "a-very-long-address-" * 5 + "@example.org"


@pytest.mark.build
@pytest.mark.server
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_moderation_page_fits_a_phone_and_names_the_post(
    production_site, browser, tmp_path, scheme
):
    slug, post = next(
        iter(json.loads((production_site / "comments/posts.json").read_text())["posts"].items())
    )
    site_url, folder_server = serve_folder(production_site)
    config = ServiceConfig(
        db_path=tmp_path / "c.sqlite3",
        site_dir=production_site,
        site_url=site_url,
        allowed_origins=(site_url,),
        timezone="America/New_York",
    )
    service = CommentService(config)
    written = datetime(2024, 1, 2, 15, 30, tzinfo=UTC)
    comment = make_comment(
        post_slug=slug,
        author="Ana",
        body=f"First line.\n\n{LONG_WORD}\nhttps://example.org/{LONG_WORD}",
        date=written,
    )
    stored, _ = CommentStore(config.db_path).add(comment, email=LONG_ADDRESS)
    try:
        with ServiceThread(service.app()) as running:
            config.public_url = running.url
            context = browser.new_context(
                viewport={"width": 375, "height": 800}, color_scheme=scheme
            )
            page = context.new_page()
            page.goto(service.moderation_link(stored.id))
            text = page.locator("main").inner_text()
            assert post["title"] in text and f"On the post {slug}" not in text
            assert "January 2, 2024 at 10:30 EST" in text  # 15:30 UTC in New York
            assert page.evaluate("document.documentElement.scrollWidth") <= 375
            body = page.locator(".moderated-body")
            assert body.evaluate("e => e.scrollWidth <= e.clientWidth")
            assert "First line.\n\n" in body.inner_text()  # the reader's lines are kept
            results = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}})
            # The page's own button works in a real browser (its POST is from the same origin).
            page.get_by_role("button", name="Approve", exact=True).click()
            page.get_by_text("Approved.").wait_for()
            context.close()
    finally:
        folder_server.shutdown()
    assert CommentStore(config.db_path).get(stored.id).status == "approved"
    assert results.violations_count == 0, results.generate_report()
