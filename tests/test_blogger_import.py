"""Importing a Blogger blog end to end: both export formats, images from a local server,
threads, drafts, pages, old URLs and redirects in the built site, reruns and bad files."""

from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

import pytest

from tests import blogger_exports
from tests.servers import serve_folder
from tests.sites import build, run_pathways, soup, text, write_settings

# Seconds each (the command line in a process of its own, or many inputs): left out of
# `make test-fast`.
pytestmark = pytest.mark.slow

ARM = b"\xff\xd8\xff\xe0 a small jpeg"  # the original (s1600); s320 is a thumbnail


@pytest.fixture(scope="module")
def images():
    """Blogger's image host, played by a server on 127.0.0.1."""
    url, server = serve_folder(Path(__file__).parent / "fixtures" / "blogger-images")
    yield url
    server.shutdown()


@pytest.fixture(params=["classic", "newer"])
def blog(request, tmp_path, images):
    export = tmp_path / f"blog-{request.param}.xml"
    export.write_text(getattr(blogger_exports, request.param)(images), encoding="utf-8")
    content = tmp_path / "content"
    content.mkdir()
    settings = write_settings(tmp_path, content)
    host = images.removeprefix("http://")
    return export, content, settings, host, request.param


def import_(blog, *extra):
    export, _, settings, host, _ = blog
    return run_pathways(
        "import", "--settings", str(settings), "blogger", str(export), "--image-host", host, *extra
    )


def front_matter(path: Path) -> dict[str, str]:
    header = path.read_text().split("\n\n", 1)[0]
    return dict(line.split(": ", 1) for line in header.splitlines())


@pytest.mark.server
def test_posts_pages_and_drafts_become_markdown_with_full_metadata(blog):
    _, content, _, _, fmt = blog
    result = import_(blog)
    assert result.returncode == 0, result.stderr
    post = front_matter(content / "posts" / "third-infusion.md")
    assert post["Title"] == "Third infusion"
    assert post["Date"] == "2023-05-18 20:00:00-04:00"
    assert post["Tags"] == "Ketamine, Post-covid"
    assert post["Old-URLs"] == "/2023/05/third-infusion.html"
    assert post["Author"] == "Writer"
    assert post["Summary"].startswith("Today was my third infusion. It went well. Really.")
    assert "H2O" in post["Summary"]  # inline elements do not split words
    assert front_matter(content / "posts" / "third-infusion-2.md")["Old-URLs"] == (
        "/2023/06/third-infusion.html"
    )
    untitled = front_matter(content / "posts" / "blog-post.md")
    assert untitled["Title"] == "Untitled, July 1, 2023"
    draft = front_matter(content / "posts" / "not-ready.md")
    assert draft["Status"] == "draft" and "Old-URLs" not in draft
    page = front_matter(content / "pages" / "about-me.md")
    assert page["Old-URLs"] == "/p/about-me.html" and "Tags" not in page
    assert not (content / "posts" / "thrown-away.md").exists()
    assert not (content / "posts" / "no-date.md").exists()
    out = " ".join(result.stdout.split())
    assert (
        "post /2023/06/third-infusion.html: slug 'third-infusion' is taken by post "
        "/2023/05/third-infusion.html, published before it; using 'third-infusion-2'"
    ) in out
    assert "no title; named 'Untitled, July 1, 2023'" in out
    assert "no valid date; not imported" in out
    assert "1 deleted comments" in out
    if fmt == "newer":
        assert "1 trashed posts" in out


@pytest.mark.server
def test_blogger_html_becomes_clean_safe_markdown(blog):
    _, content, _, _, _ = blog
    assert import_(blog).returncode == 0
    body = (content / "posts" / "third-infusion.md").read_text().split("\n\n", 1)[1]
    assert "Today was my **third** infusion." in body
    assert "It went well.  \nReally." in body
    assert "\n## What I felt\n" in body and "- calm\n- tired" in body
    assert "> You are safe." in body
    assert "H<sub>2</sub>O and" in body
    assert "[Watch on www.youtube.com](https://www.youtube.com/watch?v=abc123)" in body
    for leftover in ("<div", "<span", "style=", "<font", "<script", "javascript:", "onclick"):
        assert leftover not in body


