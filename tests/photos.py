"""Photos made for tests and benchmarks: the size, texture and metadata of a phone's JPEG."""

from pathlib import Path

from PIL import Image, ImageChops

ORIENTATION, MAKE, MODEL, GPS = 0x0112, 0x010F, 0x0110, 0x8825
CAMERA = "PhoneMaker"


def phone_photo(
    path: Path, size: tuple[int, int] = (4000, 3000), orientation: int = 6, seed: int = 0
) -> Path:
    """A JPEG like a phone's: smooth light, fine grain, the camera's make and model, where it
    was taken (GPS) and how it was held (EXIF orientation)."""
    width, height = size
    light = Image.linear_gradient("L").rotate(seed * 37 % 360).resize(size)
    shapes = Image.effect_noise((max(1, width // 40), max(1, height // 40)), 90)
    shapes = shapes.resize(size, Image.Resampling.BICUBIC)
    grain = Image.effect_noise(size, 12)
    image = Image.merge(
        "RGB", (light, ImageChops.add(shapes, grain, 2, -64), ImageChops.invert(light))
    )
    exif = Image.Exif()
    exif[ORIENTATION] = orientation
    exif[MAKE] = CAMERA
    exif[MODEL] = "Phone 12 Pro"
    place = exif.get_ifd(GPS)
    place.update({1: "N", 2: (40.0, 26.0, 46.0), 3: "W", 4: (79.0, 58.0, 56.0)})
    image.save(path, quality=90, exif=exif)
    return path
