"""`pathways check` (`make check`): the shipped site passes; each kind of defect is caught with
the file, the line and what to fix, and the exit code says so."""

import os
import shutil
from pathlib import Path

import pytest
from PIL import Image

from pathways.site.build import load_settings
from pathways.site.checks import VNU, check_site
from pathways.site.problems import Kind, Severity
from tests.sites import FIXTURES, ROOT, build, post, run_pathways, write_post, write_settings

needs_vnu = pytest.mark.skipif(
    not (VNU.exists() and shutil.which("java")) and not os.environ.get("CI"),
    reason="the Nu HTML checker needs Java and node_modules/vnu-jar (npm ci)",
)


@pytest.fixture
def site(tmp_path, production_site):
    """A copy of the production fixture site, to break, with its settings."""
    output = tmp_path / "output"
    shutil.copytree(production_site, output)
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    shutil.copy(FIXTURES / "everything.md", content / "posts" / "everything.md")
    settings_file = write_settings(tmp_path, content, publish=True, CHECK_LIVE_ADDRESSES=False)
    return output, load_settings(settings_file)


def problems(site, vnu=None) -> list[str]:
    output, settings = site
    return [str(problem) for problem in check_site(output, settings, vnu)]


def insert(path: Path, markup: str) -> int:
    """Put markup just before </main>; returns its line number."""
    text = path.read_text()
    before, after = text.split("</main>", 1)
    path.write_text(before + "\n" + markup + "\n</main>" + after)
    return before.count("\n") + 2


@needs_vnu
def test_the_shipped_site_passes_every_check(site):
    assert problems(site, VNU) == []


def test_a_broken_link_is_named_with_its_line(site):
    output, _ = site
    line = insert(output / "index.html", '<a href="/posts/nope/">gone</a>')
    assert problems(site) == [
        f"index.html:{line}: href='/posts/nope/' points to a missing file",
        "(site): HTML not validated: needs Java and the Nu checker (npm ci)",
    ]


def test_a_missing_anchor_is_caught(site):
    output, _ = site
    insert(
        output / "about" / "index.html",
        '<a href="https://pathways.example.org/posts/ketamine/#comment-x">c</a>',
    )
    assert any("no element with id 'comment-x' there" in p for p in problems(site))


def test_comment_and_footnote_anchors_resolve(site):
    assert not [p for p in problems(site) if "no element with id" in p]


def test_a_missing_image_is_caught(site):
    output, _ = site
    (output / "images" / "guide" / "pathway.svg").unlink()
    found = problems(site)
    assert any(
        "/pages/writing-guide.md:" in p
        and "pathway.svg" in p
        and "missing file" in p
        and p.endswith("(in writing-guide/index.html)")
        for p in found
    ), found


def test_third_party_requests_and_embeds_are_caught(site):
    output, _ = site
    insert(output / "index.html", '<script src="https://cdn.example.net/x.js"></script>')
    insert(
        output / "about" / "index.html", '<iframe src="https://video.example/1" title="v"></iframe>'
    )
    found = problems(site)
    assert any("loads https://cdn.example.net/x.js from another site" in p for p in found)
    assert any("<iframe> embeds another site" in p for p in found)


def test_images_without_alt_text_are_caught(site):
    output, _ = site
    line = insert(output / "about" / "index.html", '<img src="/images/guide/pathway.svg">')
    expected = f"about/index.html:{line}: image /images/guide/pathway.svg has no alt text"
    assert f"{expected}: describe it in the Markdown's [brackets]" in problems(site)


def test_a_broken_feed_is_caught(site):
    output, _ = site
    feed = output / "feeds" / "all.atom.xml"
    feed.write_text(feed.read_text()[:300])
    assert any(p.startswith("feeds/all.atom.xml: the feed does not parse") for p in problems(site))


def test_the_sitemap_must_list_every_post_and_nothing_else(site):
    output, _ = site
    sitemap = output / "sitemap.xml"
    text = sitemap.read_text().replace(
        "<loc>https://pathways.example.org/posts/ketamine/</loc>",
        "<loc>https://pathways.example.org/posts/ghost/</loc>",
    )
    sitemap.write_text(text)
    found = problems(site)
    assert "sitemap.xml: does not list https://pathways.example.org/posts/ketamine/" in found
    assert (
        "sitemap.xml: lists https://pathways.example.org/posts/ghost/, which is not in the build"
        in found
    )


def test_posts_need_summaries_and_drafts_must_not_leak(site):
    output, settings = site
    post = Path(settings["PATH"]) / "posts" / "bare.md"
    post.write_text("Title: Bare\nDate: 2024-01-01\n\nNo summary here.\n")
    (output / "drafts" / "secret").mkdir(parents=True)
    (output / "drafts" / "secret" / "index.html").write_text(
        "<!doctype html><title>x</title><main></main>"
    )
    found = problems(site)
    assert f"{post}:1: no Summary: add one or two sentences for listings" in found
    assert "drafts/secret/index.html: a draft was published; remove the file or set Status" in found