@pytest.mark.server
def test_images_are_downloaded_and_failures_listed(blog):
    _, content, _, host, _ = blog
    result = import_(blog)
    body = (content / "posts" / "third-infusion.md").read_text()
    assert "\n![My arm with the IV line]({static}/images/third-infusion/arm.jpg)\n" in body
    assert [path.name for path in (content / "images" / "third-infusion").iterdir()] == ["arm.jpg"]
    assert (content / "images" / "third-infusion" / "arm.jpg").read_bytes() == ARM
    assert f"![Gone](http://{host}/img/missing.png)" in body
    assert "Photos that could not be downloaded (run the import again to retry):" in result.stdout
    assert f"  http://{host}/img/missing.png: HTTP Error 404" in result.stdout


@pytest.mark.server
def test_comments_keep_their_thread_and_lose_private_profiles(blog):
    _, content, _, _, _ = blog
    assert import_(blog).returncode == 0
    folder = content / "comments" / "third-infusion"
    assert sorted(path.name for path in folder.iterdir()) == ["5001.md", "5002.md", "5003.md"]
    ana = front_matter(folder / "5001.md")
    assert ana == {
        "Author": "Ana",
        "Date": "2023-05-19T10:00:00-04:00",
        "Website": "https://ana.example/",
    }
    reply = front_matter(folder / "5002.md")
    assert reply["Reply-To"] == "5001" and "Website" not in reply
    assert reply["Role"] == "author"  # the post's author, answering: marked as hers
    assert "Role" not in ana
    hostile = (folder / "5003.md").read_text()
    assert front_matter(folder / "5003.md")["Reply-To"] == "5002"
    assert "<script" not in hostile and "javascript:" not in hostile


@pytest.mark.build
@pytest.mark.server
def test_the_imported_blog_builds_with_threads_and_working_redirects(blog):
    _, _, settings, _, _ = blog
    assert import_(blog).returncode == 0
    result = build(settings)
    assert result.returncode == 0, result.stderr
    output = settings.parent / "output"
    post = soup(output / "posts" / "third-infusion" / "index.html")
    assert text(post.find("h1")) == "Third infusion"
    nested = post.select_one("#comment-5001 #comment-5002 #comment-5003 .comment-author")
    assert text(nested) == "Bo"
    assert post.select_one(".post-body img")["src"] == "/images/third-infusion/arm.jpg"
    moved = soup(output / "2023" / "05" / "third-infusion.html")
    assert moved.select_one("link[rel=canonical]")["href"] == "/posts/third-infusion/"
    assert "url=/posts/third-infusion/" in moved.select_one("meta[http-equiv=refresh]")["content"]
    assert soup(output / "p" / "about-me.html").select_one("a")["href"] == "/about-me/"
    label = soup(output / "search" / "label" / "Ketamine" / "index.html")
    assert label.select_one("a")["href"] == "/tags/ketamine/"
    redirects = (output / "_redirects").read_text().splitlines()
    assert "/2023/05/third-infusion.html /posts/third-infusion/ 301" in redirects
    later = soup(output / "posts" / "third-infusion-2" / "index.html")
    links = [a["href"] for a in later.select(".post-body a")]
    assert links[:3] == [
        "/posts/third-infusion/#more",
        "/posts/third-infusion/",
        "https://elsewhere.example/2023/05/third-infusion.html",
    ]
    assert '"/p/about-me.html" "/about-me/";' in (output / "nginx-redirects.map").read_text()


@pytest.mark.build
@pytest.mark.server
def test_keeping_blogger_urls_publishes_posts_at_their_old_addresses(blog):
    _, content, settings, _, _ = blog
    assert import_(blog, "--keep-blogger-urls").returncode == 0
    assert front_matter(content / "posts" / "third-infusion.md")["URL"] == (
        "2023/05/third-infusion.html"
    )
    assert build(settings).returncode == 0
    later = soup(settings.parent / "output" / "2023" / "06" / "third-infusion.html")
    assert later.select_one(".post-body a")["href"] == "/2023/05/third-infusion.html#more"
    page = soup(settings.parent / "output" / "2023" / "05" / "third-infusion.html")
    assert text(page.find("h1")) == "Third infusion"
    assert not page.select_one("meta[http-equiv=refresh]")


