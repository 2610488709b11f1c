"""What each way of precompressing a built site costs, and what a reader downloads.

Builds the benchmark's corpus of ordinary posts (`corpus.py`, "plain", 300 posts by default)
for production, takes every text file the build compresses (minified, at least 256 bytes),
and compresses them all with gzip (zlib) at levels 1, 4, 6 and 9, with the faster gzip
libraries when they are installed (zlib-ng, ISA-L's `isal`), and with brotli at qualities 4
to 11. For each: the CPU seconds for the whole site (best of three), and the bytes a reader
downloads: a post page (the median one), the home page, the site's stylesheet, and the
whole site. `python bench/compression.py [--posts 300] [--site FOLDER]` (`make bench`).
"""

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
import zlib
from collections.abc import Callable
from pathlib import Path

import brotli
from build_speed import ROOT, generate, settings_file

COMPRESSED_SUFFIXES = {".html", ".css", ".js", ".json", ".xml", ".svg", ".txt"}
MIN_SIZE = 256


def gzip_with(module: object, level: int) -> Callable[[bytes], bytes]:
    def compress(data: bytes) -> bytes:
        compressor = module.compressobj(level, module.DEFLATED, 16 + module.MAX_WBITS)
        return compressor.compress(data) + compressor.flush()

    return compress


def methods() -> dict[str, Callable[[bytes], bytes]]:
    found = {f"gzip {level}": gzip_with(zlib, level) for level in (1, 4, 6, 9)}
    try:
        from zlib_ng import zlib_ng

        found |= {f"zlib-ng {level}": gzip_with(zlib_ng, level) for level in (1, 6, 9)}
    except ImportError:
        pass
    try:
        from isal import isal_zlib

        found |= {f"isal {level}": gzip_with(isal_zlib, level) for level in (1, 2, 3)}
    except ImportError:
        pass
    for quality in (4, 5, 6, 7, 9, 11):
        found[f"brotli {quality}"] = lambda data, quality=quality: brotli.compress(
            data, mode=brotli.MODE_TEXT, quality=quality
        )
    return found


def site_files(site: Path) -> dict[str, bytes]:
    return {
        path.relative_to(site).as_posix(): path.read_bytes()
        for path in sorted(site.rglob("*"))
        if path.suffix in COMPRESSED_SUFFIXES and path.stat().st_size >= MIN_SIZE
    }


def built_site(folder: Path, posts: int) -> Path:
    content = generate(folder, posts, corpus="plain")
    settings = settings_file(folder, content, "ours")
    command = [sys.executable, "-m", "pathways", "build", "--settings", str(settings)]
    subprocess.run(command, cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    return folder / "output-ours"


def measure(files: dict[str, bytes]) -> list[tuple[str, float, dict[str, int]]]:
    posts = sorted(name for name in files if name.startswith("posts/"))
    post = sorted(posts, key=lambda name: len(files[name]))[len(posts) // 2]
    style = next(name for name in files if name.endswith(".css"))
    rows = []
    for name, compress in methods().items():
        seconds = []
        for _ in range(3):
            started = time.process_time()
            sizes = {path: len(compress(data)) for path, data in files.items()}
            seconds.append(time.process_time() - started)
        downloads = {
            "post": sizes[post],
            "home": sizes["index.html"],
            "css": sizes[style],
            "site": sum(sizes.values()),
        }
        rows.append((name, min(seconds), downloads))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=300)
    parser.add_argument("--site", type=Path, help="a built site to measure instead")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="pathways-bench-") as scratch:
        site = args.site or built_site(Path(scratch), args.posts)
        files = site_files(site)
        rows = measure(files)
    raw = sum(map(len, files.values()))
    print(f"Precompression of {len(files)} files ({raw / 1e6:.1f} MB as built, minified)")
    print(f"{'method':>11} {'CPU s':>7} {'post':>7} {'home':>7} {'css':>6} {'site MB':>8}")
    for name, seconds, sizes in rows:
        print(
            f"{name:>11} {seconds:>7.2f} {sizes['post']:>7} {sizes['home']:>7} "
            f"{sizes['css']:>6} {sizes['site'] / 1e6:>8.2f}"
        )
    posts = [row[2]["post"] for row in rows]
    print(f"a post page: {min(posts)} to {max(posts)} bytes (median {statistics.median(posts)})")


if __name__ == "__main__":
    main()
