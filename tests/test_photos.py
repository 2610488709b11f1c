"""Photos in posts: smaller copies in modern formats, dimensions, lazy loading, a link to the
full size, no location or camera data in anything published, and the cost on a phone."""

import http.client
import shutil
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from PIL import Image

from plugins.pathways_photos.images import Job, offered_formats
from plugins.pathways_photos.markup import Picture, image_sources, rewrite
from tests.photos import CAMERA, GPS, MAKE, MODEL, ORIENTATION, phone_photo
from tests.servers import serve_folder
from tests.sites import ROOT, build, post, soup, write_post, write_settings
from tests.test_browser import LAYOUT_SHIFT, WCAG_TAGS, axe
from tests.test_preview import fetch, serving, wait_for

# What the images of a post may cost a reader on a phone (375 px wide, 2x screen): at most
# this many bytes for each photo it shows (README, "Photos").
PHOTO_BUDGET_AT_375 = 100 * 1024
WIDTHS = [480, 800, 1200, 1600]
PHOTO_POST = """\
Title: A morning at the lake
Date: 2024-03-01 10:00+00:00
Category: Journal
Summary: Photos from a short walk.

![The lake at dawn, mist over the water]({static}/images/lake/dawn.jpg)

We walked slowly along the shore, resting on every bench, and the light changed as we went.

![How far I walked each day]({static}/images/lake/chart.png)

![A dancing figure]({static}/images/lake/dance.gif)

![A dotted path]({static}/images/guide/pathway.svg)
"""


def _photo_site(folder: Path) -> Path:
    content = folder / "content"
    shutil.copytree(ROOT / "content", content)
    images = content / "images" / "lake"
    images.mkdir(parents=True)
    phone_photo(images / "dawn.jpg")
    Image.new("RGBA", (900, 600), (30, 120, 200, 128)).save(images / "chart.png")
    Image.new("P", (200, 100), 3).save(images / "dance.gif")
    phone_photo(images / "unused.jpg", size=(800, 600), orientation=1, seed=2)
    write_post(content, "lake.md", PHOTO_POST)
    return write_settings(folder, content)


