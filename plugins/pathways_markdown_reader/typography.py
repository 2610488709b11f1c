"""Typogrify applied by the readers rather than by Pelican after them.

Pelican typogrifies what a reader returns on every build, even when the reader's result
comes from its content cache, and always in the main process. With the speed-ups on and
`TYPOGRIFY = True`, the readers do it instead, with exactly the settings Pelican uses, and
Pelican's `Readers` object is given a copy of the settings with `TYPOGRIFY` off
(`hide_typography_from_pelican`), so it is not done twice. The settings themselves stay as
the writer wrote them: every other plugin sees `TYPOGRIFY` as it is. The filter is
`fast_typogrify.typogrify`, which gives typogrify's output with less work.
"""

from collections.abc import Callable, Mapping
from typing import Any

import smartypants

from pathways.plugin_support import fast_build

from .fast_typogrify import typogrify


def readers_typogrify(settings: Mapping[str, Any]) -> bool:
    """Whether the site's readers apply typography in place of Pelican."""
    return bool(settings["TYPOGRIFY"]) and fast_build(settings)


def hide_typography_from_pelican(generator: Any) -> None:
    """Give the generator's `Readers` the settings with `TYPOGRIFY` off (see above)."""
    if readers_typogrify(generator.settings):
        generator.readers.settings = {**generator.readers.settings, "TYPOGRIFY": False}


def typographer(settings: Mapping[str, Any]) -> Callable[[str], str] | None:
    """The text filter Pelican would apply with these settings, or None if the readers
    leave typography to Pelican (or it is off)."""
    if not readers_typogrify(settings):
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
