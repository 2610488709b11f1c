"""Importing realistic Blogger exports of both kinds, written by `tests/blogger_corpus.py` with
the right answer known by construction: every live comment with its parent, every original
photo downloaded once, the same Markdown from either format, hostile metadata inert."""

import io
import os
import shutil
from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import markdown
import pytest
from bs4 import BeautifulSoup
from PIL import Image

from pathways.site.checks import VNU
from tests import blogger_corpus
from tests.blogger_exports import ImageHost
from tests.sites import build, run_pathways, soup, text, write_settings

# Seconds each (the command line in a process of its own, or many inputs): left out of
# `make test-fast`.
pytestmark = pytest.mark.slow

ZONE = ZoneInfo("America/New_York")
BLOG = blogger_corpus.make_blog(seed=0)
WRITERS = {"classic": blogger_corpus.write_classic, "takeout": blogger_corpus.write_takeout}
PROFILE = "https://www.blogger.com/profile/"
needs_vnu = pytest.mark.skipif(
    not (VNU.exists() and shutil.which("java")) and not os.environ.get("CI"),
    reason="the Nu HTML checker needs Java and node_modules/vnu-jar (npm ci)",
)


def imported(tmp_path: Path, fmt: str, *extra: str, env: dict | None = None, name: str = ""):
    """Import the corpus blog written in `fmt` into a fresh content folder (or the one that
    `name` names again); returns the content folder and the command's result."""
    folder = tmp_path / (name or fmt)
    content = folder / "content"
    content.mkdir(parents=True, exist_ok=True)
    export = folder / f"export-{fmt}.xml"
    export.write_bytes(WRITERS[fmt](BLOG))
    settings = write_settings(folder, content)
    result = run_pathways(
        "import", "--settings", str(settings), "blogger", str(export), *extra, env=env
    )
    assert result.returncode == 0, result.stderr
    return content, result


@pytest.fixture(scope="module")
def left_on_blogger(tmp_path_factory) -> dict:
    """The blog imported from each format with --no-images (read only: tests share it)."""
    folder = tmp_path_factory.mktemp("imports")
    return {fmt: imported(folder, fmt, "--no-images") for fmt in WRITERS}


def front_matter(path: Path) -> tuple[dict[str, str], str]:
    header, body = path.read_text(encoding="utf-8").split("\n\n", 1)
    return dict(line.split(": ", 1) for line in header.splitlines()), body


def local(moment, sep: str = " ") -> str:
    return moment.replace(microsecond=0).astimezone(ZONE).isoformat(sep=sep)


def visible_blocks(body: str) -> list[str]:
    """The text of each paragraph, list item, heading and caption, normalised as the corpus
    does (a line break is a newline)."""
    html = markdown.markdown(body).replace("<br />\n", "<br />")
    soup = BeautifulSoup(html, "html.parser")
    for line_break in soup.find_all("br"):
        line_break.replace_with("\n")
    blocks = soup.find_all(["p", "li", "h2", "h3", "h4", "h5", "h6"])
    texts = [blogger_corpus.visible(block.get_text("")) for block in blocks]
    return [text for text in texts if text]


def published_items(statuses=("live", "draft")):
    return [post for post in BLOG.posts if post.status in statuses]


def item_file(content: Path, post) -> Path:
    folder = content / ("posts" if post.kind == "post" else "pages")
    if post.slug:
        return folder / f"{post.slug}.md"
    matches = [path for path in folder.glob("*.md") if front_matter(path)[0]["Title"] == post.title]
    assert len(matches) == 1, post.title
    return matches[0]


def expected_website(comment) -> str | None:
    """The corpus's clean website, less Blogger profiles (the import leaves them out)."""
    website = comment.clean_website
    return None if website and website.startswith(PROFILE) else website


