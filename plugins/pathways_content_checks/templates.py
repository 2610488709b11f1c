"""Fail the build when the theme lacks a template Pelican renders with.

Pelican quietly falls back to its own plain template for any the theme does not have: a
deleted `article.html` would publish posts without their comments, disclaimer or share
links, and the build would say nothing.
"""

import logging
from pathlib import Path
from typing import Any

logger = logging.getLogger(__name__)

# What Pelican renders pages with, besides the settings' DIRECT_TEMPLATES.
RENDERED = ("article", "page", "tag", "category", "author", "period_archives")


def missing_templates(settings: dict) -> list[Path]:
    """The templates Pelican will render with that the theme does not have."""
    folder = Path(settings["THEME"]) / "templates"
    names = dict.fromkeys(["base", *RENDERED, *settings["DIRECT_TEMPLATES"]])
    return [folder / f"{name}.html" for name in names if not (folder / f"{name}.html").exists()]


def check_theme(pelican: Any) -> None:
    for path in missing_templates(pelican.settings):
        logger.error(
            "%s is missing: without it Pelican would publish those pages with its own plain "
            "template; restore it (git checkout -- %s) or write one",
            path,
            path,
        )
