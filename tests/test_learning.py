"""Teaching and trust: series, hub pages, contents, related posts, references, glossary,
content notes, the disclaimer, review dates and search, in the built HTML and in Chromium."""

import json

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.sites import build, post, soup, text, write_post, write_settings

PART_ONE = ("posts", "starting-infusions", "index.html")
PART_TWO = ("posts", "second-week", "index.html")


def page_of(site, *parts):
    return soup(site.joinpath(*parts))


def test_series_parts_show_their_place_and_link_each_other(learning_site):
    one = page_of(learning_site, *PART_ONE).select_one(".series-box")
    assert text(one.select_one(".series-title")) == "Part 1 of 2 in the series My infusion diary"
    assert text(one.select_one("[aria-current=page]")) == "Starting infusions"
    assert text(one.select_one("a[rel=next]")) == "Next part: Second week"
    assert not one.select_one("a[rel=prev]")
    two = page_of(learning_site, *PART_TWO).select_one(".series-box")
    assert text(two.select_one("a[rel=prev]")) == "Previous part: Starting infusions"
    listing = page_of(learning_site, "series", "index.html")
    section = listing.select_one("#series-my-infusion-diary")
    assert [text(h) for h in section.select(".post-summary-title")] == [
        "Starting infusions",
        "Second week",
    ]


def test_a_hub_page_lists_a_series_under_its_intro(learning_site):
    hub = page_of(learning_site, "start-here", "index.html")
    assert "Read the diary from the beginning." in text(hub.select_one(".post-body"))
    assert [text(h) for h in hub.select(".hub-list .post-summary-title")] == [
        "Starting infusions",
        "Second week",
    ]


def test_long_posts_get_a_table_of_contents_with_copyable_heading_links(learning_site):
    page = page_of(learning_site, *PART_ONE)
    toc = page.select_one("nav.toc")
    assert [(a["href"], text(a)) for a in toc.select("a")] == [
        ("#before", "Before"),
        ("#during", "During"),
        ("#a-detail", "A detail"),
        ("#after", "After"),
    ]
    permalink = page.select_one("h2#before a.headerlink")
    assert permalink["href"] == "#before" and permalink["title"] == "Link to this section"
    assert not page_of(learning_site, *PART_TWO).select_one("nav.toc")


def test_related_posts_share_tags_or_words(learning_site):
    related = page_of(learning_site, *PART_ONE).select_one(".related-posts")
    titles = [text(a) for a in related.select("a")]
    assert titles[0] == "Second week"
    assert "Gardening" not in titles
    gardening = page_of(learning_site, "posts", "gardening", "index.html")
    assert not gardening.select_one(".related-posts")


def test_references_list_links_titles_and_access_dates(learning_site):
    references = page_of(learning_site, *PART_ONE).select_one(".references")
    items = references.select("li")
    assert items[0].a["href"] == "https://example.org/first"
    assert text(items[0]) == "A \u201cfirst\u201d source, accessed February 1, 2024."
    assert text(items[1]) == "A book without a link." and not items[1].a


def test_footnotes_render_as_numbered_notes_with_back_links(learning_site):
    page = page_of(learning_site, "posts", "everything-in-one-post", "index.html")
    notes = page.select(".footnote ol li")
    assert len(notes) == 2
    assert notes[0].select_one("a.footnote-backref")["href"] == "#fnref:one"
    assert page.select_one("sup a.footnote-ref")["href"] == "#fn:one"


def test_the_first_use_of_a_glossary_term_explains_it(learning_site):
    body = page_of(learning_site, *PART_ONE).select_one(".post-body")
    buttons = body.select("button.glossary-term")
    assert [text(b) for b in buttons] == ["Ketamine infusions", "negativity bias"]
    popover = body.select_one("#" + buttons[0]["popovertarget"])
    assert popover.has_attr("popover")
    assert text(popover.dfn) == "Ketamine"
    assert "anesthetic" in text(popover)
    assert popover.select_one("a")["href"] == "/glossary/#term-ketamine"
    ketamine = page_of(learning_site, "posts", "ketamine", "index.html").select_one(".post-body")
    assert len(ketamine.select("button.glossary-term[popovertarget=glossary-ketamine]")) == 1
    assert not ketamine.select("blockquote button")


def test_the_glossary_page_lists_terms_and_the_posts_using_them(learning_site):
    glossary = page_of(learning_site, "glossary", "index.html")
    terms = [text(dt) for dt in glossary.select("dt")]
    assert terms == ["Ketamine", "Negativity bias"]
    used = {text(a) for a in glossary.select("#term-ketamine + dd a")}
    assert used == {"Ketamine", "Starting infusions"}


def test_content_notes_show_above_the_post_and_in_listings(learning_site):
    page = page_of(learning_site, *PART_ONE)
    note = page.select_one("aside.content-note")
    assert text(note) == "Content note: this post talks about needles."
    collapsed = page.select_one("details.collapsed-body")
    assert text(collapsed.summary) == "Show the post" and collapsed.select_one(".post-body")
    home = page_of(learning_site, "index.html")
    summary = next(s for s in home.select(".post-summary") if "Starting infusions" in text(s))
    assert text(summary.select_one(".content-note-inline")) == "Content note: needles"
    ketamine = page_of(learning_site, "posts", "ketamine", "index.html")
    assert "panic attack, trauma" in text(ketamine.select_one("aside.content-note"))
    assert not ketamine.select_one("details.collapsed-body")