@pytest.mark.server
def test_running_twice_changes_nothing_and_edits_are_never_overwritten(blog):
    _, content, _, _, _ = blog
    assert import_(blog).returncode == 0
    files = {path: path.read_bytes() for path in content.rglob("*") if path.is_file()}
    again = import_(blog)
    assert "Wrote: nothing." in again.stdout
    markdown = [path for path in files if path.suffix == ".md"]
    assert f"Unchanged (already imported): {len(markdown)} files." in again.stdout
    edited = content / "posts" / "third-infusion.md"
    edited.write_text(edited.read_text().replace("It went well.", "It went very well."))
    third = import_(blog)
    assert f"Left alone: {edited} (you changed it after it was imported)." in third.stdout
    assert "It went very well." in edited.read_text()
    assert {path for path in content.rglob("*") if path.is_file()} == set(files)


@pytest.mark.server
def test_a_dry_run_writes_nothing(blog):
    _, content, _, _, _ = blog
    result = import_(blog, "--dry-run")
    assert result.returncode == 0
    assert "Would write: 3 comments, 1 draft post, 1 page, 2 photos, 3 posts." in result.stdout
    assert list(content.iterdir()) == []


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"this is not xml", "this is not an XML file, so not a Blogger export"),
        (
            b"<?xml version='1.0'?><feed xmlns='http://www.w3.org/2005/Atom'><entry><id>x",
            "this file was cut short (it ends too early): download the export from Blogger again",
        ),
        (
            b"<?xml version='1.0'?><feed xmlns='http://www.w3.org/2005/Atom'><entry></id>"
            + b"</entry>" * 9
            + b"</feed>",
            "the file is damaged at line 1, column 72 (mismatched tag): download the export",
        ),
        (b"<?xml version='1.0'?><rss><channel><title>WP</title></channel></rss>", "WordPress"),
        (
            b"<?xml version='1.0'?><feed xmlns='http://www.w3.org/2005/Atom'><entry><id>1</id></entry></feed>",
            "not a Blogger export",
        ),
        (
            b"<?xml version='1.0'?><!DOCTYPE x [<!ENTITY a 'aaaa'><!ENTITY b '&a;&a;'>]>"
            b"<feed>&b;</feed>",
            "the file defines its own XML entities, which a Blogger export never does; it is "
            "refused for safety. Download the export from Blogger again",
        ),
    ],
    ids=["not xml", "truncated", "damaged", "wordpress", "other atom", "entity expansion"],
)
def test_files_that_are_not_blogger_exports_are_refused_cleanly(tmp_path, data, message):
    export = tmp_path / "export.xml"
    export.write_bytes(data)
    content = tmp_path / "content"
    content.mkdir()
    settings = write_settings(tmp_path, content)
    result = run_pathways("import", "--settings", str(settings), "blogger", str(export))
    assert result.returncode == 1
    assert message in result.stderr
    assert list(content.iterdir()) == []