@pytest.fixture(scope="module")
def photo_site(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("photo-site")
    result = build(_photo_site(folder))
    assert result.returncode == 0, result.stderr
    return folder


@pytest.fixture(scope="module")
def photo_url(photo_site: Path) -> Iterator[str]:
    url, server = serve_folder(photo_site / "output")
    yield url
    server.shutdown()
    server.server_close()


def post_body(site: Path):
    return soup(site / "output" / "posts" / "a-morning-at-the-lake" / "index.html").select_one(
        ".post-body"
    )


@pytest.mark.build
def test_a_photo_becomes_a_picture_in_smaller_sizes_linked_to_its_largest_copy(photo_site):
    link = post_body(photo_site).select("p")[0].find("a")
    picture = link.find("picture")
    sources = {source["type"]: source["srcset"] for source in picture.find_all("source")}
    assert list(sources) == ["image/avif", "image/webp"]
    # A tap opens the 1600-pixel copy in the first format offered, not the 4000-pixel original.
    assert link["href"] == sources["image/avif"].split(", ")[-1].split()[0]
    assert link["href"].endswith("-1600.avif")
    image = picture.find("img")
    # Taken sideways (EXIF orientation 6): 4000 x 3000 on the sensor, 3000 x 4000 upright.
    assert (image["width"], image["height"]) == ("3000", "4000")
    assert image["alt"] == "The lake at dawn, mist over the water"
    for srcset in [*sources.values(), image["srcset"]]:
        assert [int(part.split()[1][:-1]) for part in srcset.split(", ")] == WIDTHS
    assert image["src"].endswith("-800.jpg") and image["sizes"] == picture.source["sizes"]
    for srcset in [*sources.values(), image["srcset"]]:
        for candidate in srcset.split(", "):
            url = candidate.split()[0]
            copy = photo_site / "output" / url.lstrip("/")
            with Image.open(copy) as published:
                assert published.width == int(candidate.split()[1][:-1])
                assert published.height == round(published.width * 4 / 3)


@pytest.mark.build
def test_the_first_image_comes_first_and_the_others_load_lazily(photo_site):
    images = post_body(photo_site).find_all("img")
    assert [image["src"].rsplit("/", 1)[1].split(".")[0] for image in images] == [
        "dawn",
        "chart",
        "dance",
        "pathway",
    ]
    first, *others = images
    assert first["fetchpriority"] == "high"
    assert not first.has_attr("loading") and not first.has_attr("decoding")
    for image in others:
        assert (image["loading"], image["decoding"]) == ("lazy", "async"), image
        assert not image.has_attr("fetchpriority")


@pytest.mark.sample
@pytest.mark.build
def test_png_keeps_its_transparency_and_gif_and_svg_are_published_as_they_are(photo_site):
    body = post_body(photo_site)
    chart = body.select_one("img[alt^='How far']")
    assert chart.find_parent("picture") and chart["src"].endswith("-800.png")
    assert (chart["width"], chart["height"]) == ("900", "600")
    assert (
        chart.find_parent("picture")
        .find("source", type="image/webp")["srcset"]
        .endswith("-900.webp 900w")
    )
    with Image.open(photo_site / "output" / chart["src"].lstrip("/")) as copy:
        assert copy.mode == "RGBA"
    output, content = photo_site / "output" / "images", photo_site / "content" / "images"
    for name, size in (("lake/dance.gif", ("200", "100")), ("guide/pathway.svg", ("640", "240"))):
        image = body.find("img", src=f"/images/{name}")
        assert not image.find_parent("picture") and not image.find_parent("a")
        assert (image["width"], image["height"]) == size
        assert (output / name).read_bytes() == (content / name).read_bytes()
    assert not list(output.glob("lake/dance.*-*")) and not list(output.glob("guide/pathway.*-*"))


@pytest.mark.build
def test_no_published_copy_tells_where_or_with_what_a_photo_was_taken(photo_site):
    source = photo_site / "content" / "images" / "lake" / "dawn.jpg"
    with Image.open(source) as original:
        assert original.getexif().get(MAKE) == CAMERA and original.getexif().get_ifd(GPS)
    published = [
        path
        for path in (photo_site / "output" / "images").rglob("*")
        if path.suffix in {".jpg", ".png", ".webp", ".avif"}
    ]
    assert len(published) > 20
    for path in published:
        assert CAMERA.encode() not in path.read_bytes(), path
        with Image.open(path) as copy:
            exif = copy.getexif()
            assert not exif.get_ifd(GPS) and MAKE not in exif and MODEL not in exif, path
            assert exif.get(ORIENTATION, 1) == 1, path
    # The full size behind the link is upright, and so is the photo no post shows.
    with Image.open(photo_site / "output" / "images" / "lake" / "dawn.jpg") as full:
        assert full.size == (3000, 4000)
    assert b"PhoneMaker" not in (photo_site / "output/images/lake/unused.jpg").read_bytes()


def kept_copies(site: Path) -> dict[str, dict[str, int]]:
    """The build cache's folders of copies, each with its files' modification times."""
    return {
        folder.name: {path.name: path.stat().st_mtime_ns for path in folder.iterdir()}
        for folder in site.glob(".cache/**/photos/*")
    }


@pytest.mark.build
def test_a_rebuild_makes_copies_only_of_new_or_changed_photos(tmp_path):
    settings = _photo_site(tmp_path)
    assert build(settings).returncode == 0
    before = kept_copies(tmp_path)
    assert len(before) == 3  # dawn, chart and the photo no post shows

    phone_photo(tmp_path / "content" / "images" / "lake" / "dawn.jpg", size=(2000, 1500), seed=5)
    assert build(settings).returncode == 0

    after = kept_copies(tmp_path)
    unchanged = before.keys() & after.keys()
    assert len(unchanged) == 2 and len(after) == 3
    assert all(after[name] == before[name] for name in unchanged)
    image = post_body(tmp_path).find("img")
    assert (image["width"], image["height"]) == ("1500", "2000")


@pytest.mark.build
@pytest.mark.parametrize("publish", [False, True])
def test_a_photo_linked_with_attach_moves_beside_its_post_with_its_smaller_copies(
    tmp_path, publish
):
    content = tmp_path / "content"
    (content / "images").mkdir(parents=True)
    phone_photo(content / "images" / "walk.jpg", size=(1600, 1200), orientation=1)
    body = "![The path by the river]({attach}../images/walk.jpg)\n\nA short walk."
    write_post(content, "walk.md", post("A walk", body=body))
    settings = write_settings(tmp_path, content, publish=publish, CHECK_LIVE_ADDRESSES=False)
    result = build(settings)
    assert result.returncode == 0, result.stderr
    assert "{attach}" not in result.stderr  # no "cannot relocate" warning
    output = tmp_path / "output"
    page = soup(output / "posts" / "a-walk" / "index.html")
    link = page.select_one(".post-body a")
    assert "/posts/a-walk/walk." in link["href"] and link["href"].endswith("-1600.avif")
    assert (output / "posts" / "a-walk" / "walk.jpg").is_file()
    assert not (output / "images" / "walk.jpg").exists()
    candidates = [
        candidate.split()[0]
        for srcset in [link.img["srcset"], *(s["srcset"] for s in link.find_all("source"))]
        for candidate in srcset.split(", ")
    ]
    assert len(candidates) >= 3
    for url in candidates:
        path = url.split("://", 1)[-1].split("/", 1)[1] if "://" in url else url.lstrip("/")
        assert path.startswith("posts/a-walk/walk.") and (output / path).is_file()


@pytest.mark.build
def test_a_drafts_attached_photo_is_not_put_at_the_root_of_the_production_site(tmp_path):
    content = tmp_path / "content"
    (content / "posts" / "soon").mkdir(parents=True)
    phone_photo(content / "posts" / "soon" / "garden.jpg", size=(1600, 1200), orientation=1)
    body = "Not ready yet.\n\n![The garden in May]({attach}garden.jpg)"
    draft = post("Soon", body=body, status="draft")
    (content / "posts" / "soon" / "soon.md").write_text(draft, encoding="utf-8")
    write_post(content, "walk.md", post("A walk", body="A short walk."))
    settings = write_settings(tmp_path, content, publish=True, CHECK_LIVE_ADDRESSES=False)
    result = build(settings)
    assert result.returncode == 0, result.stderr
    assert not list((tmp_path / "output").glob("garden*"))


def image_bytes(page) -> int:
    return page.evaluate(
        """() => performance.getEntriesByType("resource")
             .filter((entry) => entry.initiatorType === "img")
             .reduce((total, entry) => total + entry.transferSize, 0)"""
    )


def test_a_photo_post_on_a_phone_stays_in_its_budget_and_nothing_moves(browser, photo_url):
    context = browser.new_context(
        viewport={"width": 375, "height": 800}, device_scale_factor=2, is_mobile=True
    )
    page = context.new_page()
    page.add_init_script(LAYOUT_SHIFT)
    page.goto(photo_url + "/posts/a-morning-at-the-lake/", wait_until="load")
    for _ in range(10):
        page.mouse.wheel(0, 800)
        page.wait_for_timeout(100)
    page.wait_for_load_state("networkidle")

    loaded = page.evaluate(
        "() => [...document.querySelectorAll('.post-body img')].map((i) => i.currentSrc)"
    )
    # The photo is lighter in AVIF, the flat chart in WebP: each is offered its lighter one.
    assert loaded[0].endswith("-800.avif") and loaded[1].endswith("-800.webp")
    photos = len([url for url in loaded if url.endswith((".avif", ".webp"))])
    assert 0 < image_bytes(page) <= photos * PHOTO_BUDGET_AT_375
    assert page.evaluate("() => window.layoutShift") == 0
    results = axe.run(page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}})
    assert results.response["violations"] == [], results.generate_report()
    context.close()


