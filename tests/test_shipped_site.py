"""The site as shipped: the ketamine post, the pages, the index and the production feeds."""

from pathlib import Path

import feedparser
import pytest

from tests.sites import ROOT, run_pathways, soup, text

SITEURL = "https://pathways.example.org"


@pytest.fixture(scope="module")
def preview(tmp_path_factory) -> Path:
    output = tmp_path_factory.mktemp("preview") / "output"
    result = run_pathways("build", "--output", str(output))
    assert result.returncode == 0, result.stderr
    return output


@pytest.fixture(scope="module")
def production(tmp_path_factory) -> Path:
    output = tmp_path_factory.mktemp("production") / "output"
    result = run_pathways("build", "--publish", "--output", str(output))
    assert result.returncode == 0, result.stderr
    return output


@pytest.mark.build
def test_ketamine_post_has_its_title_and_url(preview):
    page = soup(preview / "posts" / "ketamine" / "index.html")
    assert text(page.find("h1")) == "Ketamine"
    assert page.title.get_text().startswith("Ketamine")
    assert page.find("time")["datetime"].startswith("2023-")


@pytest.mark.build
def test_ketamine_post_opens_with_its_epigraph(preview):
    body = soup(preview / "posts" / "ketamine" / "index.html").select_one(".post-body")
    first = body.find(True)
    assert first.name == "blockquote"
    assert text(first.p) == "\u201cTell me about Ketamine\u201d"
    assert text(first.select_one(".attribution")) == "\u2014 everyone"


@pytest.mark.build
def test_ketamine_post_keeps_every_paragraph_with_curly_quotes(preview):
    body = soup(preview / "posts" / "ketamine" / "index.html").select_one(".post-body")
    for definition in body.select(".glossary-popover"):
        definition.decompose()
    paragraphs = [text(p) for p in body.find_all("p", recursive=False)]
    assert len(paragraphs) == 7
    assert paragraphs[0].startswith("Ketamine is an anesthetic")
    assert paragraphs[-1].endswith("I\u2019ll take it.")
    words = body.get_text()
    assert "\u201cIt\u2019s ok to be sad\u201d" in words
    assert '"' not in words and "'" not in words


@pytest.mark.build
def test_blogger_page_chrome_is_not_part_of_the_post(preview):
    body = soup(preview / "posts" / "ketamine" / "index.html").select_one(".post-body")
    for chrome in ("Post a Comment", "Popular Posts", "Comments"):
        assert chrome not in body.get_text()


@pytest.mark.build
def test_article_page_has_comments_section_without_fake_comments(preview):
    page = soup(preview / "posts" / "ketamine" / "index.html")
    comments = page.select_one("section#comments")
    assert comments.find("h2").get_text(strip=True) == "Comments"
    assert comments.select(".comment") == []


@pytest.mark.build
def test_index_lists_the_ketamine_post_with_its_summary(preview):
    page = soup(preview / "index.html")
    link = page.select_one(".post-summary-title a")
    assert link.get_text(strip=True) == "Ketamine"
    assert link["href"] == "/posts/ketamine/"
    assert "ketamine infusions" in page.select_one(".post-summary .summary").get_text()


@pytest.mark.build
def test_pages_are_in_the_navigation(preview):
    nav = soup(preview / "index.html").select_one("nav.site-nav")
    labels = [text(a) for a in nav.find_all("a")]
    # The writing guide is for the writer: readers' menu leaves it out, and links the glossary.
    assert labels == ["Home", "About", "Archive", "Tags", "Search", "Glossary", "Subscribe"]
    assert (preview / "about" / "index.html").exists()


@pytest.mark.build
def test_writing_guide_shows_every_supported_feature(preview):
    body = soup(preview / "writing-guide" / "index.html").select_one(".post-body")
    assert body.find("h2") and body.find("h3")
    assert body.find("ul") and body.find("ol")
    assert body.find("blockquote")
    image = body.find("img")
    assert image["alt"].strip()
    assert (preview / image["src"].lstrip("/")).exists()
    footnotes = body.select_one(".footnote")
    assert footnotes.find("ol") and footnotes.select("a.footnote-backref")
    assert body.select(".highlight pre")
    assert body.select("a[href='/posts/ketamine/']")


@pytest.mark.build
def test_semantic_page_structure_with_skip_link(preview):
    page = soup(preview / "posts" / "ketamine" / "index.html")
    for tag in ("header", "nav", "main", "article", "footer"):
        assert page.find(tag), tag
    skip = page.find("a")
    assert skip["href"] == "#main" and page.find(id="main").name == "main"


@pytest.mark.build
def test_not_found_page_offers_a_way_on(preview):
    page = soup(preview / "404.html")
    assert text(page.find("h1")) == "Page not found"
    assert page.select_one("a[href='/archives/']")


@pytest.mark.build
def test_production_urls_are_absolute_from_siteurl(production):
    page = soup(production / "posts" / "ketamine" / "index.html")
    for element in page.find_all(["a", "link", "script", "img"]):
        url = element.get("href") or element.get("src")
        if url and not url.startswith(("#", "mailto:")) and not element.find_parent(class_="share"):
            assert url.startswith(SITEURL), url


@pytest.mark.build
def test_production_feeds_parse_and_carry_the_full_post(production):
    for name in ("all.atom.xml", "all.rss.xml"):
        feed = feedparser.parse((production / "feeds" / name).read_bytes())
        assert not feed.bozo, feed.bozo_exception
        entry = feed.entries[0]
        assert entry.title == "Ketamine"
        assert entry.link == f"{SITEURL}/posts/ketamine/"
        content = entry.content[0].value if "content" in entry else entry.description
        assert "rabbit hole" in content


@pytest.mark.build
def test_preview_has_no_feeds_pointing_at_the_live_site(preview):
    assert not (preview / "feeds").exists()
    assert SITEURL not in (preview / "index.html").read_text(encoding="utf-8")


def test_shipped_content_has_no_drafts():
    for path in (ROOT / "content" / "posts").glob("*.md"):
        assert "Status: draft" not in path.read_text(encoding="utf-8"), path
