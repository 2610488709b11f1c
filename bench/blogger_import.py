"""How long importing a big Blogger export takes: N posts with ten comments each (threaded).

Generates the export with a fixed seed (posts with headings, lists, links, images on
Blogger's host, labels; comments with replies), imports it into a temporary content folder
without downloading images, and prints the time. `python bench/blogger_import.py --posts 1000`.
"""

import argparse
import random
import tempfile
import time
from pathlib import Path
from xml.sax.saxutils import escape

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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=1000)
    parser.add_argument("--comments", type=int, default=10, help="per post")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        export = Path(folder) / "export.xml"
        generate(export, args.posts, args.comments)
        content = Path(folder) / "content"
        started = time.perf_counter()
        report = import_blogger(export, ImportOptions(content=content, download_images=False))
        elapsed = time.perf_counter() - started
        size = export.stat().st_size
    written = sum(report.written.values())
    comments = args.posts * args.comments
    print(f"export: {args.posts:,} posts, {comments:,} comments ({size / 1e6:.1f} MB)")
    print(
        f"import: {written:,} files written in {elapsed:.1f} s ({written / elapsed:,.0f} files/s)"
    )


if __name__ == "__main__":
    main()
