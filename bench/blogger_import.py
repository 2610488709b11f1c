"""How long importing a big Blogger export takes: N posts with ten comments each (threaded).

Generates the export with a fixed seed (posts with headings, lists, links, a photo on
Blogger's host, labels; comments with replies), imports it into a temporary content folder
without downloading photos, and prints the time; then downloads every post's photo the way
the import does (a few at a time, location data removed) from a local server standing in
for Blogger's hosts (a 200 kB JPEG each), and prints the rate.
`python bench/blogger_import.py --posts 1000`.
"""

import argparse
import io
import os
import random
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from xml.sax.saxutils import escape

from PIL import Image

from pathways.blogger.images import ORIGIN_VARIABLE, download_all
from pathways.blogger.importer import ImportOptions, import_blogger

BLOG = "tag:blogger.com,1999:blog-1"
KIND = "http://schemas.google.com/blogger/2008/kind#"
KIND_OF = "<category scheme='http://schemas.google.com/g/2005#kind' term='" + KIND + "{}'/>"
WORDS = ["rest", "energy", "walk", "infusion", "calm", "doctor", "sleep", "pain", "hope"]
IMAGES = "https://blogger.googleusercontent.com/img"


def sentence(rng: random.Random, words: int = 14) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(words)).capitalize() + "."


def post_html(rng: random.Random, number: int) -> str:
    parts = [f"<div>{sentence(rng)} <b>{sentence(rng, 3)}</b> {sentence(rng)}</div>"]
    for section in range(3):
        parts.append(f"<h3>Part {section + 1}</h3>")
        parts += [
            f"<div>{sentence(rng)} {sentence(rng)}<br />{sentence(rng)}</div>" for _ in range(3)
        ]
        parts.append("<ul>" + "".join(f"<li>{sentence(rng, 4)}</li>" for _ in range(3)) + "</ul>")
    parts.append(
        f'<div class="separator"><a href="{IMAGES}/{number}/s1600/p.jpg">'
        f'<img src="{IMAGES}/{number}/s320/p.jpg" alt="" /></a></div>'
    )
    return "".join(parts)


def generate(path: Path, posts: int, comments_per_post: int, seed: int = 1) -> None:
    rng = random.Random(seed)
    with path.open("w", encoding="utf-8") as out:
        out.write(
            "<?xml version='1.0' encoding='UTF-8'?><feed xmlns='http://www.w3.org/2005/Atom' "
            "xmlns:thr='http://purl.org/syndication/thread/1.0'>"
        )
        for number in range(posts):
            year, month = 2014 + number % 10, 1 + number % 12
            published = f"{year}-{month:02d}-{1 + number % 28:02d}T10:00:00.000-04:00"
            labels = "".join(
                f"<category scheme='http://www.blogger.com/atom/ns#' term='{rng.choice(WORDS)}'/>"
                for _ in range(3)
            )
            out.write(
                f"<entry><id>{BLOG}.post-{number}</id><published>{published}</published>"
                f"<updated>{published}</updated>{KIND_OF.format('post')}"
                f"{labels}<title>Post {number}</title>"
                f"<content type='html'>{escape(post_html(rng, number))}</content>"
                f"<link rel='alternate' href='https://x.blogspot.com/{year}/{month:02d}/post-{number}.html'/>"
                "<author><name>Writer</name></author></entry>"
            )
            for reply in range(comments_per_post):
                parent = ""
                if reply and rng.random() < 0.4:
                    parent = (
                        f"<link rel='related' href='https://www.blogger.com/feeds/1/{number}"
                        f"/comments/default/{number}x{rng.randrange(reply)}'/>"
                    )
                out.write(
                    f"<entry><id>{BLOG}.post-{number}x{reply}</id>"
                    f"<published>{published}</published>{KIND_OF.format('comment')}"
                    f"<content type='html'>{escape(sentence(rng, 25))}</content>"
                    f"<author><name>Reader {reply}</name></author>"
                    f"<thr:in-reply-to ref='{BLOG}.post-{number}'/>{parent}</entry>"
                )
        out.write("</feed>")


def photo_server() -> ThreadingHTTPServer:
    """A local server answering every path with the same noisy 200 kB JPEG."""
    pixels = random.Random(2).randbytes(640 * 480 * 3)
    buffer = io.BytesIO()
    Image.frombytes("RGB", (640, 480), pixels).save(buffer, "JPEG", quality=70)
    photo = buffer.getvalue()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Length", str(len(photo)))
            self.end_headers()
            self.wfile.write(photo)

        def log_message(self, *args) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=1000)
    parser.add_argument("--comments", type=int, default=10, help="per post")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        export = Path(folder) / "export.xml"
        generate(export, args.posts, args.comments)
        started = time.perf_counter()
        options = ImportOptions(content=Path(folder) / "content", download_images=False)
        report = import_blogger(export, options)
        elapsed = time.perf_counter() - started
        size = export.stat().st_size

    server = photo_server()
    os.environ[ORIGIN_VARIABLE] = f"http://127.0.0.1:{server.server_port}"
    started = time.perf_counter()
    downloads = download_all([f"{IMAGES}/{n}/s1600/p.jpg" for n in range(args.posts)], 10)
    photo_time = time.perf_counter() - started
    server.shutdown()
    photos, photo_bytes = len(downloads.data), sum(map(len, downloads.data.values()))
    written = sum(report.written.values())
    comments = args.posts * args.comments
    print(f"export: {args.posts:,} posts, {comments:,} comments ({size / 1e6:.1f} MB)")
    print(
        f"import: {written:,} files written in {elapsed:.1f} s ({written / elapsed:,.0f} files/s)"
    )
    print(
        f"photos from a local server: {photos:,} ({photo_bytes / 1e6:.0f} MB) in "
        f"{photo_time:.1f} s ({photos / photo_time:,.0f} photos/s, "
        f"{photo_bytes / 1e6 / photo_time:.0f} MB/s)"
    )


if __name__ == "__main__":
    main()