@pytest.mark.parametrize("fmt", ["classic", "takeout"])
def test_every_live_comment_arrives_with_its_parent_date_and_text(left_on_blogger, fmt):
    content, result = left_on_blogger[fmt]
    expected = set()
    for post in published_items():
        for comment in post.comments:
            path = content / "comments" / post.slug / f"{comment.id}.md"
            if comment.status != "live":
                assert not path.exists()
                continue
            expected.add(path)
            meta, body = front_matter(path)
            assert meta["Date"] == local(comment.published, "T")
            assert meta.get("Reply-To") == comment.parent
            assert meta.get("Website") == expected_website(comment)
            assert meta["Author"].replace(" ", "") == "".join(
                ch for ch in comment.author if ch.isprintable() and not ch.isspace()
            )
            rendered = " ".join(visible_blocks(body))
            assert rendered.split() == comment.body_text.split(), comment.body_text
    assert set((content / "comments").rglob("*.md")) == expected
    out = " ".join(result.stdout.split())
    assert (
        "comment by 'Evegpj.exe' on 'Bilan du samedi soir' (2022-03-13 04:40): website "
        "'http://exa mple.com' is not a web address; kept the comment without it" in out
    )


@pytest.mark.parametrize("fmt", ["classic", "takeout"])
def test_posts_and_pages_keep_their_instants_labels_and_text(left_on_blogger, fmt):
    content, _ = left_on_blogger[fmt]
    for post in published_items():
        meta, body = front_matter(item_file(content, post))
        assert meta["Date"] == local(post.published)
        if post.updated.replace(microsecond=0) > post.published.replace(microsecond=0):
            assert meta["Modified"] == local(post.updated)
        else:
            assert "Modified" not in meta
        assert ("Status" in meta) == post.draft
        assert meta.get("Old-URLs") == (post.path or None)
        if post.kind == "post":
            assert meta.get("Tags", "") == ", ".join(post.labels)
        assert "Category" not in meta
        assert meta.get("Summary", "x").strip()
        assert visible_blocks(body) == post.paragraphs, post.title
        assert "\n# " not in f"\n{body}" and "\n### " not in f"\n{body}".split("\n## ", 1)[0]
    for post in published_items(("deleted", "trashed")):
        assert not (content / "posts" / f"{post.slug}.md").exists()


def test_an_evening_post_keeps_its_local_date_from_either_format(left_on_blogger):
    evening = next(post for post in BLOG.posts if post.title == "Bilan du samedi soir")
    for content, _ in left_on_blogger.values():
        meta, _ = front_matter(item_file(content, evening))
        assert meta["Date"] == "2022-03-12 21:40:12-05:00"
        assert meta["Modified"] == "2022-03-12 21:40:17-05:00"


def test_both_formats_give_the_same_markdown_but_for_the_search_description(left_on_blogger):
    classic, takeout = (left_on_blogger[fmt][0] for fmt in ("classic", "takeout"))
    files = sorted(path.relative_to(classic) for path in classic.rglob("*.md"))
    assert files == sorted(path.relative_to(takeout) for path in takeout.rglob("*.md"))
    descriptions = {item_file(takeout, p): p.meta_description for p in published_items()}
    for relative in files:
        one, other = classic / relative, takeout / relative
        description = descriptions.get(other)
        if description:
            assert front_matter(other)[0]["Summary"] == description
            strip = [line for line in one.read_text().splitlines() if "Summary: " not in line]
            assert strip == [
                line for line in other.read_text().splitlines() if "Summary: " not in line
            ]
        else:
            assert one.read_bytes() == other.read_bytes(), relative


@pytest.fixture
def image_host():
    host = ImageHost(blogger_corpus.image_bytes)
    yield host
    host.close()


def originals(statuses=("live", "draft")) -> set[str]:
    return {image.original_url for post in published_items(statuses) for image in post.images}


def without_scheme(url: str) -> str:
    return url.split(":", 1)[1]