def test_the_budget_is_written_in_the_readme():
    readme = (ROOT / "README.md").read_text()
    assert f"{PHOTO_BUDGET_AT_375 // 1024} KB" in readme


def test_avif_is_offered_only_for_a_photo_it_makes_smaller_at_the_phones_width(tmp_path):
    formats = ["avif", "webp", "jpg"]
    assert offered_formats(formats, {"avif": 900, "webp": 1000, "jpg": 2000}) == formats
    assert offered_formats(formats, {"avif": 1220, "webp": 1000, "jpg": 2000}) == ["webp", "jpg"]
    assert offered_formats(["webp", "jpg"], {"webp": 1000, "jpg": 900}) == ["webp", "jpg"]
    # The copies of a format not offered are not kept (nor published).
    phone_photo(tmp_path / "a.jpg", size=(900, 600), orientation=1)
    info = Job(tmp_path / "a.jpg", tmp_path / "copies", (480, 800), avif=True)()
    kept = {path.suffix[1:] for path in (tmp_path / "copies").glob("[0-9]*.*")}
    assert kept == set(info["formats"])
    if "avif" in kept:
        size = {kind: (tmp_path / "copies" / f"480.{kind}").stat().st_size for kind in kept}
        assert size["avif"] <= size["webp"]


def picture(widths=(480, 800)) -> Picture:
    return Picture(1600, 1200, "/images/a.0123abcd", list(widths), ["avif", "webp", "jpg"])


