"""`pathways check` (`make check`): the shipped site passes; each kind of defect is caught with
the file, the line and what to fix, and the exit code says so."""

import os
import shutil
from pathlib import Path

import pytest

from pathways.site.build import load_settings
from pathways.site.check import VNU
from pathways.site.checks import check_site
from tests.sites import FIXTURES, ROOT, run_pathways, write_settings

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
    settings = load_settings(write_settings(tmp_path, content, publish=True))
    return output, settings


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
        p.startswith("writing-guide/index.html:") and "pathway.svg" in p and "missing file" in p
        for p in found
    )


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
    assert "problem in" in result.stderr and "index.html:" in result.stderr
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