def test_a_post_still_showing_the_summary_make_new_wrote_is_named(site, tmp_path):
    created = run_pathways(
        "new", "--settings", str(tmp_path / "site_publish.py"), "Six months of pacing"
    )
    assert created.returncode == 0, created.stderr
    post = Path(created.stdout.strip())
    post.write_text(post.read_text().replace("Status: draft\n", ""))
    assert f"{post}:5: the Summary is still the one `make new` wrote" in "\n".join(problems(site))


@needs_vnu
def test_invalid_html_is_caught_by_the_nu_checker(site):
    output, _ = site
    line = insert(output / "about" / "index.html", "<p><div>block in a paragraph</div></p>")
    found = problems(site, VNU)
    assert any(p.startswith(f"about/index.html:{line}: invalid HTML:") for p in found), found


def test_the_command_fails_with_a_short_report(site):
    output, _ = site
    insert(output / "index.html", '<a href="/nowhere/">x</a>')
    result = run_pathways("check", "--output", str(output), "--skip-html")
    assert result.returncode == 1
    assert "problems in" in result.stderr and "index.html:" in result.stderr
    assert "'/nowhere/' points to a missing file" in result.stderr


@pytest.mark.server
def test_external_links_are_checked_only_when_asked(site, tmp_path):
    from tests.servers import serve_folder

    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "elsewhere" / "ok.html").write_text("fine")
    url, server = serve_folder(tmp_path / "elsewhere")
    try:
        output, settings = site
        insert(
            output / "index.html", f'<a href="{url}/ok.html">ok</a> <a href="{url}/gone.html">x</a>'
        )
        assert not [p for p in problems(site) if url in p]
        found = [str(p) for p in check_site(output, settings, None, external=True) if url in str(p)]
    finally:
        server.shutdown()
    assert len(found) == 1 and found[0].endswith(f"link to {url}/gone.html answers 404")


def test_problems_carry_a_kind_and_a_severity(site):
    output, settings = site
    insert(output / "index.html", '<a href="/posts/nope/">gone</a>')
    found = {(p.kind, p.severity) for p in check_site(output, settings)}
    assert found == {
        (Kind.MISSING_FILE, Severity.ERROR),
        (Kind.NOT_VALIDATED, Severity.WARNING),
    }


def test_where_drafts_go_comes_from_the_settings(tmp_path, production_site):
    output = tmp_path / "output"
    shutil.copytree(production_site, output)
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    settings = load_settings(
        write_settings(
            tmp_path,
            content,
            publish=True,
            CHECK_LIVE_ADDRESSES=False,
            DRAFT_URL="unpublished/{slug}/",
            CHECK_DECORATIVE_IMAGE_CLASSES=["ornament"],
        )
    )
    (output / "unpublished" / "secret").mkdir(parents=True)
    (output / "unpublished" / "secret" / "index.html").write_text(
        "<!doctype html><title>x</title><main></main>"
    )
    insert(
        output / "about" / "index.html",
        '<img class="ornament" src="/images/guide/pathway.svg" alt="">',
    )
    found = [str(p) for p in check_site(output, settings) if p.severity is Severity.ERROR]
    assert found == [
        "unpublished/secret/index.html: a draft was published; remove the file or set Status"
    ]


def test_front_matter_is_read_as_pelican_reads_it(site):
    _, settings = site
    posts = Path(settings["PATH"]) / "posts"
    (posts / "later.md").write_text("Title: Later\nDate: 2024-01-01\nStatus:   Draft\n\nText.\n")
    (posts / "wrapped.md").write_text(
        "Title: Wrapped\nDate: 2024-01-01\nSummary:\n    On the next line.\n\nText.\n"
    )
    assert not [p for p in problems(site) if "no Summary" in p]


def test_loopback_and_placeholder_addresses_fail_the_production_check(site, tmp_path):
    output, _ = site
    settings_file = write_settings(
        tmp_path, tmp_path / "content", publish=True, COMMENTS_ENDPOINT="http://127.0.0.1:8081"
    )
    result = run_pathways(
        "check", "--output", str(output), "--skip-html", "--settings", str(settings_file)
    )
    assert result.returncode == 1
    assert (
        "site_publish.py: SITEURL is https://pathways.example.org, a placeholder address: "
        "set SITEURL to its public address in the production settings"
    ) in result.stderr
    assert (
        "site_publish.py: COMMENTS_ENDPOINT is http://127.0.0.1:8081, a loopback address: "
        "set COMMENTS_ENDPOINT to its public address in the production settings"
    ) in result.stderr


def test_a_real_address_passes(site, tmp_path):
    output, _ = site
    live = write_settings(
        tmp_path,
        tmp_path / "content",
        publish=True,
        SITEURL="https://pathways.example.org",
        COMMENTS_ENDPOINT="https://comments.my-own-blog.net",
    )
    settings = load_settings(live)
    settings["SITEURL"] = "https://pathways.example.org"
    assert [p.kind for p in check_site(output, settings, settings_file=live)] == [
        Kind.ADDRESS,
        Kind.NOT_VALIDATED,
    ]
    settings["CHECK_LIVE_ADDRESSES"] = False
    assert [p.kind for p in check_site(output, settings)] == [Kind.NOT_VALIDATED]