UNDECLARED_PREFIX = """<?xml version='1.0' encoding='UTF-8'?>
<feed xmlns='http://www.w3.org/2005/Atom' xmlns:thr='http://purl.org/syndication/thread/1.0'>
<title type='text'>Notes</title>
<entry><id>tag:blogger.com,1999:blog-1.post-1</id>
<published>2013-09-23T17:19:00.000-07:00</published>
<category scheme='http://schemas.google.com/g/2005#kind'
 term='http://schemas.google.com/blogger/2008/kind#post'/>
<title type='text'>Published</title><content type='html'>&lt;p&gt;Out.&lt;/p&gt;</content>
<link rel='alternate' type='text/html' href='https://notes.blogspot.com/2013/09/out.html'/>
</entry>
<entry><id>tag:blogger.com,1999:blog-1.post-2</id>
<published>2013-09-24T17:19:00.000-07:00</published>
<app:control><app:draft>yes</app:draft></app:control>
<category scheme='http://schemas.google.com/g/2005#kind'
 term='http://schemas.google.com/blogger/2008/kind#post'/>
<title type='text'>Not yet</title><content type='html'>&lt;p&gt;Later.&lt;/p&gt;</content>
</entry>
<entry><id>tag:blogger.com,1999:blog-1.page-3</id>
<published>2013-09-20T10:00:00.000-07:00</published>
<category scheme='http://schemas.google.com/g/2005#kind'
 term='http://schemas.google.com/blogger/2008/kind#page'/>
<title type='text'>About</title><content type='html'>&lt;p&gt;Me.&lt;/p&gt;</content>
<link rel='alternate' type='text/html' href='https://notes.blogspot.com/p/about.html'/>
</entry>
<entry><id>tag:blogger.com,1999:blog-1.page-4</id>
<published>2013-09-21T10:00:00.000-07:00</published>
<app:control><app:draft>yes</app:draft></app:control>
<category scheme='http://schemas.google.com/g/2005#kind'
 term='http://schemas.google.com/blogger/2008/kind#page'/>
<title type='text'>Contact</title><content type='html'>&lt;p&gt;Soon.&lt;/p&gt;</content>
</entry>
<entry><id>tag:blogger.com,1999:blog-1.post-5</id>
<published>2013-09-25T08:00:00.000-07:00</published>
<category scheme='http://schemas.google.com/g/2005#kind'
 term='http://schemas.google.com/blogger/2008/kind#comment'/>
<content type='html'>Well said.</content><author><name>Reader</name></author>
<thr:in-reply-to ref='tag:blogger.com,1999:blog-1.post-1' type='text/html'/>
</entry>
</feed>
"""


def test_an_undeclared_well_known_prefix_is_repaired_and_said(tmp_path):
    export = tmp_path / "export.xml"
    export.write_text(UNDECLARED_PREFIX, encoding="utf-8")
    content = tmp_path / "content"
    content.mkdir()
    settings = write_settings(tmp_path, content)
    result = run_pathways("import", "--settings", str(settings), "blogger", str(export))
    assert result.returncode == 0, result.stderr
    assert "Wrote: 1 comment, 1 draft page, 1 draft post, 1 page, 1 post." in result.stdout
    assert "Repaired: the file uses the prefix app: without declaring it; declared it." in (
        result.stdout
    )
    assert "Status: draft" in (content / "posts" / "not-yet.md").read_text()


def test_an_unknown_undeclared_prefix_is_still_refused(tmp_path):
    export = tmp_path / "export.xml"
    export.write_text(UNDECLARED_PREFIX.replace("app:", "evil:"), encoding="utf-8")
    content = tmp_path / "content"
    content.mkdir()
    settings = write_settings(tmp_path, content)
    result = run_pathways("import", "--settings", str(settings), "blogger", str(export))
    assert result.returncode == 1
    assert "(unbound prefix): download the export from Blogger again" in result.stderr
    assert list(content.iterdir()) == []


@pytest.mark.build
def test_markup_in_titles_labels_and_text_stays_text(tmp_path):
    export = tmp_path / "export.xml"
    hostile = "<img src=x onerror=alert(1)>"
    export.write_text(
        UNDECLARED_PREFIX.replace("<title type='text'>Published", f"<title>{escape(hostile)}")
        .replace("&lt;p&gt;Out.&lt;/p&gt;", escape(f"<p>Type {escape(hostile)} here.</p>"))
        .replace(
            "<category scheme='http://schemas.google.com/g/2005#kind'",
            f"<category term={quoteattr(hostile)}/><category "
            "scheme='http://schemas.google.com/g/2005#kind'",
            1,
        ),
        encoding="utf-8",
    )
    content = tmp_path / "content"
    content.mkdir()
    settings = write_settings(tmp_path, content)
    result = run_pathways("import", "--settings", str(settings), "blogger", str(export))
    assert result.returncode == 0, result.stderr
    built = build(settings)
    assert built.returncode == 0, built.stderr
    page = soup(tmp_path / "output" / "posts" / "out" / "index.html")
    assert not page.select("img[onerror]")
    assert text(page.find("h1")) == hostile
    assert f"Type {hostile} here." in text(page.select_one(".post-body"))
    assert front_matter(content / "posts" / "out.md")["Tags"] == "img src=x onerror=alert(1)"


