"""Photos that load fast on a phone and tell no one where they were taken.

Every JPEG, PNG and WebP image in the site's static folders is published without its
metadata (location, camera, date) and turned as its EXIF orientation says, and gets smaller
copies at `PHOTOS_WIDTHS` (no wider than the photo) in AVIF (where Pillow writes it and
`PHOTOS_AVIF` is on), WebP and JPEG (PNG for images with transparency): all of them, so that
the preview can show a photo a post starts using at once. A post's `<img>` becomes a
`<picture>` with `width` and `height` from the file, linked to its largest copy (see `markup`).
GIF and SVG images are published as they are, with their dimensions in the page. Images
after the first load lazily.

Copies are made by `BUILD_WORKERS` processes and kept in the build cache (`photos/`) by the
hash of the file, so a rebuild only makes copies of new or changed photos.
"""

import json
import logging
import posixpath
import re
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote, urlparse

from defusedxml import ElementTree
from pelican import signals
from PIL import Image

from pathways.files import link_or_copy
from pathways.pelican_internals.content import content_html, intrasite_links, set_content_html
from pathways.pelican_internals.generators import ARTICLE_LISTS, PAGE_LISTS
from pathways.plugin_support import (
    build_cache,
    build_workers,
    parallel_map,
    post_refreshed,
)
from pathways.settings import read
from pathways.site.settings import PHOTOS

from .images import RESIZED_SUFFIXES, Job, avif_available, cache_key, file_digest, read_info
from .markup import Picture, image_sources, rewrite

logger = logging.getLogger(__name__)

# Photos as phones take them that the build cannot clean or make copies of.
PHONE_FORMATS = {".heic", ".heif"}
# In the build cache: each photo's digest by path, size and time (see images.file_digest).
DIGESTS = "photo-digests.json"

# Copies to put in place when the build has written the site, by output folder.
_placements: dict[str, list[tuple[Any, Path, dict]]] = {}
# Where copies are made for one build when there is no build cache, by output folder.
_scratch: dict[str, Path] = {}


def _contents(generators: list[Any]) -> list[Any]:
    seen, contents = set(), []
    for generator in generators:
        for name in (*ARTICLE_LISTS, *PAGE_LISTS):
            for item in getattr(generator, name, None) or []:
                if id(item) not in seen and hasattr(item, "_content"):
                    seen.add(id(item))
                    contents.append(item)
    return contents


def _linked(value: str, content: Any, static: dict) -> Any:
    """The static file a link of `content` names (the part after `{static}` or `{attach}`)."""
    value = unquote(urlparse(value).path)
    if value.startswith("/"):
        path = value[1:]
    else:
        path = posixpath.normpath(posixpath.join(content.relative_dir, value))
    return static.get(path)


def attach_linked_files(contents: list[Any], static: dict) -> None:
    """Move each file a post links with `{attach}` beside the post now, as Pelican does when
    it renders the post, so that the photo's copies are made for where it will be. A post
    that is not written (a draft in production) is not rendered, so moves nothing: beside
    it would be the site's root."""
    for content in contents:
        text = content_html(content)
        if "attach" not in text or not content.save_as:
            continue
        for link in intrasite_links(content, text):
            if link.group("what") == "attach":
                item = _linked(link.group("value"), content, static)
                if item is not None:
                    item.attach_to(content)


def _static_for(src: str, content: Any, settings: dict, static: dict, by_url: dict) -> Any:
    """The static file an image's `src` names: `{static}` and `{attach}` links and the site's
    own URLs."""
    linked = re.match(settings["INTRASITE_LINK_REGEX"] + "(?P<value>.*)$", src)
    if linked:
        if linked.group("what") not in ("static", "attach"):
            return None
        return _linked(linked.group("value"), content, static)
    siteurl = settings["SITEURL"]
    if siteurl and src.startswith(siteurl + "/"):
        src = src[len(siteurl) :]
    if src.startswith("/") and not src.startswith("//"):
        return by_url.get(unquote(urlparse(src).path).lstrip("/"))
    return None