@pytest.mark.server
@pytest.mark.parametrize("fmt", ["classic", "takeout"])
def test_every_original_photo_is_downloaded_once_and_shown_plainly(tmp_path, fmt, image_host):
    env = {"PATHWAYS_BLOGGER_IMAGE_ORIGIN": image_host.origin}
    content, result = imported(tmp_path, fmt, env=env)
    assert image_host.requested() == {without_scheme(url): 1 for url in originals()}
    assert f"Photos downloaded: {len(originals())}." in result.stdout
    for post in published_items():
        _, body = front_matter(item_file(content, post))
        shown = BeautifulSoup(markdown.markdown(body), "html.parser").find_all("img")
        assert len(shown) == len(post.images)
        for image, truth in zip(shown, post.images, strict=True):
            assert image.parent.name != "a" and image["src"].startswith("{static}/images/")
            saved = Image.open(content / image["src"].removeprefix("{static}/"))
            expected = Image.open(io.BytesIO(blogger_corpus.image_bytes(truth.original_url)))
            assert saved.size == expected.size
        assert "blogspot.com" not in body and "googleusercontent" not in body
    lake = content / "images" / "fin-mars"
    assert sorted(path.name for path in lake.iterdir()) == ["chart.png", "dsc_0042-2.jpg"]
    assert "Images without a description" in result.stdout
    assert "posts/fin-mars.md:13: /images/fin-mars/dsc_0042-2.jpg" in result.stdout


@pytest.mark.server
def test_the_other_format_imported_after_downloads_nothing_again(tmp_path, image_host):
    env = {"PATHWAYS_BLOGGER_IMAGE_ORIGIN": image_host.origin}
    imported(tmp_path, "takeout", env=env, name="site")
    content, again = imported(tmp_path, "classic", env=env, name="site")
    assert set(image_host.requested().values()) == {1}
    assert "Wrote: nothing." in again.stdout
    assert "Left alone" not in again.stdout and "Not imported" not in again.stdout
    summaries = {item_file(content, post) for post in published_items() if post.meta_description}
    assert "Changed on Blogger since the last import: " + str(len(summaries)) in again.stdout


def jpeg_with_location() -> bytes:
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x8825] = {1: "N", 2: (48.0, 51.0, 29.0), 3: "E", 4: (2.0, 17.0, 40.0)}
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 120, 40)).save(buffer, "JPEG", exif=exif.tobytes())
    return buffer.getvalue()


@pytest.mark.server
def test_photos_are_saved_without_location(tmp_path, image_host):
    evening = next(post for post in BLOG.posts if post.title == "Bilan du samedi soir")
    photo = evening.images[0].original_url
    image_host.replies[photo] = jpeg_with_location()
    content, _ = imported(
        tmp_path, "takeout", env={"PATHWAYS_BLOGGER_IMAGE_ORIGIN": image_host.origin}
    )
    saved = content / "images" / "bilan-du-samedi-soir" / "img_2041.jpg"
    exif = Image.open(saved).getexif()
    assert 0x8825 not in exif and exif[0x010F] == "PhoneMaker"
    original = Image.open(io.BytesIO(image_host.replies[photo]))
    assert Image.open(saved).tobytes() == original.tobytes()


@pytest.mark.server
def test_failed_downloads_are_retried_and_a_later_run_links_them(tmp_path, image_host):
    env = {"PATHWAYS_BLOGGER_IMAGE_ORIGIN": image_host.origin}
    month_end = next(post for post in BLOG.posts if post.title == "Fin mars")
    lake, chart = (image.original_url for image in month_end.images)
    image_host.flaky.add(lake.replace("http:", "https:"))
    image_host.missing.add(chart)
    content, first = imported(tmp_path, "takeout", env=env, name="site")
    assert image_host.requested()[without_scheme(lake)] == 2
    assert f"Photos downloaded: {len(originals()) - 1} (1 retries)." in first.stdout
    assert f"  {chart}: HTTP Error 404" in first.stdout
    post = content / "posts" / "fin-mars.md"
    assert f"]({chart})" in post.read_text()
    evening = content / "posts" / "bilan-du-samedi-soir.md"
    evening.write_text(evening.read_text() + "\nA line I added.\n")

    image_host.missing.clear()
    _, second = imported(tmp_path, "takeout", env=env, name="site")
    assert "Photos downloaded: 1." in second.stdout
    assert "]({static}/images/fin-mars/chart.png)" in post.read_text()
    assert "Updated (written by an earlier import, unchanged since): 1 post." in second.stdout
    assert f"Left alone: {evening} (you changed it after it was imported)." in second.stdout
    assert "Edited" not in second.stdout and "Wrote: 1 photo." in second.stdout


