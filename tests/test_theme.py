"""The theme's HTML: page parts, head metadata, privacy, weight, validity, sitemap and robots."""

import json
import os
import re
import shutil
import subprocess
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest
from bs4 import BeautifulSoup

from tests.sites import ROOT, build, post, soup, text, write_post, write_settings

SITEURL = "https://pathways.example.org"
VNU = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
CSS_URL = re.compile(r"url\(\s*['\"]?([^'\")]+)")


def html_files(site: Path) -> list[Path]:
    return sorted(site.rglob("*.html"))


def site_pages(site: Path) -> list[Path]:
    """Every page a reader browses: not the small pages that redirect old addresses."""
    return [path for path in html_files(site) if 'http-equiv="refresh"' not in path.read_text()]


def test_every_page_has_header_navigation_sidebar_and_footer(fixture_site):
    for path in site_pages(fixture_site):
        page = soup(path)
        nav = [text(a) for a in page.select("nav.site-nav a")]
        assert nav[0] == "Home" and {"Archive", "Tags", "Subscribe"} <= set(nav), path
        assert page.select_one(".site-title") and page.select_one(".tagline"), path
        assert page.select_one("aside.sidebar #subscribe"), path
        assert "\u00a9" in text(page.select_one("footer.site-footer")), path
        assert page.select_one("a.skip-link[href='#main']"), path


def test_sidebar_has_about_tags_with_counts_and_a_collapsible_archive(fixture_site):
    sidebar = soup(fixture_site / "index.html").select_one("aside.sidebar")
    assert "from my own experience" in text(sidebar.select_one("#about-title").parent)
    labels = {text(li) for li in sidebar.select(".label-list li")}
    assert "ketamine (2)" in labels and "guide (1)" in labels
    years = sidebar.select(".archive-tree > li > details")
    assert [text(d.summary) for d in years] == ["2024 (1)", "2023 (1)"]
    assert years[0].has_attr("open") and not years[1].has_attr("open")
    may = years[1].select_one("a")
    assert text(may) == "May" and may["href"] == "/archives/2023/05/"
    month_page = soup(fixture_site / "archives" / "2023" / "05" / "index.html")
    assert text(month_page.find("h1")) == "Posts from May 2023"
    assert [text(a) for a in month_page.select("main .link-list a")] == ["Ketamine"]


def test_home_lists_posts_with_date_reading_time_summary_and_tags(fixture_site):
    first = soup(fixture_site / "index.html").select(".post-summary")[0]
    assert text(first.select_one(".post-summary-title")) == "Everything in one post"
    assert first.find("time")["datetime"].startswith("2024-02-10")
    assert re.search(r"\d+ min read", text(first.select_one(".post-meta")))
    assert "code, footnotes" in text(first.select_one(".summary"))
    assert [text(a) for a in first.select(".tags a")] == ["guide", "ketamine"]


def test_article_shows_updated_date_reading_time_and_neighbours(fixture_site):
    page = soup(fixture_site / "posts" / "everything-in-one-post" / "index.html")
    meta = text(page.select_one(".post-header .post-meta"))
    assert "February 10, 2024" in meta and "(updated March 1, 2024)" in meta
    assert "1 min read" in meta
    nav = page.select_one("nav.post-nav")
    assert text(nav.select_one(".older a")) == "Older post Ketamine"
    assert nav.select_one(".older a")["href"] == "/posts/ketamine/"
    assert not nav.select_one(".newer")
    older = soup(fixture_site / "posts" / "ketamine" / "index.html").select_one("nav.post-nav")
    assert text(older.select_one(".newer a")) == "Newer post Everything in one post"
    assert older.select_one(".home a")["href"] == "/"