def _svg_size(path: str) -> tuple[int, int] | None:
    """An SVG's size from its `width` and `height` (in pixels) or its `viewBox`."""
    try:
        root = ElementTree.parse(path).getroot()
    except Exception:  # defusedxml refuses hostile files with its own errors: leave them be.
        return None

    def number(value: str | None) -> float | None:
        try:
            return float(value.removesuffix("px")) if value else None
        except ValueError:
            return None

    width, height = number(root.get("width")), number(root.get("height"))
    if not (width and height):
        box = (root.get("viewBox") or "").replace(",", " ").split()
        if len(box) != 4:
            return None
        width, height = number(box[2]), number(box[3])
    return (round(width), round(height)) if width and height else None


def _raster_size(path: str) -> tuple[int, int] | None:
    try:
        with Image.open(path) as image:
            return image.size
    except (OSError, ValueError, Image.DecompressionBombError):
        return None


def _copies_folder(settings: dict) -> Path:
    cache = build_cache(settings)
    if cache is not None:
        return cache / "photos"
    output = str(settings["OUTPUT_PATH"])
    if output not in _scratch:
        _scratch[output] = Path(tempfile.mkdtemp(prefix="pathways-photos-"))
    return _scratch[output]


def _read_digests(settings: dict) -> dict[str, list]:
    cache = build_cache(settings)
    try:
        return json.loads((cache / DIGESTS).read_text(encoding="utf-8")) if cache else {}
    except (OSError, ValueError):
        return {}


def _write_digests(settings: dict, digests: dict[str, list]) -> None:
    cache = build_cache(settings)
    if cache is not None:
        cache.mkdir(parents=True, exist_ok=True)
        kept = {path: entry for path, entry in digests.items() if Path(path).exists()}
        (cache / DIGESTS).write_text(json.dumps(kept, sort_keys=True), encoding="utf-8")


def _make_copies(job: Job) -> dict | None:
    return job()


def prepare(contents: list[Any], settings: dict, static: dict, everything: bool) -> list[tuple]:
    """Make the copies of the photos the contents show (with `everything`, of every photo in
    the static folders), write the contents' images for them, and return what to put in
    place."""
    options = read(settings, PHOTOS)
    widths = tuple(options["PHOTOS_WIDTHS"])
    avif = options["PHOTOS_AVIF"] and avif_available()
    attach_linked_files(contents, static)
    # Read without marking the files' places as used (Pelican's `url` and `save_as` would,
    # and then refuse to move a file a post links with `{attach}`).
    by_url = {item.get_url_setting("url"): item for item in static.values()}
    used: dict[str, list[tuple[Any, str]]] = {}
    for content in contents:
        for src in image_sources(content_html(content)):
            item = _static_for(src, content, settings, static, by_url)
            if item is None:
                continue
            if Path(item.source_path).is_file():
                used.setdefault(item.source_path, []).append((content, src))
            else:
                logger.warning(
                    "%s: the image %s is not in %s/: check its folder and name (capitals "
                    "count) and save again",
                    content.relative_source_path,
                    src,
                    Path(settings["PATH"]).name,
                )
    shown = set(used)
    candidates = [
        item
        for item in static.values()
        if (everything or item.source_path in shown) and Path(item.source_path).is_file()
    ]
    folder = _copies_folder(settings)
    digests = _read_digests(settings)
    jobs, statics = [], []
    for item in candidates:
        if Path(item.source_path).suffix.lower() not in RESIZED_SUFFIXES:
            continue
        key = cache_key(file_digest(Path(item.source_path), digests), widths, avif)
        jobs.append(Job(Path(item.source_path), folder / key, widths, avif))
        statics.append(item)
    _write_digests(settings, digests)
    started, cached = time.monotonic(), sum(read_info(job.folder) is not None for job in jobs)
    infos = parallel_map(_make_copies, jobs, build_workers(settings))
    if jobs:
        logger.info(
            "Photos: %d ready (%d from the cache) in %.2f s",
            len(jobs),
            cached,
            time.monotonic() - started,
        )
    pictures: dict[str, Picture] = {}
    placements = []
    for item, job, info in zip(statics, jobs, infos, strict=True):
        if info is None:
            continue
        placements.append((item, job.folder, info))
        base = f"{settings['SITEURL']}/{quote(_variant_base(item, job.folder))}"
        pictures[item.source_path] = Picture(
            info["width"], info["height"], base, info["widths"], info["formats"]
        )
    for path in shown:
        if path in pictures:
            continue
        suffix = Path(path).suffix.lower()
        size = (
            _svg_size(path)
            if suffix == ".svg"
            else _raster_size(path)
            if suffix == ".gif"
            else None
        )
        if size:
            pictures[path] = Picture(*size)
    by_content: dict[int, tuple[Any, dict[str, Picture]]] = {}
    for path, uses in used.items():
        if path in pictures:
            for content, src in uses:
                by_content.setdefault(id(content), (content, {}))[1][src] = pictures[path]
    for content in contents:
        _, known = by_content.get(id(content), (content, {}))
        set_content_html(content, rewrite(content_html(content), known))
    return placements


