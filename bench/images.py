"""Photo processing: a post with 20 phone photos of 4,000 x 3,000 pixels, built cold and warm.

Generates the photos (phone-like JPEGs of about 2.5 MB with EXIF orientation, camera and GPS
tags), then times the preview build of the shipped site plus that post: without the post
(the rest of the build, content cache warm), cold (empty build cache: every copy is made, by
one process per core), and warm (the copies come from the cache). Prints the times, the time
per photo and the bytes a phone and a wide screen download for one photo.
`python bench/images.py [--photos 20]` (`make bench` runs this).
"""

import argparse
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.photos import phone_photo  # noqa: E402
from tests.sites import build, write_post, write_settings  # noqa: E402


def timed_build(settings: Path) -> float:
    started = time.perf_counter()
    result = build(settings)
    elapsed = time.perf_counter() - started
    if result.returncode != 0:
        sys.exit(f"the build failed:\n{result.stderr}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--photos", type=int, default=20)
    count = parser.parse_args().photos
    with tempfile.TemporaryDirectory(prefix="pathways-bench-images-") as folder:
        folder = Path(folder)
        content = folder / "content"
        shutil.copytree(ROOT / "content", content)
        settings = write_settings(folder, content)
        timed_build(settings)
        baseline = timed_build(settings)

        photos = content / "images" / "walk"
        photos.mkdir(parents=True)
        started = time.perf_counter()
        for number in range(count):
            phone_photo(photos / f"photo-{number:02}.jpg", seed=number)
        generated = time.perf_counter() - started
        size = sum(path.stat().st_size for path in photos.iterdir())
        body = "\n\n".join(
            f"![Photo {n} of the walk]({{static}}/images/walk/photo-{n:02}.jpg)"
            for n in range(count)
        )
        write_post(
            content,
            "walk.md",
            f"Title: A walk in photos\nDate: 2024-04-01 10:00+00:00\nSummary: Photos.\n\n{body}\n",
        )
        shutil.rmtree(folder / ".cache", ignore_errors=True)
        cold = timed_build(settings)
        warm = timed_build(settings)

        output = folder / "output" / "images" / "walk"
        copies = [path for path in output.iterdir() if len(path.suffixes) > 1]
        phone = sorted(output.glob("photo-00.*-800.avif"))[0].stat().st_size
        wide = sorted(output.glob("photo-00.*-1600.avif"))[0].stat().st_size

    print(f"{count} photos of 4000 x 3000 ({size / count / 1e6:.1f} MB each, generated in "
          f"{generated:.1f} s), {os.cpu_count()} CPU cores")  # fmt: skip
    print(f"  build without the photos: {baseline:6.2f} s")
    print(f"  cold (every copy made):   {cold:6.2f} s  ({(cold - baseline) / count:.2f} s a photo)")
    print(f"  warm (copies from cache): {warm:6.2f} s  ({warm - baseline:+.2f} s vs no photos)")
    print(f"  {len(copies)} copies; one photo on a phone (800 px AVIF) {phone / 1024:.0f} KB, "
          f"on a wide 2x screen (1600 px AVIF) {wide / 1024:.0f} KB")  # fmt: skip


if __name__ == "__main__":
    main()
