"""What a reader meets at the edges of a page, in real Chromium: tables that scroll, names a
screen reader says, the phone header, the current menu item, the footer's line, dates in
lists, the glossary's popover on a phone, search wording, the 404 page, feeds and print."""

import re
import subprocess

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.photos import phone_photo
from tests.servers import serve_folder
from tests.sites import build, post, soup, text, write_post, write_settings
from tests.test_browser import LAYOUT_SHIFT, WCAG_TAGS, contrast

axe = Axe()
EVERYTHING = "/posts/everything-in-one-post/"
KETAMINE = "/posts/ketamine/"


@pytest.fixture
def opened(browser, site_url):
    contexts = []

    def opener(path: str, *, width: int = 1280, height: int = 900, scheme="light", **options):
        context = browser.new_context(
            viewport={"width": width, "height": height}, color_scheme=scheme, **options
        )
        contexts.append(context)
        page = context.new_page()
        page.add_init_script(LAYOUT_SHIFT)
        assert page.goto(site_url + path).ok, path
        return page

    yield opener
    for context in contexts:
        context.close()


def box(page, selector: str) -> dict:
    return page.locator(selector).first.bounding_box()


# Tables


def test_aligned_columns_are_classes_not_style_attributes(fixture_site):
    body = soup(fixture_site / "posts" / "everything-in-one-post" / "index.html")
    table = body.select_one(".post-body table")
    assert not table.select("[style]")
    assert [th.get("class") for th in table.select("thead th")] == [
        None,
        None,
        ["align-right"],
        ["align-right"],
        ["align-center"],
    ]


def test_a_wide_table_scrolls_by_keyboard_in_a_named_box_that_shows_it_scrolls(opened):
    page = opened(EVERYTHING, width=375)
    region = page.get_by_role("region", name="Table (scrolls sideways when it is wider than")
    assert region.evaluate("(box) => box.scrollWidth > box.clientWidth")
    # A shadow at the hidden edge: painted by the box's background (local gradients).
    assert "radial-gradient" in region.evaluate("(box) => getComputedStyle(box).backgroundImage")
    region.focus()
    assert page.evaluate("() => document.activeElement.classList.contains('table-scroll')")
    page.keyboard.press("ArrowRight")
    page.wait_for_function("() => document.querySelector('.table-scroll').scrollLeft > 0")
    numbers = page.locator(".table-scroll td.align-right").first
    assert numbers.evaluate("(td) => getComputedStyle(td).textAlign") == "right"


# Names a screen reader says


def test_heading_links_note_markers_and_back_links_have_names(opened):
    page = opened(EVERYTHING)
    assert page.get_by_role("link", name="Link to this section").count() >= 3
    assert page.get_by_role("link", name="Note 1", exact=True).get_attribute("href") == "#fn:one"
    back = page.get_by_role("link", name="Back to the text of note 2")
    assert back.get_attribute("href") == "#fnref:two"


def test_a_note_marker_does_not_make_its_line_taller(opened):
    page = opened(EVERYTHING)
    lines = page.evaluate(
        """() => {
          const p = document.querySelector('.post-body sup').closest('p');
          const height = p.getBoundingClientRect().height;
          const line = parseFloat(getComputedStyle(p).lineHeight);
          return [height, line];
        }"""
    )
    height, line = lines
    assert abs(height - round(height / line) * line) < 0.5, lines


def test_notes_and_references_headings_are_set_alike(browser, learning_url):
    page = browser.new_page()
    styles = []
    for path, heading in (
        (EVERYTHING, ".footnote-title"),
        ("/posts/starting-infusions/", ".references h2"),
    ):
        page.goto(learning_url + path)
        styles.append(
            page.evaluate(
                "(s) => ['fontSize', 'fontWeight', 'marginTop'].map("
                "(p) => getComputedStyle(document.querySelector(s))[p])",
                heading,
            )
        )
    page.close()
    assert styles[0] == styles[1]


def test_comments_and_references_have_curly_quotes(fixture_site, learning_site):
    post = soup(fixture_site / "posts" / "everything-in-one-post" / "index.html")
    reply = text(post.select(".comment-body")[1])
    assert "\u201cSame here\u201d" in reply and "it\u2019s true" in reply and "\u2014" in reply
    part = soup(learning_site / "posts" / "starting-infusions" / "index.html")
    assert "A \u201cfirst\u201d source" in text(part.select_one(".references"))


# The header, the menu and the footer


@pytest.mark.parametrize("width", [320, 400, 480, 600])
def test_without_scripts_the_menu_button_stays_off_the_tagline(opened, width):
    page = opened("/", width=width, java_script_enabled=False)
    menu, tagline = box(page, ".site-menu > summary"), box(page, ".tagline")
    assert menu["y"] + menu["height"] <= tagline["y"]


