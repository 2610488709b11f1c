"""Typogrify applied by the readers rather than by Pelican after them.

Pelican typogrifies what a reader returns on every build, even when the reader's result
comes from its content cache, and always in the main process. With the speed-ups on, the
readers do it instead (`TYPOGRIFY` is handed over to them at start-up, see settings.py),
with exactly the settings Pelican uses.
"""

from collections.abc import Callable

import smartypants
from typogrify.filters import typogrify

# Set when the readers apply typogrify in place of Pelican
# (see pathways.plugin_support.typography_on).
IN_READERS = "TYPOGRIFY_IN_READERS"


def take_over_typography(settings: dict) -> None:
    if settings.get("TYPOGRIFY"):
        settings["TYPOGRIFY"] = False
        settings[IN_READERS] = True


def typographer(settings: dict) -> Callable[[str], str] | None:
    """The text filter Pelican would apply with these settings, or None if typography is off."""
    if not settings.get(IN_READERS):
        return None
    dashes = {"oldschool": smartypants.Attr.set2, "oldschool_inverted": smartypants.Attr.set3}
    smartypants.Attr.default = dashes.get(settings["TYPOGRIFY_DASHES"], smartypants.Attr.set1)
    smartypants.Attr.default |= smartypants.Attr.w
    ignore_tags = settings["TYPOGRIFY_IGNORE_TAGS"]
    omitted = dict.fromkeys(settings["TYPOGRIFY_OMIT_FILTERS"], False)

    def apply(text: str) -> str:
        return typogrify(text, ignore_tags, **omitted)

    return apply


def typographic_metadata(metadata: dict, apply: Callable[[str], str]) -> dict:
    """Title and summary typogrified, as Pelican does after reading."""
    for name in ("title", "summary"):
        if name in metadata:
            metadata[name] = apply(metadata[name])
    return metadata
