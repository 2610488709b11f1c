"""Mistakes in a site's settings, found before it is built: a name that is a typo of a known
one (`SITE_NAME` for `SITENAME`: Pelican would ignore it silently and build with the
default), a value of the wrong kind, and plugins listed out of their order.

A setting the engine renamed is named with its new name (see `pathways.blog.renamed`).
One rule for all of them: a warning in the preview (`make html`, `make devserver`, in the
terminal and on the preview's pages), an error in a production build (`make check`,
`make publish`), which then builds nothing.
"""

import difflib
import re
from collections.abc import Mapping
from typing import Any

from pelican.settings import DEFAULT_CONFIG

from pathways.blog.renamed import RENAMED
from pathways.plugin_order import order_problems
from pathways.settings import bad_values, declared

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


def setting_mistakes(settings: dict[str, Any], file_name: str) -> list[str]:
    """Every mistake in `settings`, read from `file_name`, one sentence each; a bad value is
    replaced in `settings` by its default."""
    renamed = [
        f"{name} in {file_name} is now called {RENAMED[name][0]} (since {RENAMED[name][1]}):"
        " rename it, or run make upgrade"
        for name in sorted(settings)
        if name in RENAMED
    ]
    typos = [
        f"{name} in {file_name} is not a setting this site knows: did you mean {likely}?"
        for name, likely in likely_typos(settings).items()
        if name not in RENAMED
    ]
    values = [f"{file_name}: {problem}" for problem in bad_values(settings)]
    order = [f"{file_name}: {problem}" for problem in order_problems(settings["PLUGINS"] or [])]
    return renamed + typos + values + order