def test_health_posts_carry_the_medical_disclaimer(learning_site):
    ketamine = page_of(learning_site, "posts", "ketamine", "index.html")
    disclaimer = ketamine.select_one("aside.disclaimer")
    assert "not medical advice" in text(disclaimer)
    assert disclaimer.select_one("a")["href"] == "/disclaimer/"
    assert not page_of(learning_site, "posts", "gardening", "index.html").select_one(".disclaimer")
    full = page_of(learning_site, "disclaimer", "index.html")
    assert text(full.h1) == "Medical disclaimer"


def test_reviewed_and_updated_dates_show_when_set(learning_site):
    page = page_of(learning_site, *PART_ONE)
    assert "reviewed on March 1, 2024" in text(page.select_one(".post-header .post-meta"))
    data = json.loads(page.select_one("script[type='application/ld+json']").string)
    assert data["lastReviewed"] == "2024-03-01"


def test_search_is_indexed_with_every_build_and_has_a_page_and_a_box(learning_site):
    assert (learning_site / "pagefind" / "pagefind.js").exists()
    home = page_of(learning_site, "index.html")
    box = home.select_one("form.site-search")
    assert box["action"] == "/search/" and box.select_one("input[name=q]")
    search = page_of(learning_site, "search", "index.html")
    fallback = search.select_one("[data-search-fallback]")
    assert {a["href"] for a in fallback.select("a")} >= {"/archives/", "/tags/"}


@pytest.fixture
def page(browser, learning_url):
    context = browser.new_context()
    yield context.new_page()
    context.close()


def test_searching_finds_a_word_from_the_ketamine_post(page, learning_url):
    page.goto(f"{learning_url}/search/")
    page.get_by_label("Words to look for").fill("rabbit")
    page.get_by_role("button", name="Search", exact=True).last.click()
    result = page.locator(".search-results li").first
    result.wait_for()
    assert result.locator("a").inner_text() == "Ketamine"
    assert result.locator("mark").first.inner_text().lower() == "rabbit"
    assert "1 result" in page.locator(".search-status").inner_text()


def test_the_navigation_search_box_leads_to_results(page, learning_url):
    page.goto(f"{learning_url}/")
    page.get_by_label("Search this blog").fill("infusion")
    page.get_by_label("Search this blog").press("Enter")
    page.locator(".search-results li").first.wait_for()
    assert page.url.endswith("/search/?q=infusion")


def test_search_without_javascript_points_to_the_archive(browser, learning_url):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{learning_url}/search/?q=rabbit")
    assert page.locator("[data-search-fallback]").is_visible()
    assert "needs JavaScript" in page.locator("[data-search-fallback]").inner_text()
    context.close()


def test_glossary_definitions_open_and_close_with_the_keyboard(page, learning_url):
    page.goto(f"{learning_url}/posts/ketamine/")
    term = page.locator("button.glossary-term").first
    definition = page.locator("#glossary-ketamine")
    assert not definition.is_visible()
    term.focus()
    page.keyboard.press("Enter")
    assert definition.is_visible()
    assert "anesthetic" in definition.inner_text()
    page.keyboard.press("Escape")
    assert not definition.is_visible()


@pytest.mark.parametrize(
    "path",
    ["/search/", "/series/", "/glossary/", "/start-here/", "/posts/starting-infusions/"],
)
def test_new_pages_have_no_axe_violations(page, learning_url, path):
    page.goto(learning_url + path)
    if path == "/search/":
        page.get_by_label("Words to look for").fill("ketamine")
        page.get_by_role("button", name="Search", exact=True).last.click()
        page.locator(".search-results li").first.wait_for()
    if path == "/posts/starting-infusions/":
        page.locator("details.collapsed-body summary").click()
        page.locator("button.glossary-term").first.click()
    results = Axe().run(
        page,
        options={
            "runOnly": {
                "type": "tag",
                "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"],
            }
        },
    )
    assert results.response["violations"] == [], results.generate_report()


def test_character_references_are_not_taken_for_words():
    from plugins.pathways_related_posts import key_words

    assert key_words("<p>Rest&nbsp;well&#8217;s &amp; sleep</p>") == {"rest", "well", "sleep"}


@pytest.mark.build
def test_a_draft_in_a_series_previews_its_place_and_published_parts_wait_for_it(tmp_path):
    content = tmp_path / "content"
    series = {"series": "Pacing", "tags": "pacing"}
    write_post(content, "one.md", post("One", "2024-01-02 10:00+00:00", **series))
    write_post(content, "two.md", post("Two", "2024-01-03 10:00+00:00", **series))
    write_post(content, "three.md", post("Three", "2024-01-04 10:00+00:00", status="draft",
                                         **series))  # fmt: skip
    assert build(write_settings(tmp_path, content)).returncode == 0

    draft = soup(tmp_path / "output" / "drafts" / "three" / "index.html").select_one(".series-box")
    assert text(draft.select_one(".series-title")) == "Part 3 of 3 in the series Pacing"
    assert text(draft.select_one("a[rel=prev]")) == "Previous part: Two"
    two = soup(tmp_path / "output" / "posts" / "two" / "index.html").select_one(".series-box")
    assert text(two.select_one(".series-title")) == "Part 2 of 2 in the series Pacing"
    assert not two.select_one("a[rel=next]")
