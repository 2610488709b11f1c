"""Pelican's content cache, kept apart per set of settings.

Pelican keys its content cache by source file and modification time only, so after a change
of Markdown extensions, typography or URL settings it would hand back content read the old
way. Each set of settings therefore gets its own cache folder under CACHE_PATH, named by a
hash of the settings and of the versions of the packages that read; folders unused for a
week are removed. `FAST_BUILD = False` turns the content cache off.
"""

import hashlib
import json
import shutil
import time
from importlib.metadata import version
from pathlib import Path
from typing import Any

from pathways.plugin_support import BUILD_LOCAL_SETTINGS, fast_build

UNUSED_CACHE_DAYS = 7
READING_PACKAGES = ("pelican", "markdown", "pygments", "typogrify", "smartypants")


def prepare_settings(pelican: Any) -> None:
    settings = pelican.settings
    if not fast_build(settings):
        settings["CACHE_CONTENT"] = False
        settings["LOAD_CONTENT_CACHE"] = False
        return
    if settings.get("CACHE_CONTENT"):
        settings["CACHE_PATH"] = str(cache_folder(settings))


def settings_hash(settings: dict) -> str:
    """A hash of every plain setting (functions and objects count by their type only)."""
    plain = json.dumps(
        {
            name: value
            for name, value in settings.items()
            if name.isupper() and name not in BUILD_LOCAL_SETTINGS
        },
        sort_keys=True,
        default=lambda value: type(value).__qualname__,
    )
    versions = ",".join(version(package) for package in READING_PACKAGES)
    return hashlib.sha256(f"{plain}\n{versions}".encode()).hexdigest()[:16]


def cache_folder(settings: dict) -> Path:
    root = Path(settings["CACHE_PATH"])
    folder = root / settings_hash(settings)
    folder.mkdir(parents=True, exist_ok=True)
    folder.touch()
    cutoff = time.time() - UNUSED_CACHE_DAYS * 86400
    for other in root.iterdir():
        if other.is_dir() and other != folder and other.stat().st_mtime < cutoff:
            shutil.rmtree(other, ignore_errors=True)
    return folder
