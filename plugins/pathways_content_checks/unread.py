"""Warn about posts Pelican would read by default but this site does not: a Markdown (or
other readable) file in `content/` outside the folders the settings give (`posts/`, `pages/`,
static files, comments, the glossary …), such as an article at the content root of a site
moved in from plain Pelican."""

import logging
from pathlib import Path
from typing import Any

logger = logging.getLogger(__name__)

# Files a writer keeps beside her content that are not posts.
NOT_POSTS = {"readme", "license", "changelog"}


def claimed_folders(settings: dict[str, Any]) -> list[Path]:
    """The folders inside the content folder that a setting (`…_PATH`, `…_PATHS`) gives a use."""
    content = Path(settings["PATH"]).resolve()
    folders = []
    for name, value in settings.items():
        if not name.endswith(("_PATH", "_PATHS")) or name == "PATH":
            continue
        for folder in [value] if isinstance(value, str) else value or []:
            if isinstance(folder, str) and folder and not Path(folder).is_absolute():
                folders.append((content / folder).resolve())
    return folders


def unread_sources(settings: dict[str, Any], extensions: set[str]) -> list[Path]:
    """Readable files of the content folder that no setting's folder holds."""
    content = Path(settings["PATH"]).resolve()
    claimed = claimed_folders(settings)
    found = []
    for path in sorted(content.rglob("*")):
        if path.suffix.lstrip(".").lower() not in extensions or not path.is_file():
            continue
        if path.stem.lower() in NOT_POSTS or any(part.startswith(".") for part in path.parts):
            continue
        if not any(folder == path or folder in path.parents for folder in claimed):
            found.append(path)
    return found


def warn_unread_sources(generator: Any) -> None:
    settings = generator.settings
    extensions = {extension.lower() for extension in generator.readers.extensions}
    content = Path(settings["PATH"]).resolve()
    posts = ", ".join(f"{content.name}/{folder}/" for folder in settings["ARTICLE_PATHS"])
    pages = ", ".join(f"{content.name}/{folder}/" for folder in settings["PAGE_PATHS"])
    for path in unread_sources(settings, extensions):
        logger.warning(
            "%s is not read: posts live in %s and pages in %s (not anywhere in %s/, as in a "
            "plain Pelican site); move it there",
            path,
            posts,
            pages,
            content.name,
        )
