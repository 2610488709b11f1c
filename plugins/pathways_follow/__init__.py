"""Follow by e-mail, in the build: the Follow page, and `FOLLOW_INDEX_SAVE_AS`, the published
posts with what their e-mail needs, which the service reads to send each new post once."""

import json
import logging
from pathlib import Path
from typing import Any

from pelican import signals

from pathways.follow.content import email_fields

logger = logging.getLogger(__name__)


def following(settings: dict) -> bool:
    return bool(settings.get("FOLLOW_EMAIL") and settings.get("COMMENTS_ENDPOINT"))


def write_follow_index(generator: Any, writer: Any) -> None:
    """The posts for the service, and the Follow page with its form."""
    settings = generator.settings
    if not following(settings):
        if settings.get("FOLLOW_EMAIL"):
            logger.warning("FOLLOW_EMAIL is on but COMMENTS_ENDPOINT is empty: no Follow form")
        return
    # Drafts too where they are written (the preview), marked so: the service never sends
    # them; `pathways subscribers preview` shows their e-mail.
    drafts = generator.drafts if settings.get("DRAFT_SAVE_AS") else []
    posts = [
        {
            **email_fields(article, settings["SITEURL"], settings["FOLLOW_CONTENT"]),
            "draft": article.status != "published",
        }
        for article in [*generator.articles, *drafts]
    ]
    path = Path(generator.output_path) / settings["FOLLOW_INDEX_SAVE_AS"]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"posts": posts}, indent=1, sort_keys=True), encoding="utf-8")
    writer.write_file(
        settings["FOLLOW_SAVE_AS"],
        generator.get_template("follow"),
        generator.context,
        relative_urls=settings["RELATIVE_URLS"],
        url=settings["FOLLOW_URL"],
        page_name="follow",
    )


def register() -> None:
    signals.article_writer_finalized.connect(write_follow_index)
