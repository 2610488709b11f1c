"""The Markdown reader: named front-matter errors, reused Markdown instances (whose inline
step skips the patterns that cannot match), typography."""

import logging
import os
from typing import Any

from markdown import Markdown
from pelican.readers import DUPLICATES_DEFINITIONS_ALLOWED, BaseReader, MarkdownReader, Readers
from pelican.utils import pelican_open

from pathways.plugin_support import fast_build

from .fields import likely_field, two_way_date
from .highlighting import reuse_formatters
from .inline import skip_unmatchable_patterns
from .typography import readers_typogrify, typographer, typographic_metadata

logger = logging.getLogger(__name__)


DATE_FIELDS = ("date", "modified")


class FrontMatterError(Exception):
    """A front-matter field whose value cannot be used."""


# A converted source: its HTML, its raw front matter, and its formatted fields as HTML.
Converted = tuple[str, dict[str, list[str]], dict[str, str]]


class SiteMarkdownReader(MarkdownReader):
    """Pelican's Markdown reader, with clearer errors and less work per file."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._fast = fast_build(self.settings)
        self._typography = typographer(self.settings)
        self._document: Markdown | None = None
        self._fields: Markdown | None = None
        self.prefetched: Any = None

    def process_metadata(self, name: str, value: Any) -> Any:
        if name in DATE_FIELDS and two_way_date(value):
            self._fail(name, f"{value!r} can be read as two different dates")
        try:
            return super().process_metadata(name, value)
        except (ValueError, TypeError) as error:
            self._fail(name, f"has an invalid value {value!r} ({error})")

    def _fail(self, name: str, problem: str) -> None:
        source = os.path.relpath(self._source_path, self.settings["PATH"])
        message = f"{source}: the '{name.capitalize()}' field {problem}"
        if name in DATE_FIELDS:
            message += "; write it like 2024-03-01 09:30+01:00 (year, month, day)"
        logger.error(message)
        raise FrontMatterError(message)

    def read(self, source_path: str) -> tuple[str, dict]:
        self._source_path = source_path
        content, metadata = self._read(source_path)
        for name in metadata:
            meant = likely_field(name)
            if meant:
                source = os.path.relpath(source_path, self.settings["PATH"])
                logger.warning(
                    "%s: '%s:' is not a field this site reads: did you mean '%s:'?",
                    source,
                    name.capitalize(),
                    meant.capitalize(),
                )
        return content, metadata

    def _read(self, source_path: str) -> tuple[str, dict]:
        if not self._fast:
            return super().read(source_path)
        converted = self.prefetched.take(source_path) if self.prefetched else None
        content, meta, formatted = converted or self.convert(source_path)
        metadata = self._metadata(meta, formatted)
        if self._typography:
            typographic_metadata(metadata, self._typography)
        return content, metadata

    def convert(self, source_path: str) -> Converted:
        """The expensive part of reading, done here or in a worker process."""
        if self._document is None:
            self._document = self._markdown()
            self._fields = self._markdown()
            self._fields.preprocessors.deregister("meta")
        self._document.reset()
        with pelican_open(source_path) as text:
            content = self._document.convert(text)
        meta = getattr(self._document, "Meta", {})
        formatted = {}
        for name, value in meta.items():
            if name.lower() in self.settings["FORMATTED_FIELDS"]:
                self._fields.reset()
                formatted[name] = self._fields.convert("\n".join(value))
        if self._typography:
            content = self._typography(content)
        return content, meta, formatted

    def _markdown(self) -> Markdown:
        """A Markdown instance made with the settings, to be reused, doing less work."""
        return reuse_formatters(skip_unmatchable_patterns(Markdown(**self.settings["MARKDOWN"])))

    def _metadata(self, meta: dict[str, list[str]], formatted: dict[str, str]) -> dict:
        """Front matter to metadata, as `MarkdownReader._parse_metadata` does."""
        output = {}
        for name, value in meta.items():
            key = name.lower()
            if name in formatted:
                output[key] = self.process_metadata(key, formatted[name])
            elif not DUPLICATES_DEFINITIONS_ALLOWED.get(key, True):
                if len(value) > 1:
                    logger.warning(
                        "Duplicate definition of `%s` for %s. Using first one.",
                        key,
                        self._source_path,
                    )
                output[key] = self.process_metadata(key, value[0])
            elif len(value) > 1:
                output[key] = self.process_metadata(key, value)
            else:
                output[key] = self.process_metadata(key, value[0])
        return output


def _typographic(reader_class: type[BaseReader]) -> type[BaseReader]:
    """Another format's reader, typogrifying what it reads (Pelican no longer does)."""

    class TypographicReader(reader_class):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._typography = typographer(self.settings)

        def read(self, source_path: str) -> tuple[str, dict]:
            content, metadata = super().read(source_path)
            apply = self._typography
            return apply(content) if content else content, typographic_metadata(metadata, apply)

    TypographicReader.__name__ = reader_class.__name__
    return TypographicReader


def use_site_reader(readers: Readers) -> None:
    for extension, reader_class in list(readers.reader_classes.items()):
        if extension in MarkdownReader.file_extensions:
            readers.reader_classes[extension] = SiteMarkdownReader
        elif reader_class and readers_typogrify(readers.settings):
            readers.reader_classes[extension] = _typographic(reader_class)
