"""Code highlighting's Pygments formatter made once per set of options, not once per block.

Python-Markdown's codehilite makes a new formatter for every code block, and Pygments' HTML
formatter works out the CSS of its whole style each time it is made, which costs more than
highlighting a short block. A formatter keeps nothing of what it formatted, so one made with
the same options formats any block the same way; the reader's Markdown instances are given
a formatter factory (codehilite's own `pygments_formatter` option, which takes a callable)
that makes the formatter codehilite would have made, once per set of options. The writer's
settings are not changed.
"""

from typing import Any

from markdown import Markdown
from markdown.extensions.codehilite import CodeHiliteExtension
from pygments.formatter import Formatter
from pygments.formatters import get_formatter_by_name
from pygments.util import ClassNotFound


class ReusedFormatters:
    """codehilite's formatter by name (as it finds it, 'html' if the name is unknown), made
    once per set of options that can be told apart (hashable)."""

    def __init__(self, name: str) -> None:
        self.name = name
        self._made: dict[tuple, Formatter] = {}

    def __call__(self, lang_str: str = "", **options: Any) -> Formatter:
        # `lang_str` is what codehilite gives a formatter class, not a formatter by name.
        try:
            key = tuple(sorted(options.items()))
            hash(key)
        except TypeError:
            return self._make(options)
        if key not in self._made:
            self._made[key] = self._make(options)
        return self._made[key]

    def _make(self, options: dict[str, Any]) -> Formatter:
        try:
            return get_formatter_by_name(self.name, **options)
        except ClassNotFound:
            return get_formatter_by_name("html", **options)


def reuse_formatters(document: Markdown) -> Markdown:
    """Give the document's codehilite extension, if any, formatters made once per options."""
    for extension in document.registeredExtensions:
        if isinstance(extension, CodeHiliteExtension):
            setting = extension.config["pygments_formatter"]
            if isinstance(setting[0], str):
                setting[0] = ReusedFormatters(setting[0])
    return document
