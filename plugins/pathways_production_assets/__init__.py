"""Production assets: minified HTML and CSS, theme files named by their content, and
gzip and brotli copies of text files.

With `MINIFY = True`, pages are minified with minify-html and stylesheets with rcssmin.
With `FINGERPRINT_ASSETS = True`, every file under `theme/` gets a content hash in its name
(`style.3f2a9c1d0e.css`) and every page, stylesheet and script is pointed at the new names,
so hosts can cache them for a year (see host_config). With `PRECOMPRESS = True`, each text
file gets `.gz` and `.br` copies for hosts that serve them (not when deploying to GitHub
Pages); `PRECOMPRESS_BROTLI_QUALITY`
(default 6) trades size for time: on a 1,000-post site, 9 saves 3 % of the bytes and takes 15
times as long. With the content cache on, compressed copies are kept in the cache folder by the
hash of what they compress, and a file that `pathways build` produced exactly as in the last
build is not finished again: the last build's finished file and copies are hard-linked in.
"""

import fnmatch
import hashlib
import json
import logging
import os
from collections.abc import Iterable, Iterator
from dataclasses import replace
from importlib.metadata import version
from pathlib import Path, PurePosixPath
from typing import Any

import rcssmin
from pelican import signals

from pathways.build_state import build_state
from pathways.carry import load_records, save_records
from pathways.plugin_support import (
    build_cache,
    build_workers,
    files_added,
    parallel_map,
    previous_output,
)

from .finishing import COMPRESSED_SUFFIXES, TEXT_SUFFIXES, Finishing

FINISHED_SUFFIXES = {*TEXT_SUFFIXES, *COMPRESSED_SUFFIXES}

logger = logging.getLogger(__name__)


def fingerprint(output: Path, folder: str) -> dict[str, str]:
    """Rename every file under `output/folder` to carry its hash; returns old -> new paths."""
    renamed = {}
    for path in sorted((output / folder).rglob("*")):
        if path.is_file():
            name = "/" + path.relative_to(output).as_posix()
            renamed[name] = _fingerprinted(name, path.read_bytes())
            path.rename(output / renamed[name].lstrip("/"))
    return renamed


def theme_fingerprints(settings: dict) -> dict[str, str]:
    """The names `fingerprint` will give the theme's files, worked out from the theme itself
    (the files Pelican copies, as it copies them, stylesheets minified), so pages can be
    finished as they are rendered, before the files are copied."""
    if not settings["FINGERPRINT_ASSETS"]:
        return {}
    renamed = {}
    for name, path in _theme_files(settings):
        data = path.read_bytes()
        if path.suffix == ".css" and settings["MINIFY"]:
            data = rcssmin.cssmin(path.read_text(encoding="utf-8")).encode("utf-8")
        renamed[name] = _fingerprinted(name, data)
    return dict(sorted(renamed.items()))


def _theme_files(settings: dict) -> Iterator[tuple[str, Path]]:
    """The theme's static files by their address in the site, as Pelican's static
    generator copies them (`THEME_STATIC_PATHS` into `THEME_STATIC_DIR`, less `IGNORE_FILES`)."""
    ignored = settings["IGNORE_FILES"]

    def kept(name: str) -> bool:
        return not any(fnmatch.fnmatch(name, pattern) for pattern in ignored)

    folder = "/" + settings["THEME_STATIC_DIR"].strip("/")
    for static in settings["THEME_STATIC_PATHS"]:
        source = Path(settings["THEME"]) / static
        if not kept(source.name):
            continue
        if source.is_file():
            yield f"{folder}/{source.name}", source
            continue
        for root, folders, files in os.walk(source, followlinks=True):
            folders[:] = [name for name in folders if kept(name)]
            for name in filter(kept, files):
                path = Path(root) / name
                if path.is_file():
                    yield f"{folder}/{path.relative_to(source).as_posix()}", path


def _fingerprinted(name: str, data: bytes) -> str:
    path = PurePosixPath(name)
    digest = hashlib.sha256(data).hexdigest()[:10]
    return str(path.with_name(f"{path.stem}.{digest}{path.suffix}"))


