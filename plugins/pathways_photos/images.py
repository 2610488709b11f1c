"""The published copies of one photo, made with Pillow: a full-size copy and smaller ones.

Every copy has the photo's EXIF orientation applied and carries no metadata but its colour
profile: no location, camera, date or comment. The copies of a photo are kept in one folder
named by the hash of its bytes and of the recipe, with `info.json` saying what is there, so a
rebuild makes copies only for photos that are new or changed.
"""

import hashlib
import json
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PIL import Image, ImageOps, UnidentifiedImageError, features

logger = logging.getLogger(__name__)

# Formats whose photos get smaller copies; anything else (GIF, SVG…) is published as it is.
RESIZED_FORMATS = {"JPEG": "jpg", "MPO": "jpg", "PNG": "png", "WEBP": "webp"}
RESIZED_SUFFIXES = {".jpg", ".jpeg", ".png", ".webp"}
# Changing how copies are made changes this, so that kept copies are made again.
RECIPE = "4"
ORIENTATION = 0x0112
# Encoder speeds chosen for build time: on a 1600-pixel photo, WebP's method 2 takes a third of
# the time of method 4 for 4 % more bytes, and AVIF's speed 9 half the time of speed 8.
QUALITY = {"avif": {"quality": 55, "speed": 9}, "webp": {"quality": 75, "method": 2}}
FALLBACK = {
    "jpg": {"quality": 78, "optimize": True, "progressive": True},
    "png": {"optimize": True},
}


def avif_available() -> bool:
    """Whether the installed Pillow writes AVIF."""
    return bool(features.check("avif"))


@dataclass(frozen=True)
class Job:
    """Make the copies of `source` in `folder`: the full-size copy and the smaller copies at
    `widths` (none wider than the photo)."""

    source: Path
    folder: Path
    widths: tuple[int, ...]
    avif: bool

    def __call__(self) -> dict[str, Any] | None:
        return make_copies(self)


def cache_key(digest: str, widths: tuple[int, ...], avif: bool) -> str:
    """The name of the folder of a photo's copies: its content's digest and the recipe."""
    recipe = f"{RECIPE}|{Image.__version__}|{','.join(map(str, widths))}|{avif}"
    return hashlib.sha256(f"{recipe}\0{digest}".encode()).hexdigest()[:32]


def file_digest(path: Path, known: dict[str, list]) -> str:
    """The SHA-256 of a file's bytes, taken from `known` (path -> [size, mtime_ns, digest])
    while its size and time are unchanged, so that an unchanged photo is not read again."""
    stat = path.stat()
    stamp = [stat.st_size, stat.st_mtime_ns]
    entry = known.get(str(path))
    if entry is not None and entry[:2] == stamp:
        return entry[2]
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    known[str(path)] = [*stamp, digest]
    return digest


def read_info(folder: Path) -> dict[str, Any] | None:
    try:
        return json.loads((folder / "info.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def make_copies(job: Job) -> dict[str, Any] | None:
    """The photo's published copies in `job.folder` (made unless already there) and what
    they are; None when Pillow cannot read the file."""
    info = read_info(job.folder)
    if info is not None:
        return info
    job.folder.mkdir(parents=True, exist_ok=True)
    try:
        with Image.open(job.source) as image:
            info = _copy(image, job)
    except (OSError, UnidentifiedImageError, Image.DecompressionBombError, ValueError) as error:
        logger.warning(
            "%s: cannot read this image (%s); it is published as it is", job.source, error
        )
        return None
    (job.folder / "info.json").write_text(json.dumps(info, sort_keys=True), encoding="utf-8")
    return info


def _copy(image: Image.Image, job: Job) -> dict[str, Any]:
    kind = RESIZED_FORMATS[image.format]
    # A phone's JPEG may hold a second, smaller picture (MPO): only the first is published.
    animated = kind != "jpg" and bool(getattr(image, "is_animated", False))
    icc = image.info.get("icc_profile")
    upright = _upright(image)
    full = f"full.{kind}"
    if animated:
        # Animated WebP and PNG keep their frames: copied with their metadata left out.
        image.info = {}
        image.save(job.folder / full, save_all=True, icc_profile=icc)
    elif upright is image and image.format == "JPEG":
        image.info = {}
        image.save(job.folder / full, quality="keep", subsampling="keep", icc_profile=icc)
    else:
        upright.info = {}
        options = {"quality": 90} if kind in ("jpg", "webp") else {"optimize": True}
        upright.save(job.folder / full, icc_profile=icc, **options)
    width, height = upright.size
    info = {"width": width, "height": height, "full": full, "animated": animated}
    info.update(widths=[], formats=[], fallback=kind)
    if not animated:
        info.update(_resized(upright, job, kind, icc))
    return info


def _upright(image: Image.Image) -> Image.Image:
    """The image turned as its EXIF orientation says (the image itself when it needs none)."""
    if image.getexif().get(ORIENTATION, 1) in (2, 3, 4, 5, 6, 7, 8):
        return ImageOps.exif_transpose(image)
    return image


def _resized(image: Image.Image, job: Job, kind: str, icc: bytes | None) -> dict[str, Any]:
    """Smaller copies at each width, widest first, each resized from the one before."""
    alpha = image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info
    current = image.convert("RGBA" if alpha else "RGB")
    current.info = {}
    fallback = "png" if alpha or kind == "png" else "jpg"
    formats = (["avif"] if job.avif else []) + ["webp", fallback]
    widths = sorted({min(width, image.width) for width in job.widths}, reverse=True)
    for width in widths:
        height = max(1, round(image.height * width / image.width))
        if current.size != (width, height):
            current = current.resize((width, height), Image.Resampling.LANCZOS, reducing_gap=3.0)
        for name in formats:
            options = QUALITY.get(name) or FALLBACK[name]
            current.save(job.folder / f"{width}.{name}", icc_profile=icc, **options)
    phone = {name: (job.folder / f"{widths[-1]}.{name}").stat().st_size for name in formats}
    offered = offered_formats(formats, phone)
    for name in set(formats) - set(offered):
        for width in widths:
            (job.folder / f"{width}.{name}").unlink()
    return {"widths": sorted(widths), "formats": offered, "fallback": fallback}


def offered_formats(formats: list[str], phone_sizes: dict[str, int]) -> list[str]:
    """The formats a photo is offered in, best first: AVIF only where its copy at the phone's
    width (the smallest) is smaller than WebP's, which it is not for every photo."""
    if "avif" in formats and phone_sizes["avif"] > phone_sizes["webp"]:
        return [name for name in formats if name != "avif"]
    return formats
