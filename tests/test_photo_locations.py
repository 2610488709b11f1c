"""Photos in the writer's repository: `make check` and `make new` name an original that holds
the GPS position it was taken at, and `pathways strip-locations` removes the position only."""

import pytest
from PIL import Image

from tests.photos import CAMERA, GPS, MAKE, ORIENTATION, phone_photo
from tests.sites import build, post, run_pathways, write_post, write_settings

# Seconds each (the command line in a process of its own, or many inputs): left out of
# `make test-fast`.
pytestmark = pytest.mark.slow


def photo_blog(tmp_path):
    content = tmp_path / "content"
    images = content / "images"
    images.mkdir(parents=True)
    phone_photo(images / "walk.jpg", size=(800, 600))
    phone_photo(images / "clean.jpg", size=(800, 600), seed=3)
    exif = Image.open(images / "clean.jpg").getexif()
    del exif[GPS]
    Image.open(images / "clean.jpg").save(images / "clean.jpg", exif=exif)
    Image.new("RGB", (300, 200), (40, 90, 160)).save(images / "chart.png")
    body = "![The path by the river]({static}/images/walk.jpg)\n\nA walk."
    write_post(content, "walk.md", post("A walk", body=body, summary="A walk."))
    return content


@pytest.mark.build
def test_the_production_check_names_the_original_that_holds_a_position(tmp_path):
    content = photo_blog(tmp_path)
    settings = write_settings(tmp_path, content, publish=True, CHECK_LIVE_ADDRESSES=False)
    assert build(settings).returncode == 0

    result = run_pathways("check", "--skip-html", "--settings", str(settings))

    warnings = [line for line in result.stderr.splitlines() if "GPS position" in line]
    assert warnings == [
        f"Warning: {content / 'images' / 'walk.jpg'}: this original photo holds the GPS "
        "position where it was taken (the published copies do not); `make strip-locations` "
        "removes it from every photo in content/"
    ]


def test_strip_locations_removes_the_position_and_keeps_pixels_and_camera(tmp_path):
    content = photo_blog(tmp_path)
    walk = content / "images" / "walk.jpg"
    before = walk.read_bytes()
    settings = write_settings(tmp_path, content)

    result = run_pathways("strip-locations", "--settings", str(settings))

    assert result.returncode == 0, result.stderr
    assert result.stdout == f"Removed the location from {walk}\n"
    with Image.open(walk) as image:
        exif = image.getexif()
        assert GPS not in exif
        assert exif[MAKE] == CAMERA and exif[ORIENTATION] == 6
        # The image data after the metadata is the same bytes: nothing was encoded again.
        scan = before.index(b"\xff\xda")
        assert walk.read_bytes().endswith(before[scan:])
    again = run_pathways("strip-locations", "--settings", str(settings))
    assert again.stdout == f"No photo in {content} holds a location.\n"


def test_make_new_mentions_photos_that_still_hold_a_position(tmp_path):
    content = photo_blog(tmp_path)
    settings = write_settings(tmp_path, content)

    result = run_pathways("new", "Another walk", "--settings", str(settings))

    assert result.returncode == 0
    assert result.stdout.strip() == str(content / "posts" / "another-walk.md")
    assert "where it was taken (GPS) is still in 1 photo in content/ (walk.jpg)" in result.stderr
    run_pathways("strip-locations", "--settings", str(settings))
    quiet = run_pathways("new", "A third walk", "--settings", str(settings))
    assert quiet.stderr == ""