def test_an_image_far_down_the_post_is_not_fetched_first():
    words = " ".join(["word"] * 80)
    html = f'<p>{words}</p><p><img alt="A" src="a.jpg"></p><p><img alt="B" src="b.jpg"></p>'
    first, second = BeautifulSoup(rewrite(html, {"a.jpg": picture()}), "html.parser")("img")
    assert not first.has_attr("fetchpriority") and not first.has_attr("loading")
    assert second["loading"] == "lazy"


def test_a_linked_photo_gets_no_second_link_and_remote_or_undescribed_images_stay():
    """A photo without a description keeps its own address (and size), so that the site
    check names the file written in the post until the writer describes it."""
    html = (
        '<p><a href="/elsewhere/"><img alt="Linked" src="a.jpg"></a></p>'
        '<p><img alt="" src="a.jpg"></p><p><img alt="Far" src="https://example.org/x.jpg"></p>'
    )
    page = BeautifulSoup(rewrite(html, {"a.jpg": picture()}), "html.parser")
    assert [a["href"] for a in page("a")] == ["/elsewhere/"]
    assert len(page("picture")) == 1
    undescribed = page.find("img", alt="")
    assert undescribed["src"] == "a.jpg" and undescribed.has_attr("width")
    remote = page.find("img", src="https://example.org/x.jpg")
    assert not remote.find_parent("picture") and not remote.has_attr("width")


def test_an_image_pillow_cannot_read_is_left_as_it_is(tmp_path, caplog):
    broken = tmp_path / "broken.jpg"
    broken.write_bytes(b"\xff\xd8 not really a photo")
    assert Job(broken, tmp_path / "copies", (480,), False)() is None
    assert "broken.jpg: cannot read this image" in caplog.text


def test_an_animated_webp_keeps_its_frames_and_gets_no_smaller_copies(tmp_path):
    frames = [Image.new("RGB", (64, 48), colour) for colour in ("red", "green", "blue")]
    source = tmp_path / "wave.webp"
    frames[0].save(source, save_all=True, append_images=frames[1:], duration=100)
    info = Job(source, tmp_path / "copies", (32,), False)()
    assert info["animated"] and info["widths"] == []
    with Image.open(tmp_path / "copies" / info["full"]) as copy:
        assert copy.n_frames == 3