def _variant_base(item: Any, folder: Path) -> str:
    """Where an image's smaller copies are published, without `-<width>.<format>`."""
    directory, name = posixpath.split(item.get_url_setting("save_as"))
    stem = posixpath.splitext(name)[0]
    return posixpath.join(directory, f"{stem}.{folder.name[:8]}")


def place(placements: list[tuple], output: Path) -> None:
    """Put the copies in the output: the cleaned full size over the file Pelican copied, and
    the smaller copies next to it."""
    for item, folder, info in placements:
        target = output / item.get_url_setting("save_as")
        target.parent.mkdir(parents=True, exist_ok=True)
        # A copy, never a link: Pelican writes its copy of the original into this file in
        # place when it builds into an existing folder, which would reach the kept copy too.
        target.unlink(missing_ok=True)
        shutil.copyfile(folder / info["full"], target)
        base = output / _variant_base(item, folder)
        for width in info["widths"]:
            for kind in info["formats"]:
                _link(folder / f"{width}.{kind}", base.with_name(f"{base.name}-{width}.{kind}"))


def _link(source: Path, target: Path) -> None:
    """`target` becomes the same file as `source` (a copy across file systems)."""
    target.unlink(missing_ok=True)
    link_or_copy(source, target)


def refuse_phone_formats(static: dict) -> None:
    """A phone's HEIC photo would be published as it is: with its location, and in a
    format only Safari shows. The build stops, saying what to do instead."""
    for path in sorted(static):
        if Path(path).suffix.lower() in PHONE_FORMATS:
            logger.error(
                "%s: HEIC photos keep their location and most browsers cannot show them: "
                "save it as JPEG instead (on an iPhone, Settings → Camera → Formats → Most "
                "Compatible; or export it as JPEG) and link that",
                path,
            )


def process_site(generators: list[Any]) -> None:
    settings = generators[0].settings
    static = generators[0].context.get("static_content", {})
    refuse_phone_formats(static)
    placements = prepare(_contents(generators), settings, static, everything=True)
    _placements[str(settings["OUTPUT_PATH"])] = placements


def place_copies(pelican: Any) -> None:
    output = str(pelican.settings["OUTPUT_PATH"])
    placements = _placements.pop(output, [])
    place(placements, Path(pelican.output_path))
    scratch = _scratch.pop(output, None)
    if scratch is not None:
        shutil.rmtree(scratch, ignore_errors=True)
        return
    cache = build_cache(pelican.settings)
    kept = {folder.name for _, folder, _ in placements}
    if cache is not None and (cache / "photos").is_dir():
        for folder in (cache / "photos").iterdir():
            if folder.name not in kept:
                shutil.rmtree(folder, ignore_errors=True)


def refresh_post(generator: Any, article: Any) -> None:
    """A post re-read by the preview gets its images written again. Their copies are in the
    output already: the last full build made copies of every photo in the static folders."""
    settings = generator.settings
    static = generator.context.get("static_content", {})
    prepare([article], settings, static, everything=False)
    scratch = _scratch.pop(str(settings["OUTPUT_PATH"]), None)
    if scratch is not None:
        shutil.rmtree(scratch, ignore_errors=True)


def register() -> None:
    signals.all_generators_finalized.connect(process_site)
    signals.finalized.connect(place_copies)
    post_refreshed.connect(refresh_post)
