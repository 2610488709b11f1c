"""Photos in `content/` that still say where they were taken (GPS): named by `make check` and
`make new`, and cleaned in place by `pathways strip-locations` (`make strip-locations`).

The published copies never carry a location (the photos plugin makes them without it); the
originals in the writer's repository do, as the phone took them, and a repository may be
public. Cleaning removes the position only: a JPEG's pixels, its orientation and camera stay
as they were (its EXIF block is rewritten, the image is not encoded again).
"""

import argparse
import io
from pathlib import Path

from PIL import Image, UnidentifiedImageError

from pathways.blogger.images import GPS_IFD, without_location
from pathways.files import write_whole
from pathways.site.problems import Kind, Problem, Severity

PHOTO_SUFFIXES = {".jpg", ".jpeg", ".png", ".webp"}
# How an XMP packet names a position.
XMP_POSITION = (b"GPSLatitude", b"GPSLongitude")


def has_location(source: Path | bytes) -> bool:
    """Whether an image's metadata holds where it was taken (only its header is read)."""
    try:
        with Image.open(io.BytesIO(source) if isinstance(source, bytes) else source) as image:
            exif = image.getexif()
            xmp = image.info.get("xmp") or b""
    except (UnidentifiedImageError, OSError, ValueError):
        return False
    if isinstance(xmp, str):
        xmp = xmp.encode("utf-8", "replace")
    return GPS_IFD in exif or any(name in xmp for name in XMP_POSITION)


def located_photos(content: Path) -> list[Path]:
    """The photos under `content` that hold a position, in order of their paths."""
    return [
        path
        for path in sorted(content.rglob("*"))
        if path.suffix.lower() in PHOTO_SUFFIXES and path.is_file() and has_location(path)
    ]


def strip_locations(content: Path) -> list[Path]:
    """Remove the position from every photo under `content` that holds one; the photos
    cleaned. A photo whose position cannot be removed is left as it was."""
    cleaned = []
    for path in located_photos(content):
        data = without_location(path.read_bytes())
        if not has_location(data):
            write_whole(path, data, replace=True)
            cleaned.append(path)
    return cleaned


def location_problems(content: Path) -> list[Problem]:
    """For `make check`: each original that would tell a reader of the repository where it
    was taken."""
    return [
        Problem(
            str(path),
            None,
            "this original photo holds the GPS position where it was taken (the published "
            "copies do not); `make strip-locations` removes it from every photo in content/",
            Kind.PHOTO_LOCATION,
            Severity.WARNING,
        )
        for path in located_photos(content)
    ]


def add_parser(commands: argparse._SubParsersAction) -> argparse.ArgumentParser:
    strip = commands.add_parser(
        "strip-locations",
        help="remove the GPS position from the photos in content/ (pixels untouched)",
    )
    strip.add_argument("--settings", help="settings file (default: pelicanconf.py)")
    return strip


def run(args: argparse.Namespace, settings_file: Path) -> int:
    from pathways.site.build import load_settings

    content = Path(load_settings(settings_file)["PATH"])
    cleaned = strip_locations(content)
    for path in cleaned:
        print(f"Removed the location from {path}")
    left = located_photos(content)
    for path in left:
        print(f"Could not remove the location from {path}: edit it with a photo tool")
    if not cleaned and not left:
        print(f"No photo in {content} holds a location.")
    return 1 if left else 0