def test_ketamine_post_reading_time_matches_its_length(fixture_site):
    page = soup(fixture_site / "posts" / "ketamine" / "index.html")
    words = len(text(page.select_one(".post-body")).split())
    minutes = int(re.search(r"(\d+) min read", text(page.select_one(".post-meta"))).group(1))
    assert 3 <= minutes == -(-words // 220)


def test_share_links_are_plain_links(production_site):
    share = soup(production_site / "posts" / "ketamine" / "index.html").select_one(".share")
    links = {text(a): a["href"] for a in share.select("a")}
    assert set(links) == {"Email", "Bluesky", "Facebook"}
    assert links["Email"].startswith("mailto:?subject=Ketamine")
    for href in links.values():
        assert f"{SITEURL}/posts/ketamine/" in unquote(href)
        assert "://pathways" not in href
    assert not share.select("script, iframe, img")


def test_article_head_has_description_canonical_social_and_json_ld(production_site):
    page = soup(production_site / "posts" / "ketamine" / "index.html")
    url = f"{SITEURL}/posts/ketamine/"
    assert text(page.title) == "Ketamine · Pathways"
    description = page.select_one("meta[name=description]")["content"]
    assert description.startswith("Why I started ketamine infusions")
    assert page.select_one("link[rel=canonical]")["href"] == url
    og = {m["property"]: m["content"] for m in page.select("meta[property^='og:']")}
    assert og["og:type"] == "article" and og["og:url"] == url
    assert og["og:title"] == "Ketamine · Pathways" and og["og:description"] == description
    assert page.select_one("meta[name='twitter:card']")["content"] == "summary"
    data = json.loads(page.select_one("script[type='application/ld+json']").string)
    assert data["@type"] == "BlogPosting" and data["headline"] == "Ketamine"
    assert data["datePublished"] == "2023-05-18T20:00:00-04:00"
    assert data["url"] == url
    feeds = {link["type"] for link in page.select("link[rel=alternate]")}
    assert feeds == {"application/atom+xml", "application/rss+xml"}
    assert page.select_one("link[rel=icon]")["href"].startswith(SITEURL)
    assert len(page.select("meta[name=theme-color]")) == 2


@pytest.mark.build
def test_quotes_in_summaries_do_not_break_attributes(tmp_path):
    content = tmp_path / "content"
    write_post(content, "q.md", post('Say "hi"', summary='She said "stop" & <left>'))
    assert build(write_settings(tmp_path, content)).returncode == 0
    page = soup(tmp_path / "output" / "posts" / "say-hi" / "index.html")
    assert "stop" in page.select_one("meta[name=description]")["content"]
    assert page.select_one("meta[property='og:title']")["content"].startswith("Say")
    assert json.loads(page.select_one("script[type='application/ld+json']").string)


def test_no_page_loads_anything_from_another_site(production_site):
    """Every resource a browser fetches by itself comes from the site: no fonts, CDNs, trackers."""
    site = urlparse(SITEURL).netloc
    for path in html_files(production_site):
        page = soup(path)
        fetched = [el.get("src") for el in page.find_all(src=True)]
        fetched += [el.get("srcset") for el in page.find_all(srcset=True)]
        fetched += [
            link["href"]
            for link in page.find_all("link", href=True)
            if not {"alternate", "canonical"} & set(link.get("rel", []))
        ]
        fetched += [el["data"] for el in page.find_all("object", data=True)]
        assert not page.find_all(["iframe", "embed"]), path
        for style in page.find_all(style=True) + page.find_all("style"):
            fetched += CSS_URL.findall(style.get("style") or style.string or "")
        for url in fetched:
            assert urlparse(url).netloc in ("", site), f"{path}: {url}"
    for css in production_site.rglob("*.css"):
        for url in CSS_URL.findall(css.read_text(encoding="utf-8")):
            assert urlparse(url).netloc in ("", site), f"{css}: {url}"
        assert "@font-face" not in css.read_text(encoding="utf-8")


def test_article_page_weighs_at_most_50_kb(production_site):
    page_path = production_site / "posts" / "ketamine" / "index.html"
    page = soup(page_path)
    assets = [link["href"] for link in page.select("link[rel=stylesheet]")]
    assets += [script["src"] for script in page.select("script[src]")]
    total = page_path.stat().st_size
    for url in assets:
        total += (production_site / urlparse(url).path.lstrip("/")).stat().st_size
    assert total <= 50 * 1024, total


def test_sitemap_and_robots_only_in_production(fixture_site, production_site):
    assert not (fixture_site / "sitemap.xml").exists()
    assert not (fixture_site / "robots.txt").exists()
    robots = (production_site / "robots.txt").read_text()
    assert f"Sitemap: {SITEURL}/sitemap.xml" in robots
    sitemap = BeautifulSoup((production_site / "sitemap.xml").read_text(), "xml")
    locations = {loc.get_text() for loc in sitemap.find_all("loc")}
    assert locations == {
        f"{SITEURL}/",
        f"{SITEURL}/posts/ketamine/",
        f"{SITEURL}/posts/everything-in-one-post/",
        f"{SITEURL}/about/",
    }


def test_not_found_page_offers_recent_posts_and_ways_on(fixture_site):
    page = soup(fixture_site / "404.html")
    main = page.find("main")
    assert [text(a) for a in main.select(".link-list a")][:2] == [
        "Everything in one post",
        "Ketamine",
    ]
    assert main.select_one("a[href='/archives/']") and main.select_one("a[href='/tags/']")
    search = main.select_one("form[role=search]")
    assert search["action"] == "/search/" and search.select_one("input[name=q]")
    # Sent with status 404 (which keeps it out of search engines): no noindex, which a
    # search engine or Lighthouse reading the page itself would take as a blocked page.
    assert not page.select("meta[name=robots]") and not page.select("link[rel=canonical]")


@pytest.mark.build
@pytest.mark.parametrize("site", ["fixture_site", "production_site"])
def test_every_page_passes_the_nu_html_checker(request, site):
    if not (VNU.exists() and shutil.which("java")):
        if os.environ.get("CI"):
            pytest.fail("the Nu HTML checker needs Java and `npm ci` (make test does both)")
        pytest.skip("the Nu HTML checker needs Java and node_modules/vnu-jar (npm ci)")
    output = request.getfixturevalue(site)
    result = subprocess.run(
        ["java", "-jar", str(VNU), "--skip-non-html", "--errors-only", str(output)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr


def top_level_selectors(css: str) -> list[str]:
    """Selectors of the rules outside @media and other at-rules, in order."""
    selectors, depth, start = [], 0, 0
    css = re.sub(r"/\*.*?\*/", "", css, flags=re.DOTALL)
    for position, character in enumerate(css):
        if character == "{":
            if depth == 0:
                selectors.append(" ".join(css[start:position].split()))
            depth += 1
        elif character == "}":
            depth -= 1
            if depth == 0:
                start = position + 1
    return [selector for selector in selectors if not selector.startswith("@")]


def test_stylesheet_rules_are_not_repeated():
    """Guards against a rule block pasted twice, which once reset `hr` inside footnotes."""
    css = (ROOT / "theme" / "static" / "css" / "style.css").read_text()
    selectors = top_level_selectors(css)
    repeated = {s for s in selectors if selectors.count(s) > 1}
    assert repeated == set()


def test_the_text_a_reader_sees_keeps_its_spaces_in_production(production_site):
    """Pelican's templates drop line breaks around block tags, and the production pages are
    minified: the text once read "3 min read· in Treatment" and "Feeds: AtomRSS"."""
    page = soup(production_site / "posts" / "ketamine" / "index.html")
    assert page.select_one(".post-header .post-meta").get_text() == (
        "May 18, 2023 · 3 min read · in Treatment"
    )
    everything = soup(production_site / "posts" / "everything-in-one-post" / "index.html")
    assert everything.select_one(".post-header .post-meta").get_text() == (
        "February 10, 2024 (updated March 1, 2024) · 1 min read · 2 comments"
    )
    for path in ("index.html", "posts/ketamine/index.html", "archives/index.html", "404.html"):
        footer = soup(production_site / path).select_one("footer.site-footer").get_text()
        assert "Feeds: Atom, RSS" in " ".join(footer.split()), path


@pytest.mark.build
def test_the_folder_is_never_a_category_and_only_a_chosen_one_is_named(tmp_path):
    content = tmp_path / "content"
    write_post(content, "plain.md", post("Plain"))
    write_post(content, "chosen.md", post("Chosen", category="Treatment"))
    assert build(write_settings(tmp_path, content)).returncode == 0
    output = tmp_path / "output"
    plain = soup(output / "posts" / "plain" / "index.html").select_one(".post-header .post-meta")
    assert " in " not in text(plain) and not plain.select_one(".category")
    chosen = soup(output / "posts" / "chosen" / "index.html").select_one(".post-meta .category")
    assert text(chosen) == "· in Treatment"
    assert chosen.a["href"] == "/category/treatment/"
    assert (output / "category" / "journal" / "index.html").exists()
    assert not (output / "category" / "posts").exists()


def test_footnotes_have_a_heading_and_only_the_writing_is_searched(fixture_site):
    page = soup(fixture_site / "posts" / "everything-in-one-post" / "index.html")
    notes = page.select_one(".post-body .footnote")
    assert text(notes.find("h2")) == "Notes" and notes.find("ol")
    searched = page.select("[data-pagefind-body]")
    assert [element["class"] for element in searched] == [["post-body", "e-content"]]
    assert page.select_one("h1[data-pagefind-meta=title]")
    tags = page.select_one(".post-footer .tags")["data-pagefind-meta"]
    assert tags == "tags:guide, ketamine"


@pytest.mark.build
def test_a_shared_title_has_plain_spaces(tmp_path):
    content = tmp_path / "content"
    write_post(content, "walk.md", post("A short walk by the lake"))
    settings = write_settings(tmp_path, content, publish=True, CHECK_LIVE_ADDRESSES=False)
    assert build(settings).returncode == 0
    page = soup(tmp_path / "output" / "posts" / "a-short-walk-by-the-lake" / "index.html")
    assert "\xa0" in page.h1.get_text()  # typography joins the last two words on the page
    email = page.select_one(".share a[href^='mailto:']")["href"]
    subject = unquote(email.split("subject=", 1)[1].split("&", 1)[0])
    assert subject == "A short walk by the lake"