def test_on_a_phone_the_theme_button_is_as_tall_as_menu_which_shows_its_state(opened):
    page = opened("/", width=375)
    toggle, menu = box(page, ".theme-toggle"), box(page, ".site-menu > summary")
    assert toggle["height"] == menu["height"] >= 44
    chevron = "() => getComputedStyle(document.querySelector('.site-menu > summary'), '::after')"
    closed = page.evaluate(chevron + ".transform")
    page.locator(".site-menu > summary").click()
    assert page.evaluate(chevron + ".transform") != closed


NAV_PLACES = """() => [...document.querySelectorAll('.site-nav a')].map(
  (a) => a.getBoundingClientRect().x)"""


@pytest.mark.parametrize(
    ("path", "label"),
    [
        ("/archives/", "Archive"),
        ("/tags/", "Tags"),
        ("/search/", "Search"),
        ("/glossary/", "Glossary"),
        ("/", "Home"),
    ],
)
def test_the_current_page_is_marked_in_the_menu_and_no_item_moves(opened, path, label):
    page = opened(path)
    current = page.locator('.site-nav a[aria-current="page"]')
    assert current.count() == 1 and current.inner_text() == label
    places = page.evaluate(NAV_PLACES)
    assert places == opened("/404.html").evaluate(NAV_PLACES)


@pytest.mark.parametrize("width", [1280, 1600])
def test_the_footer_lines_up_with_the_content(opened, width):
    page = opened(KETAMINE, width=width)
    assert box(page, ".site-footer-inner")["x"] == box(page, ".layout")["x"]
    assert box(page, ".site-header-inner")["x"] == box(page, ".layout")["x"]


def test_in_lists_every_date_sits_under_its_title(opened):
    page = opened("/archives/", width=1280)
    entries = page.evaluate(
        """() => [...document.querySelectorAll('.link-list li')].map((li) => [
             li.querySelector('a').getBoundingClientRect().bottom,
             li.querySelector('time').getBoundingClientRect().top])"""
    )
    assert entries and all(title <= date for title, date in entries)


# The glossary on a phone


def test_a_glossary_popover_on_a_phone_is_wide_and_clear_of_the_edges(opened):
    page = opened(KETAMINE, width=375, height=740)
    # The word in the middle of its line, as the audit found it.
    page.evaluate(
        """() => {
          const term = document.querySelector('.glossary-term');
          term.before('Some words before ');
          term.scrollIntoView();
          window.scrollBy(0, -100);
        }"""
    )
    term = page.locator(".glossary-term").first
    assert term.bounding_box()["x"] > 100
    term.click()
    word, popover = term.bounding_box(), box(page, ".glossary-popover:popover-open")
    assert popover["width"] >= 375 - 2 * 24
    assert popover["x"] >= 8 and popover["x"] + popover["width"] <= 375 - 8
    assert 0 <= popover["y"] - (word["y"] + word["height"]) <= 16


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("width", [375, 1280])
def test_no_axe_violations_with_the_menu_and_a_popover_open(opened, width, scheme):
    page = opened(KETAMINE, width=width, scheme=scheme)
    if width < 768:
        page.locator(".site-menu > summary").click()
    page.locator(".glossary-term").first.click()
    assert page.locator(".glossary-popover:popover-open").count() == 1
    results = axe.run(page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}})
    assert results.response["violations"] == [], results.generate_report()


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("width", [375, 1280])
def test_no_axe_violations_on_a_post_with_a_wide_table(opened, width, scheme):
    page = opened(EVERYTHING, width=width, scheme=scheme)
    results = axe.run(page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}})
    assert results.response["violations"] == [], results.generate_report()


# Search and the 404 page


def test_the_search_page_without_scripts_says_where_else_to_look(fixture_site):
    fallback = soup(fixture_site / "search" / "index.html").select_one(".no-script-search")
    assert text(fallback).endswith("find every post in the archive or by tag.")


def test_a_search_excerpt_cut_from_the_middle_says_so(opened):
    page = opened("/search/?q=pathways")
    result = page.locator(".search-results li", has_text="Ketamine").first
    result.wait_for()
    excerpt = " ".join(result.locator("p").inner_text().split())
    assert excerpt.startswith("… ") or excerpt.endswith(" …"), excerpt


@pytest.mark.parametrize("path", ["/search/?q=pathways", "/404.html"])
def test_the_search_form_has_room_below_it(opened, path):
    page = opened(path)
    form = box(page, ".search-page-form")
    below = page.evaluate(
        "() => document.querySelector('.search-page-form').nextElementSibling"
        ".getBoundingClientRect().top"
    )
    assert below - (form["y"] + form["height"]) >= 16


def test_the_404_page_names_no_canonical_address_and_not_blogger(fixture_site, production_site):
    for site in (fixture_site, production_site):
        page = soup(site / "404.html")
        assert page.select('link[rel="canonical"]') == []
        assert page.select('meta[property="og:url"]') == []
        assert "Blogger" not in text(page.find("main"))
    assert soup(production_site / "archives" / "index.html").select('link[rel="canonical"]')