def test_a_fresher_export_is_taken_with_update_and_never_over_the_writers_edits(tmp_path):
    content, _ = imported(tmp_path, "classic", "--no-images", name="site")
    folder = tmp_path / "site"
    settings, export = folder / "site_preview.py", folder / "export-classic.xml"
    text = export.read_text(encoding="utf-8")
    export.write_text(text.replace("Retour de randonnée</title>", "Retour (revu)</title>"))
    edited = content / "posts" / "fin-mars.md"
    edited.write_text(edited.read_text().replace("On verra en avril.", "Mai, finalement."))

    def run(*extra: str) -> str:
        args = ("import", "--settings", str(settings), "blogger", str(export), "--no-images")
        return run_pathways(*args, *extra).stdout

    changed = content / "posts" / "retour-de-randonnee.md"
    plain = run()
    assert f"run again with --update to take the new versions:\n  {changed}" in plain
    assert "  posts/reveillon.md:14: https://" in plain
    assert "posts/fin-mars.md:" not in plain  # the writer's file: not the import's to report
    assert front_matter(changed)[0]["Title"] == "Retour de randonnée"
    updated = run("--update")
    assert "Updated (written by an earlier import, unchanged since): 1 post." in updated
    assert front_matter(changed)[0]["Title"] == "Retour (revu)"
    assert "Mai, finalement." in edited.read_text()


def test_a_file_that_was_there_before_is_never_claimed(tmp_path):
    about = tmp_path / "site" / "content" / "pages" / "about.md"
    about.parent.mkdir(parents=True)
    about.write_text("Title: About\n\nThe sample page.\n")
    _, result = imported(tmp_path, "classic", "--no-images", name="site")
    assert about.read_text() == "Title: About\n\nThe sample page.\n"
    assert (
        f"Not imported: {about} was already there and was not written by the import; it is "
        "left as it is (move it away and run again to import Blogger's version)."
    ) in result.stdout
    assert "Kept your edited file" not in result.stdout
    assert "To use Blogger's, set SITENAME = \"Carnet de santé & d'humeur\"" in result.stdout
    assert "set AUTHOR = 'Marie-Hélène Côté' in pelicanconf.py" in result.stdout


def test_photos_left_on_blogger_keep_their_remote_original(left_on_blogger):
    content, result = left_on_blogger["takeout"]
    assert not (content / "images").exists()
    for post in published_items():
        body = front_matter(item_file(content, post))[1]
        for image in post.images:
            assert f"]({image.original_url})" in body
            if image.thumb_url != image.original_url:
                assert image.thumb_url not in body
    assert f"{len(originals())} photos are still on Blogger (--no-images)" in result.stdout


def test_hostile_comment_metadata_is_kept_as_inert_text(left_on_blogger):
    content, _ = left_on_blogger["takeout"]
    comments = content / "comments"
    texts = {path: path.read_text() for path in comments.rglob("*.md")}
    script = [path for path, text in texts.items() if "Author: <script>" in text]
    assert len(script) == 1 and "Website" not in texts[script[0]]
    assert not any("javascript:" in text or "onerror" in text for text in texts.values())
    assert all(urlsplit(path.parent.name).path == path.parent.name for path in texts)


def production(tmp_path: Path, fmt: str, content: Path) -> tuple[Path, Path]:
    """Build the imported site for production; its settings and output folder."""
    settings = write_settings(tmp_path / fmt, content, publish=True, CHECK_LIVE_ADDRESSES=False)
    result = build(settings)
    assert result.returncode == 0, result.stderr
    return settings, tmp_path / fmt / "output"