def test_checking_a_preview_build_says_so(fixture_site, tmp_path):
    settings_file = write_settings(tmp_path, ROOT / "content", publish=True)
    result = run_pathways(
        "check", "--output", str(fixture_site), "--skip-html", "--settings", str(settings_file)
    )
    assert result.returncode == 1
    lines = [line for line in result.stderr.splitlines() if line.startswith("  ")]
    assert len(lines) == 1 and "this is a preview build" in lines[0], result.stderr
    assert "run make check" in lines[0]


@pytest.mark.build
def test_problems_in_a_post_or_comment_name_its_markdown_file(tmp_path):
    content = tmp_path / "content"
    source = write_post(
        content,
        "broken.md",
        post("Broken", summary="A post.", body="First.\n\nSee [this](/posts/nowhere/)."),
    )
    comment = content / "comments" / "broken" / "20240211T100000-aaaaaa.md"
    comment.parent.mkdir(parents=True)
    comment.write_text("Author: Ana\nDate: 2024-02-11T10:00:00+00:00\n\nLook [here](/gone/).\n")
    settings_file = write_settings(
        tmp_path, content, publish=True, CHECK_LIVE_ADDRESSES=False, SEARCH_INDEX=False
    )
    assert build(settings_file).returncode == 0
    found = [
        str(p)
        for p in check_site(tmp_path / "output", load_settings(settings_file))
        if p.kind is Kind.MISSING_FILE
    ]
    assert found == [
        f"{source}:7: href='/posts/nowhere/' points to a missing file (in posts/broken/index.html)",
        f"{comment}:4: href='/gone/' points to a missing file (in posts/broken/index.html)",
    ]


@needs_vnu
@pytest.mark.build
def test_invalid_html_in_a_post_names_its_markdown_line(tmp_path):
    content = tmp_path / "content"
    source = write_post(
        content,
        "nested.md",
        post("Nested", summary="A post.", body="First.\n\n<ul><p>wrong</p></ul>\n\nLast."),
    )
    settings_file = write_settings(
        tmp_path, content, publish=True, CHECK_LIVE_ADDRESSES=False, SEARCH_INDEX=False
    )
    assert build(settings_file).returncode == 0
    found = [
        str(p)
        for p in check_site(tmp_path / "output", load_settings(settings_file), VNU)
        if p.kind is Kind.INVALID_HTML
    ]
    assert len(found) == 1, found
    assert found[0].startswith(f"{source}:7: invalid HTML: Element “p” not allowed")
    assert found[0].endswith("(in posts/nested/index.html)")


@pytest.mark.sample
@pytest.mark.build
def test_a_link_to_a_removed_post_names_the_file_and_line_that_link_it(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    (content / "posts" / "ketamine.md").unlink()
    settings_file = write_settings(
        tmp_path, content, publish=True, CHECK_LIVE_ADDRESSES=False, SEARCH_INDEX=False
    )
    assert build(settings_file).returncode == 0
    guide = content / "pages" / "writing-guide.md"
    line = guide.read_text().splitlines().index("[my ketamine post]({filename}/posts/ketamine.md).")
    found = [
        str(p)
        for p in check_site(tmp_path / "output", load_settings(settings_file))
        if p.kind is Kind.MISSING_FILE
    ]
    assert found == [
        f"{guide}:{line + 1}: href='{{filename}}/posts/ketamine.md' points to a missing file "
        "(in writing-guide/index.html)"
    ]


@pytest.mark.build
def test_a_missing_or_undescribed_photo_is_named_with_its_post_and_line(tmp_path):
    content = tmp_path / "content"
    (content / "images").mkdir(parents=True)
    Image.new("RGB", (900, 600), (30, 120, 200)).save(content / "images" / "walk.jpg")
    body = "First.\n\n![]({static}/images/walk.jpg)\n\n![My cat asleep]({static}/images/Cat.jpg)"
    source = write_post(content, "photos.md", post("Photos", summary="A post.", body=body))
    settings_file = write_settings(
        tmp_path, content, publish=True, CHECK_LIVE_ADDRESSES=False, SEARCH_INDEX=False
    )
    result = build(settings_file)
    assert result.returncode == 0, result.stderr
    assert (
        "posts/photos.md: the image {static}/images/Cat.jpg is not in content/: check its "
        "folder and name (capitals count)"
    ) in result.stderr
    found = [
        str(p)
        for p in check_site(tmp_path / "output", load_settings(settings_file))
        if p.kind in (Kind.MISSING_FILE, Kind.NO_ALT)
    ]
    site = "https://pathways.example.org"
    assert found == [
        f"{source}:7: image {site}/images/walk.jpg has no alt text: describe it in the "
        "Markdown's [brackets] (in posts/photos/index.html)",
        f"{source}:9: src='{site}/images/Cat.jpg' points to a missing file "
        "(in posts/photos/index.html)",
    ]