@pytest.mark.server
def test_the_preview_shows_a_photo_added_to_a_saved_post_at_once(tmp_path):
    content = tmp_path / "content"
    (content / "images").mkdir(parents=True)
    for number in (1, 2):
        phone_photo(content / "images" / f"p{number}.jpg", size=(1000, 750), seed=number)
    photo = "A walk by the lake.\n\n![A photo]({static}/images/p%d.jpg)"
    source = write_post(content, "walk.md", post("Walk", body=photo % 1))
    with serving(tmp_path, content) as (base, log):
        wait_for(lambda: "p1." in fetch(f"{base}/posts/walk/"))
        host, port = base.removeprefix("http://").split(":")
        connection = http.client.HTTPConnection(host, int(port), timeout=30)
        connection.request("GET", "/__preview/events")
        events = connection.getresponse()
        assert events.readline().startswith(b": connected")
        source.write_text(post("Walk", body=f"{photo % 1}\n\n{photo % 2}"), encoding="utf-8")
        while not events.readline().startswith(b"data: reload"):
            pass
        # Rendered in place, before any full build: the new photo is a picture already.
        assert "Updated posts/walk/index.html" in log.read_text()
        page = BeautifulSoup(fetch(f"{base}/posts/walk/"), "html.parser")
        second = page.select(".post-body img")[1]
        assert second.find_parent("picture") and second["loading"] == "lazy"
        with urllib.request.urlopen(base + second["src"], timeout=5) as response:
            assert response.status == 200
        connection.close()


def test_only_the_images_are_rewritten_and_their_attributes_read_as_html_would():
    """Escaped characters in an address, a `>` inside a quoted value and the rest of the
    post: each image is matched as a browser would read it, and nothing else changes."""
    html = (
        "<p>Before &amp; <em>after</em>.<br />\n"
        '<img alt="a > b" src="/images/a.jpg?x=1&amp;y=2" title="it\'s">'
        "<code>&lt;img src=x&gt;</code></p>"
    )
    rewritten = rewrite(html, {"/images/a.jpg?x=1&y=2": picture()})
    assert rewritten.startswith("<p>Before &amp; <em>after</em>.<br />\n<a href=")
    assert rewritten.endswith("<code>&lt;img src=x&gt;</code></p>")
    page = BeautifulSoup(rewritten, "html.parser")
    assert page.find("a")["href"] == "/images/a.0123abcd-800.avif"
    assert page.find("img")["alt"] == "a > b"
    assert image_sources(html) == ["/images/a.jpg?x=1&y=2"]


def test_an_unchanged_photo_is_not_read_again_for_its_digest(tmp_path, monkeypatch):
    from plugins.pathways_photos.images import file_digest

    photo = tmp_path / "dawn.jpg"
    photo.write_bytes(b"first")
    known: dict[str, list] = {}
    first = file_digest(photo, known)
    monkeypatch.setattr(Path, "read_bytes", lambda self: pytest.fail("read again"))
    assert file_digest(photo, known) == first
    monkeypatch.undo()
    photo.write_bytes(b"second, longer")
    assert file_digest(photo, known) != first


@pytest.mark.build
def test_a_phone_heic_photo_stops_the_build_before_it_is_published(tmp_path):
    content = tmp_path / "content"
    (content / "images").mkdir(parents=True)
    # A phone's photo with its location; what is in the file does not matter, its kind does.
    phone_photo(content / "images" / "IMG_2041.jpg")
    (content / "images" / "IMG_2041.jpg").rename(content / "images" / "IMG_2041.HEIC")
    body = "Tea first.\n\n![My tea on the windowsill]({static}/images/IMG_2041.HEIC)"
    write_post(content, "tea.md", post("Tea", body=body, summary="Tea."))
    result = build(write_settings(tmp_path, content))
    assert result.returncode == 1
    assert "images/IMG_2041.HEIC: HEIC photos keep their location" in result.stderr
    assert "save it as JPEG" in result.stderr
    assert not (tmp_path / "output").exists()


def test_a_portrait_photo_is_no_taller_than_most_of_a_wide_screen(browser, photo_url):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(photo_url + "/posts/a-morning-at-the-lake/", wait_until="load")
    photo = page.locator(".post-body img").first.bounding_box()
    context.close()
    assert photo["height"] <= 0.85 * 900
    assert abs(photo["width"] / photo["height"] - 3 / 4) < 0.01