def finish_assets(pelican: Any) -> None:
    """Minify, fingerprint and precompress the built site, as the settings ask."""
    settings = pelican.settings
    output = Path(pelican.output_path)
    _minify_stylesheets(settings, output.rglob("*.css"))
    renamed = {}
    if settings["FINGERPRINT_ASSETS"]:
        renamed = fingerprint(output, settings["THEME_STATIC_DIR"])
    state = build_state(settings)
    rendered = state.rendered_pages
    finishing = state.finishing or _finishing(pelican, renamed)
    if finishing.renamed != renamed:
        if rendered:
            logger.error(
                "Files under %s/ came from elsewhere than the theme (%s): pages were finished "
                "without them; build with FAST_BUILD = False",
                settings["THEME_STATIC_DIR"],
                ", ".join(sorted(set(renamed) ^ set(finishing.renamed))),
            )
        finishing = _finishing(pelican, renamed)
    finishing = replace(finishing, rendered=rendered)
    cache = build_cache(settings)
    # Pages finished as they were rendered are recorded already; the rest are finished here.
    files = sorted(
        os.path.join(folder, name)
        for folder, _, names in os.walk(output)
        for name in names
        if os.path.splitext(name)[1] in FINISHED_SUFFIXES
        and os.path.join(folder, name) not in rendered
    )
    finished = parallel_map(finishing, [Path(file) for file in files], build_workers(settings))
    here = [record for record in finished if record is not None]
    records = [*rendered.values(), *here]
    carried = sum(
        1
        for record in here
        if record.path in finishing.last_build
        and record.files == finishing.last_build[record.path].files
    )
    logger.info(
        "Finished %d more files for production; %d more were as in the last build and carried over",
        len(here) - carried,
        carried,
    )
    if cache is None:
        return
    used = {record.digest for record in records}
    for kept in finishing.kept.iterdir():
        if kept.stem not in used:
            kept.unlink()
    save_records(cache, records)


def finish_added_files(pelican: Any, paths: list[Path]) -> None:
    """Minify and precompress files a later step added (they refer to no theme file)."""
    settings = pelican.settings
    _minify_stylesheets(settings, (path for path in paths if path.suffix == ".css"))
    finishing = _finishing(pelican, {}, recorded=False)
    parallel_map(finishing, paths, build_workers(settings))


def _minify_stylesheets(settings: dict, sheets: Iterable[Path]) -> None:
    if settings["MINIFY"]:
        for sheet in sheets:
            sheet.write_text(rcssmin.cssmin(sheet.read_text(encoding="utf-8")), encoding="utf-8")


def precompressing(settings: dict) -> bool:
    """Whether text files get `.gz` and `.br` copies: with `PRECOMPRESS`, unless the site is
    deployed to GitHub Pages, which compresses what it serves itself and would publish the
    copies as files of their own (and keep each publish's in the branch's history)."""
    deploy = settings["DEPLOY"]
    return bool(settings["PRECOMPRESS"]) and not (
        isinstance(deploy, dict) and deploy.get("target") == "git"
    )


def _signature(settings: dict, renamed: dict[str, str]) -> str:
    """Everything besides a file's own bytes that decides how it is finished."""
    return json.dumps(
        [
            Path(__file__).with_name("finishing.py").read_text(encoding="utf-8"),
            [version("minify-html"), version("brotli")],
            [settings["MINIFY"], precompressing(settings), settings["PRECOMPRESS_BROTLI_QUALITY"]],
            sorted(renamed.items()),
        ]
    )


def _kept_copies(cache: Path | None) -> Path | None:
    """The folder of compressed copies kept between builds (the cache is per settings)."""
    if cache is None:
        return None
    folder = cache / "precompressed"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def record_finished_files(pelican: Any) -> None:
    """With the build cache on, finished files are recorded, and pages are finished by the
    processes that render them (see pathways_parallel_writing) with this `Finishing`."""
    if build_cache(pelican.settings) is not None:
        build_state(pelican.settings).finishing = _finishing(
            pelican, theme_fingerprints(pelican.settings)
        )


def _finishing(pelican: Any, renamed: dict[str, str], *, recorded: bool = True) -> Finishing:
    """How this build finishes files, pointing them at the theme's files by `renamed`; with
    `recorded`, from and for the records the build cache keeps (when it is on)."""
    settings = pelican.settings
    cache = build_cache(settings) if recorded else None
    return Finishing(
        output=Path(pelican.output_path),
        minify=bool(settings["MINIFY"]),
        renamed=renamed,
        precompress=precompressing(settings),
        brotli_quality=int(settings["PRECOMPRESS_BROTLI_QUALITY"]),
        kept=_kept_copies(cache),
        signature=_signature(settings, renamed),
        previous=previous_output(settings) if recorded else None,
        last_build=load_records(cache),
        rendered={},
    )


def register() -> None:
    signals.initialized.connect(record_finished_files)
    signals.finalized.connect(finish_assets)
    files_added.connect(finish_added_files)
