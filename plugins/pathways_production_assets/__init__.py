"""Production assets: minified HTML and CSS, theme files named by their content, and
gzip and brotli copies of text files.

With `MINIFY = True`, pages are minified with minify-html and stylesheets with rcssmin.
With `FINGERPRINT_ASSETS = True`, every file under `theme/` gets a content hash in its name
(`style.3f2a9c1d0e.css`) and every page, stylesheet and script is pointed at the new names,
so hosts can cache them for a year (see host_config). With `PRECOMPRESS = True`, each text
file gets `.gz` and `.br` copies for hosts that serve them; `PRECOMPRESS_BROTLI_QUALITY`
(default 6) trades size for time: on a 1,000-post site, 9 saves 3 % of the bytes and takes 15
times as long. With the content cache on, compressed copies are kept in the cache folder by the
hash of what they compress, so a rebuild compresses only the files that changed.
"""

import hashlib
import os
import shutil
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import brotli
import minify_html
import rcssmin
from pelican import signals

from pathways.plugin_support import build_cache, build_workers, parallel_map

TEXT_SUFFIXES = (".html", ".css", ".js", ".json")
COMPRESSED_SUFFIXES = {".html", ".css", ".js", ".json", ".xml", ".svg", ".txt"}
MIN_COMPRESSED_SIZE = 256


def minified_page(html: str) -> str:
    return minify_html.minify(
        html, keep_closing_tags=True, keep_html_and_head_opening_tags=True, minify_css=True
    )


def fingerprint(output: Path, folder: str) -> dict[str, str]:
    """Rename every file under `output/folder` to carry its hash; returns old -> new paths."""
    renamed = {}
    for path in sorted((output / folder).rglob("*")):
        if not path.is_file():
            continue
        digest = hashlib.sha256(path.read_bytes()).hexdigest()[:10]
        target = path.with_name(f"{path.stem}.{digest}{path.suffix}")
        path.rename(target)
        renamed["/" + path.relative_to(output).as_posix()] = (
            "/" + target.relative_to(output).as_posix()
        )
    return renamed


def gzipped(data: bytes) -> bytes:
    """gzip at level 9 with no timestamp or name in the header, so builds are reproducible."""
    compressor = zlib.compressobj(level=9, wbits=16 + zlib.MAX_WBITS)
    return compressor.compress(data) + compressor.flush()


@dataclass(frozen=True)
class Finishing:
    """What to do to each file of the site; done to many files at once, in worker processes."""

    minify: bool
    renamed: dict[str, str]
    precompress: bool
    brotli_quality: int
    # Where compressed copies are kept between builds, by the hash of what they compress.
    kept: Path | None

    def __call__(self, path: Path) -> str | None:
        """Finish one file; returns the hash of the compressed copies it kept, if any."""
        if path.suffix in TEXT_SUFFIXES:
            text = original = path.read_text(encoding="utf-8")
            if self.minify and path.suffix == ".html":
                text = minified_page(text)
            for old, new in self.renamed.items():
                text = text.replace(old, new)
            if text != original:
                path.write_text(text, encoding="utf-8")
        if self.precompress and path.suffix in COMPRESSED_SUFFIXES:
            data = path.read_bytes()
            if len(data) >= MIN_COMPRESSED_SIZE:
                return self.compress(path, data)
        return None

    def compress(self, path: Path, data: bytes) -> str | None:
        copies = {
            path.with_name(path.name + ".gz"): lambda: gzipped(data),
            path.with_name(path.name + ".br"): lambda: brotli.compress(
                data, mode=brotli.MODE_TEXT, quality=self.brotli_quality
            ),
        }
        if self.kept is None:
            for copy, compressed in copies.items():
                copy.write_bytes(compressed())
            return None
        digest = hashlib.sha256(data).hexdigest()
        for copy, compressed in copies.items():
            kept = self.kept / f"{digest}{copy.suffix}"
            if not kept.exists():
                copy.write_bytes(compressed())
                _link(copy, kept)
            else:
                _link(kept, copy)
        return digest


def _link(source: Path, target: Path) -> None:
    """Hard-link `target` to `source` (a copy across file systems); an existing target stays."""
    try:
        os.link(source, target)
    except FileExistsError:
        pass
    except OSError:
        shutil.copyfile(source, target)


def finish_assets(pelican: Any) -> None:
    """Minify, fingerprint and precompress the built site, as the settings ask."""
    settings = pelican.settings
    output = Path(pelican.output_path)
    if settings["MINIFY"]:
        for sheet in output.rglob("*.css"):
            sheet.write_text(rcssmin.cssmin(sheet.read_text(encoding="utf-8")), encoding="utf-8")
    renamed = {}
    if settings["FINGERPRINT_ASSETS"]:
        renamed = fingerprint(output, settings.get("THEME_STATIC_DIR", "theme"))
    finishing = Finishing(
        minify=bool(settings["MINIFY"]),
        renamed=renamed,
        precompress=bool(settings["PRECOMPRESS"]),
        brotli_quality=int(settings["PRECOMPRESS_BROTLI_QUALITY"]),
        kept=_kept_copies(settings),
    )
    files = sorted(path for path in output.rglob("*") if path.is_file())
    used = set(parallel_map(finishing, files, build_workers(settings)))
    if finishing.kept is not None:
        for kept in finishing.kept.iterdir():
            if kept.stem not in used:
                kept.unlink()


def _kept_copies(settings: dict) -> Path | None:
    """The folder of compressed copies kept between builds (the cache is per settings)."""
    cache = build_cache(settings)
    if cache is None:
        return None
    folder = cache / "precompressed"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def register() -> None:
    signals.finalized.connect(finish_assets)
