"""Warn about a setting whose name is a typo of a known one (`SITE_NAME` for `SITENAME`):
Pelican would ignore it silently and build with the default."""

import difflib
import re
from collections.abc import Mapping
from typing import Any

from pelican.settings import DEFAULT_CONFIG

from pathways.settings import declared

# Settings Pelican and its theme read without a default in DEFAULT_CONFIG.
PELICAN_WITHOUT_DEFAULT = {
    "TIMEZONE",
    "SITESUBTITLE",
    "FEED_DOMAIN",
    "MENUITEMS",
    "LINKS",
    "SOCIAL",
}
# The feeds' names (FEED_ALL_RSS, TAG_FEED_ATOM_URL …): Pelican reads each that is set.
FEED_SETTING = re.compile(r"^[A-Z_]*FEED_(ALL_)?(ATOM|RSS)(_URL)?$")
# How alike two names must be (difflib's ratio) to call one a typo of the other.
CLOSE = 0.8


def known_names(settings: Mapping[str, Any]) -> set[str]:
    """Every setting name this site or Pelican reads."""
    pages = {
        f"{template.upper()}_{suffix}"
        for template in settings.get("DIRECT_TEMPLATES", ())
        for suffix in ("URL", "SAVE_AS")
    }
    return set(DEFAULT_CONFIG) | set(declared()) | PELICAN_WITHOUT_DEFAULT | pages


def likely_typos(settings: Mapping[str, Any]) -> dict[str, str]:
    """Upper-case names in `settings` that are not known but close to one: name → likely one."""
    known = known_names(settings)
    typos = {}
    for name in sorted(settings):
        if not name.isupper() or name in known or FEED_SETTING.match(name):
            continue
        match = difflib.get_close_matches(name, known, n=1, cutoff=CLOSE)
        if match:
            typos[name] = match[0]
    return typos