def test_a_photo_linking_elsewhere_keeps_its_link_and_a_thumbnail_loses_it(tmp_path):
    thumb = "https://1.bp.blogspot.com/-a/b/s320/{}.jpg"
    body = (
        f'<a href="https://example.org/article"><img src="{thumb.format("x")}" alt="X"></a>'
        f'<a href="{thumb.format("y").replace("s320", "s1600")}">'
        f'<img src="{thumb.format("y")}" alt="Y"></a>'
    )
    export = tmp_path / "export.xml"
    export.write_text(
        UNDECLARED_PREFIX.replace("&lt;p&gt;Out.&lt;/p&gt;", escape(body)), encoding="utf-8"
    )
    content = tmp_path / "content"
    content.mkdir()
    settings = write_settings(tmp_path, content)
    args = ("import", "--settings", str(settings), "blogger", str(export), "--no-images")
    assert run_pathways(*args).returncode == 0
    assert (
        (content / "posts" / "out.md")
        .read_text()
        .endswith(
            "\n[![X](https://1.bp.blogspot.com/-a/b/s0/x.jpg)](https://example.org/article)"
            "![Y](https://1.bp.blogspot.com/-a/b/s1600/y.jpg)\n"
        )
    )


def test_a_download_without_network_says_so_in_plain_words():
    import socket
    import urllib.error

    from pathways.blogger.images import _in_plain_words

    offline = urllib.error.URLError(socket.gaierror(-2, "Name or service not known"))
    assert _in_plain_words(offline).startswith(
        "the image host could not be found: is this computer online?"
    )


SCHEDULED = """<?xml version='1.0' encoding='UTF-8'?>
<feed xmlns='http://www.w3.org/2005/Atom' xmlns:blogger='http://schemas.google.com/blogger/2018'>
<id>tag:blogger.com,1999:blog-1</id><title>Notes</title>
<entry><id>tag:blogger.com,1999:blog-1.post-1</id>
<blogger:type>POST</blogger:type><blogger:status>SCHEDULED</blogger:status>
<published>2099-06-01T10:00:00Z</published><blogger:filename>/2099/06/soon.html</blogger:filename>
<title>Soon</title><content type='html'>&lt;p&gt;Written ahead.&lt;/p&gt;</content>
<author><name>Writer</name></author></entry>
<entry><id>tag:blogger.com,1999:blog-1.post-2</id>
<blogger:type>COMMENT</blogger:type><blogger:status>PENDING</blogger:status>
<published>2099-06-02T10:00:00Z</published><blogger:parent>tag:blogger.com,1999:blog-1.post-1</blogger:parent>
<content type='html'>Never approved.</content><author><name>Reader</name></author></entry>
<entry><id>tag:blogger.com,1999:blog-1.post-3</id>
<blogger:type>COMMENT</blogger:type><blogger:status>EMPTIED</blogger:status>
<published>2099-06-02T11:00:00Z</published><blogger:parent>tag:blogger.com,1999:blog-1.post-1</blogger:parent>
<content type='html'></content><author><name>Reader</name></author></entry>
</feed>
"""


def test_a_post_scheduled_on_blogger_stays_scheduled_and_unmoderated_comments_stay_out(tmp_path):
    export = tmp_path / "feed.atom"
    export.write_text(SCHEDULED, encoding="utf-8")
    content = tmp_path / "content"
    content.mkdir()
    settings = write_settings(tmp_path, content)
    result = run_pathways("import", "--settings", str(settings), "blogger", str(export))
    assert result.returncode == 0, result.stderr
    post = front_matter(content / "posts" / "soon.md")
    assert post["Date"].startswith("2099-06-01") and "Status" not in post
    assert "Old-URLs" not in post  # never published there
    assert "Skipped: 1 deleted comments, 1 pending comments." in result.stdout
    assert not (content / "comments").exists()