# Feeds


def test_feed_entries_carry_no_heading_links_or_glossary_popovers(production_site):
    feed = (production_site / "feeds" / "all.atom.xml").read_text()
    assert "headerlink" not in feed and "popover" not in feed and "glossary-term" not in feed
    assert "Ketamine" in feed and "Link to this section" not in feed


# Sample content and comments


def test_the_readers_menu_has_the_glossary_not_the_writing_guide(fixture_site):
    labels = [text(a) for a in soup(fixture_site / "index.html").select(".site-nav a")]
    assert "Glossary" in labels and "Writing for this blog" not in labels
    assert (fixture_site / "writing-guide" / "index.html").is_file()


def test_the_comment_button_says_comments_are_moderated(fixture_site):
    form = soup(fixture_site / "posts" / "everything-in-one-post" / "index.html")
    assert text(form.select_one(".comment-form button[type=submit]")) == "Send for moderation"


# Print


def print_to_pdf(page, tmp_path) -> list[str]:
    """The page printed to PDF by Chromium: each sheet's text."""
    pdf = tmp_path / "page.pdf"
    page.emulate_media(media="print")
    page.pdf(path=str(pdf), format="A4", print_background=True)
    result = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    )
    return result.stdout.split("\f")[:-1]


def test_print_after_choosing_dark_is_dark_on_white_and_wraps_code(opened, tmp_path):
    page = opened(EVERYTHING, scheme="light")
    page.get_by_role("button", name="Dark theme").click()
    page.emulate_media(media="print")
    colours = page.evaluate(
        """() => ['body', '.post-body a', '.comment-card', 'pre'].map((s) => {
             const parse = (v) => v.match(/[\\d.]+/g).map(Number);
             const e = document.querySelector(s);
             return [parse(getComputedStyle(e).color), parse(getComputedStyle(e).backgroundColor)];
           })"""
    )
    white = [255, 255, 255]
    for foreground, background in colours:
        if len(background) == 4 and background[3] == 0:
            background = white
        assert contrast(foreground, background) >= 7, colours
        assert sum(background[:3]) > 700, colours
    assert page.evaluate("() => getComputedStyle(document.querySelector('pre')).whiteSpace") == (
        "pre-wrap"
    )
    everything = " ".join(" ".join(print_to_pdf(page, tmp_path)).split())
    # The long line is printed whole, on two lines, not cut at the margin.
    assert "preformatted text that must scroll inside its box instead of widening the page" in (
        everything
    )


def test_a_long_table_repeats_its_header_row_on_each_printed_page(opened, tmp_path):
    page = opened(EVERYTHING)
    page.evaluate(
        """() => {
          const body = document.querySelector('.table-scroll tbody');
          const row = body.querySelector('tr');
          for (let i = 0; i < 80; i++) body.append(row.cloneNode(true));
        }"""
    )
    sheets = print_to_pdf(page, tmp_path)
    with_rows = [sheet for sheet in sheets if "tired and flat" in sheet]
    assert len(with_rows) >= 2
    assert all(re.search(r"Week +Energy", sheet) for sheet in with_rows)


@pytest.mark.build
def test_a_printed_photo_post_has_no_photo_addresses_and_no_blank_sheet(browser, tmp_path):
    content = tmp_path / "content"
    (content / "images").mkdir(parents=True)
    words = " ".join(["We rested on every bench along the shore."] * 12)
    body = []
    for number in range(4):
        phone_photo(content / "images" / f"p{number}.jpg", size=(1200, 1600), orientation=1)
        body += [f"![Photo {number} of the lake]({{static}}/images/p{number}.jpg)", words]
    write_post(content, "lake.md", post("The lake", body="\n\n".join(body), summary="A walk."))
    settings = write_settings(tmp_path, content, publish=True, CHECK_LIVE_ADDRESSES=False)
    assert build(settings).returncode == 0
    url, server = serve_folder(tmp_path / "output")
    try:
        page = browser.new_page()
        page.goto(url + "/posts/the-lake/", wait_until="networkidle")
        for image in page.locator(".post-body img").all():
            image.scroll_into_view_if_needed()
        page.wait_for_load_state("networkidle")
        sheets = print_to_pdf(page, tmp_path)
        page.close()
    finally:
        server.shutdown()
        server.server_close()
    printed = "\n".join(sheets)
    assert ".avif" not in printed and ".jpg" not in printed and "http" not in printed
    # No sheet but the last is mostly empty: each has text from at least a third of a page.
    lines = [len([line for line in sheet.splitlines() if line.strip()]) for sheet in sheets]
    assert all(count >= 8 for count in lines[:-1]), lines
