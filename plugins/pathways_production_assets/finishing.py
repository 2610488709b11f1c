"""What is done to each file of the built site: minified, pointed at fingerprinted theme
files, compressed; or, when the file is what it was in the last build, carried over from
the site being replaced (see `pathways.carry`)."""

import hashlib
import zlib
from dataclasses import dataclass
from pathlib import Path

import brotli
import minify_html

from pathways.carry import Record, carry, identities
from pathways.files import link_or_copy

TEXT_SUFFIXES = (".html", ".css", ".js", ".json")
COMPRESSED_SUFFIXES = {".html", ".css", ".js", ".json", ".xml", ".svg", ".txt"}
MIN_COMPRESSED_SIZE = 256


def minified_page(html: str) -> str:
    return minify_html.minify(
        html, keep_closing_tags=True, keep_html_and_head_opening_tags=True, minify_css=True
    )


def gzipped(data: bytes) -> bytes:
    """gzip with no timestamp or name in the header, so builds are reproducible. Level 6
    (gzip's own default): on built pages level 9 takes 13% more time for 0.1% smaller files."""
    compressor = zlib.compressobj(level=6, wbits=16 + zlib.MAX_WBITS)
    return compressor.compress(data) + compressor.flush()


@dataclass(frozen=True)
class Finishing:
    """What to do to each file of the site; done to many files at once, in worker processes."""

    output: Path
    minify: bool
    renamed: dict[str, str]
    precompress: bool
    brotli_quality: int
    # Where compressed copies are kept between builds, by the hash of what they compress.
    kept: Path | None
    # What finishing depends on besides the file itself (settings, this code's version).
    signature: str
    # The site this build replaces, and what the build that made it left of each file.
    previous: Path | None
    last_build: dict[str, Record]
    # The pages the writer finished as it rendered them (or carried over), by path.
    rendered: dict[str, Record]

    def __call__(self, path: Path) -> Record | None:
        """Finish one file; returns its record when it is one this step changes or copies."""
        if path.suffix not in TEXT_SUFFIXES and path.suffix not in COMPRESSED_SUFFIXES:
            return None
        finished = self.rendered.get(str(path))
        if finished is not None:
            return finished
        return self.finish(path, path.read_bytes())

    def finish(self, path: Path, data: bytes, render: str = "", on_disk: bool = True) -> Record:
        """Finish `path`, whose bytes as built are `data` (already in the file, or not yet
        with `on_disk` false): carried over from the last build when they are the same, else
        minified, pointed at the theme's files and compressed. `render` is the render key of
        the page it was rendered from, if any."""
        name = path.relative_to(self.output).as_posix()
        key = hashlib.sha256(self.signature.encode() + data).hexdigest()
        last = self.last_build.get(name)
        if last is not None and last.key == key and carry(self.previous, last, path):
            return last._replace(render=render)
        if path.suffix in TEXT_SUFFIXES:
            data = self._transformed(path, data, on_disk)
        elif not on_disk:
            path.write_bytes(data)
        digest = ""
        compressed = self.precompress and path.suffix in COMPRESSED_SUFFIXES
        if compressed and len(data) >= MIN_COMPRESSED_SIZE:
            digest = self.compress(path, data)
        return Record(name, key, digest, identities(path), render)

    def _transformed(self, path: Path, data: bytes, on_disk: bool) -> bytes:
        """The file as finished, written over the built one (never a carried file: `finish`
        carries only where it writes nothing)."""
        text = original = data.decode("utf-8")
        if self.minify and path.suffix == ".html":
            text = minified_page(text)
        for old, new in self.renamed.items():
            text = text.replace(old, new)
        if text == original and on_disk:
            return data
        data = text.encode("utf-8")
        path.write_bytes(data)
        return data

    def compress(self, path: Path, data: bytes) -> str:
        """Write the `.gz` and `.br` copies; returns the hash they are kept under (or "")."""
        copies = {
            path.with_name(path.name + ".gz"): lambda: gzipped(data),
            path.with_name(path.name + ".br"): lambda: brotli.compress(
                data, mode=brotli.MODE_TEXT, quality=self.brotli_quality
            ),
        }
        if self.kept is None:
            for copy, compressed in copies.items():
                copy.write_bytes(compressed())
            return ""
        # Kept by what they compress and how (this code, the libraries' versions, settings).
        digest = hashlib.sha256(self.signature.encode() + data).hexdigest()
        for copy, compressed in copies.items():
            kept = self.kept / f"{digest}{copy.suffix}"
            if not kept.exists():
                copy.write_bytes(compressed())
                link_or_copy(copy, kept)
            else:
                link_or_copy(kept, copy)
        return digest