@pytest.mark.build
@pytest.mark.server
@needs_vnu
def test_a_fresh_import_passes_every_check_but_image_descriptions(tmp_path, image_host):
    env = {"PATHWAYS_BLOGGER_IMAGE_ORIGIN": image_host.origin}
    content, result = imported(tmp_path, "takeout", env=env)
    settings, output = production(tmp_path, "takeout", content)
    check = run_pathways("check", "--settings", str(settings))
    problems = [line.strip() for line in check.stderr.splitlines()[1:]]
    shown = [image for post in published_items(("live",)) for image in post.images]
    assert len(problems) == len(shown)
    for problem in problems:
        assert "has no alt text: describe it in the Markdown's [brackets]" in problem
        image = problem.split(" image ", 1)[1].split(" ", 1)[0]
        assert f": {urlsplit(image).path}\n" in result.stdout

    page = soup(output / "posts" / "bilan-du-samedi-soir" / "index.html")
    assert text(page.select_one("article time")) == "March 12, 2022"
    assert [heading.name for heading in page.select(".post-body :is(h1, h2, h3)")] == ["h2"]
    scripts = [script.get("src") or script.string for script in page.find_all("script")]
    assert not any("alert" in (script or "") for script in scripts)
    assert "<script>alert(1)</script>" in text(page)
    ana, *_ = (c for p in BLOG.posts for c in p.comments if c.author == "Ana Lopes")
    chain = [ana.id]
    while reply := next((c for c in BLOG.posts[0].comments if c.parent == chain[-1]), None):
        chain.append(reply.id)
    assert len(chain) == 4
    assert page.select_one(" ".join(f"#comment-{id_}" for id_ in chain)) is not None


@pytest.mark.build
def test_photos_left_on_blogger_are_listed_by_the_check_and_labels_redirect(tmp_path):
    content, _ = imported(tmp_path, "classic", "--no-images")
    settings, output = production(tmp_path, "classic", content)
    redirects = (output / "_redirects").read_text().splitlines()
    assert "/search/label/sant%C3%A9 https://pathways.example.org/tags/sante/ 301" in redirects
    assert any(line.startswith("/search/label/long%20covid ") for line in redirects)
    nginx = (output / "nginx-redirects.map").read_text()
    assert '"/search/label/santé" "https://pathways.example.org/tags/sante/";' in nginx
    check = run_pathways("check", "--settings", str(settings), "--skip-html")
    on_blogger = [line for line in check.stderr.splitlines() if "is still on Blogger" in line]
    expected = {image.original_url for p in published_items(("live",)) for image in p.images}
    assert {line.split(" image ", 1)[1].split(" ", 1)[0] for line in on_blogger} == expected
    assert all(
        "run `pathways import blogger` again without --no-images to download it" in line
        for line in on_blogger
    )


@pytest.mark.server
def test_photos_downloaded_later_for_an_edited_post_say_what_to_write(tmp_path, image_host):
    content, _ = imported(tmp_path, "classic", "--no-images", name="site")
    evening = next(post for post in BLOG.posts if post.title == "Bilan du samedi soir")
    path = item_file(content, evening)
    path.write_text(path.read_text(encoding="utf-8").replace("![](", "![A lake at dusk]("))
    env = {"PATHWAYS_BLOGGER_IMAGE_ORIGIN": image_host.origin}
    _, again = imported(tmp_path, "classic", env=env, name="site")
    photo = evening.images[0].original_url
    assert f"Left alone: {path}" in again.stdout
    assert photo in path.read_text(encoding="utf-8")
    line = next(line for line in again.stdout.splitlines() if photo in line)
    assert line.strip().startswith(f"It still shows {photo}: write {{static}}/images/")
    local = line.split("write {static}/", 1)[1].split(" there instead.", 1)[0]
    assert (content / local).is_file()
