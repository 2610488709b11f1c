"""The theme in real headless Chromium: accessibility, layout, schemes, focus, no-JS and print.

Screenshots of every page type, at both widths and in both schemes, are saved to
`test-artifacts/screenshots/` for a person to look at.
"""

import os
import subprocess
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.sites import ROOT

SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
PAGES = {
    "home": "/",
    "ketamine": "/posts/ketamine/",
    "everything": "/posts/everything-in-one-post/",
    "page": "/writing-guide/",
    "archive": "/archives/",
    "tag": "/tags/ketamine/",
    "search": "/search/",
    "404": "/404.html",
}
WIDTHS = {"narrow": 375, "wide": 1280}
SCHEMES = ("light", "dark")
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
axe = Axe()


# Adds up the page's layout shifts (Cumulative Layout Shift, without the user's own moves).
LAYOUT_SHIFT = """window.layoutShift = 0;
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) {
    if (!entry.hadRecentInput) window.layoutShift += entry.value;
  }
}).observe({type: "layout-shift", buffered: true});"""


@pytest.fixture
def open_page(browser, site_url):
    contexts = []

    def opener(
        path: str, *, width: int = 1280, height: int = 900, scheme: str = "light", **options
    ):
        context = browser.new_context(
            viewport={"width": width, "height": height}, color_scheme=scheme, **options
        )
        contexts.append(context)
        page = context.new_page()
        page.add_init_script(LAYOUT_SHIFT)
        response = page.goto(site_url + path)
        assert response.ok, path
        return page

    yield opener
    for context in contexts:
        context.close()


def contrast(foreground: list[float], background: list[float]) -> float:
    """WCAG contrast ratio of two sRGB colours given as 0-255 channels."""

    def luminance(rgb: list[float]) -> float:
        channels = [c / 255 for c in rgb[:3]]
        linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    lighter, darker = sorted((luminance(foreground), luminance(background)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


COLOURS_JS = """(selector) => {
  const parse = (value) => value.match(/[\\d.]+/g).map(Number);
  const element = document.querySelector(selector);
  return [parse(getComputedStyle(element).color),
          parse(getComputedStyle(document.body).backgroundColor)];
}"""


@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("name", PAGES)
def test_page_has_no_axe_violations(open_page, name, width, scheme):
    page = open_page(PAGES[name], width=WIDTHS[width], scheme=scheme)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"{name}-{width}-{scheme}.png", full_page=True)

    results = axe.run(page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}})

    violations = results.response["violations"]
    assert violations == [], results.generate_report()


@pytest.mark.parametrize("name", PAGES)
def test_no_horizontal_scrolling_at_320_px(open_page, name):
    page = open_page(PAGES[name], width=320)
    overflow = page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0


@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize("selector", [".post-body p", ".post-body a", "h1", ".post-meta"])
def test_text_contrast_is_at_least_7_to_1(open_page, scheme, selector):
    page = open_page(PAGES["everything"], scheme=scheme)
    foreground, background = page.evaluate(COLOURS_JS, selector)
    assert contrast(foreground, background) >= 7


def test_dark_scheme_follows_the_system_setting(open_page):
    light = open_page(PAGES["ketamine"], scheme="light")
    dark = open_page(PAGES["ketamine"], scheme="dark")
    _, light_background = light.evaluate(COLOURS_JS, "h1")
    _, dark_background = dark.evaluate(COLOURS_JS, "h1")
    assert sum(light_background[:3]) > 600 > 150 > sum(dark_background[:3])


def test_every_control_shows_visible_focus(open_page):
    page = open_page(PAGES["everything"], width=375)
    controls = "a[href], button, summary, input, textarea, select, [tabindex='0']"
    focusable = page.evaluate("(selector) => document.querySelectorAll(selector).length", controls)
    seen = 0
    for _ in range(focusable):
        page.keyboard.press("Tab")
        style = page.evaluate(
            """() => {
              const el = document.activeElement;
              if (!el || el === document.body) return null;
              const s = getComputedStyle(el);
              return {tag: el.tagName, outline: s.outlineStyle, width: parseFloat(s.outlineWidth),
                      text: el.textContent.trim().slice(0, 40)};
            }"""
        )
        if style is None:
            break
        seen += 1
        assert style["outline"] != "none" and style["width"] >= 2, style
    assert seen >= 10


def test_skip_link_moves_focus_to_the_content(open_page):
    page = open_page(PAGES["ketamine"])
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.textContent") == "Skip to content"
    assert page.locator(".skip-link").bounding_box()["y"] >= 0
    page.keyboard.press("Enter")
    assert page.evaluate("() => document.activeElement.id") == "main"


def test_theme_toggle_switches_and_remembers_the_choice(open_page):
    page = open_page(PAGES["ketamine"], scheme="light")
    toggle = page.get_by_role("button", name="Dark theme")
    assert toggle.get_attribute("aria-pressed") == "false"
    toggle.click()
    assert toggle.get_attribute("aria-pressed") == "true"
    _, background = page.evaluate(COLOURS_JS, "h1")
    assert sum(background[:3]) < 150

    page.goto(page.url.replace("/posts/ketamine/", "/archives/"))
    assert page.evaluate("() => document.documentElement.dataset.theme") == "dark"
    assert page.get_by_role("button", name="Dark theme").get_attribute("aria-pressed") == "true"


def test_pages_work_without_javascript(open_page):
    page = open_page(PAGES["everything"], java_script_enabled=False, width=375)
    assert " ".join(page.locator("h1").inner_text().split()) == "Everything in one post"
    assert page.locator(".post-body .highlight").first.is_visible()
    assert page.locator("button.theme-toggle").count() == 0
    archive = page.locator(".archive-tree details").first
    archive.locator("summary").click()
    assert archive.get_attribute("open") is None


@pytest.mark.parametrize(("motion", "behaviour"), [("reduce", "auto"), ("no-preference", "smooth")])
def test_motion_only_when_the_reader_allows_it(open_page, motion, behaviour):
    page = open_page(PAGES["ketamine"], reduced_motion=motion)
    assert page.evaluate("() => getComputedStyle(document.documentElement).scrollBehavior") == (
        behaviour
    )


def test_print_shows_the_post_and_comments_not_the_chrome(open_page):
    page = open_page(PAGES["ketamine"])
    page.emulate_media(media="print")
    assert page.locator(".post-body").is_visible()
    assert page.locator("#comments").is_visible()
    for chrome in (".sidebar", ".site-nav", ".site-footer", ".share", ".post-nav"):
        assert not page.locator(chrome).is_visible(), chrome


def test_screenshots_folder_is_named_in_the_readme():
    assert "test-artifacts/screenshots" in (ROOT / "README.md").read_text()
    assert Path(SCREENSHOTS).is_relative_to(ROOT)


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("name", PAGES)
def test_nothing_moves_while_a_page_loads(open_page, name, width):
    page = open_page(PAGES[name], width=WIDTHS[width], height=800)
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(300)
    assert page.evaluate("() => window.layoutShift") == 0


def test_on_a_phone_the_writing_starts_on_the_first_screen(open_page):
    page = open_page(PAGES["ketamine"], width=375, height=800)
    first_paragraph = page.locator(".post-body > p").first.bounding_box()
    line = page.evaluate(
        "() => parseFloat(getComputedStyle(document.querySelector('.post-body > p')).lineHeight)"
    )
    assert first_paragraph["y"] + 2 * line <= 800
    for part in ("h1", ".post-meta", ".disclaimer", ".content-note", ".site-title"):
        assert page.locator(part).first.is_visible(), part


@pytest.mark.parametrize("script", [True, False], ids=["script", "no-script"])
def test_on_a_phone_navigation_and_search_fold_into_a_menu(open_page, script):
    page = open_page(PAGES["ketamine"], width=375, java_script_enabled=script)
    archive = page.locator("nav.site-nav").get_by_role("link", name="Archive")
    search_box = page.get_by_role("searchbox", name="Search this blog")
    assert not archive.is_visible() and not search_box.is_visible()
    menu = page.locator("summary", has_text="Menu")
    assert menu.bounding_box()["y"] < 60  # on the title's row
    menu.click()
    assert archive.is_visible() and search_box.is_visible()
    archive.click()
    assert page.url.endswith("/archives/")


def test_on_a_wide_screen_navigation_and_search_show_without_a_menu(open_page):
    page = open_page(PAGES["ketamine"], width=1280)
    assert page.locator("nav.site-nav").get_by_role("link", name="Archive").is_visible()
    assert page.get_by_role("searchbox", name="Search this blog").is_visible()
    assert not page.locator("summary", has_text="Menu").is_visible()


FONTS = {"DejaVu Sans": "/usr/share/fonts/truetype/dejavu", "Liberation Sans": "liberation2"}
CHARACTERS_PER_LINE = """() => {
  const paragraph = [...document.querySelectorAll(".post-body > p")]
    .sort((a, b) => b.textContent.length - a.textContent.length)[0];
  const lines = new Map();
  const walker = document.createTreeWalker(paragraph, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    for (let i = 0; i < node.length; i++) {
      const range = document.createRange();
      range.setStart(node, i);
      range.setEnd(node, i + 1);
      const box = range.getClientRects()[0];
      if (box) lines.set(Math.round(box.top), (lines.get(Math.round(box.top)) || 0) + 1);
    }
  }
  const counts = [...lines.values()].slice(0, -1);
  return counts.reduce((a, b) => a + b, 0) / counts.length;
}"""


@pytest.mark.parametrize("font", FONTS)
def test_lines_hold_60_to_75_characters_whatever_the_sans_serif_font(open_page, font):
    installed = subprocess.run(["fc-list", font], capture_output=True, text=True).stdout
    if FONTS[font] not in installed:
        if os.environ.get("CI"):
            pytest.fail(f"{font} is missing: apt-get install fonts-dejavu-core fonts-liberation2")
        pytest.skip(f"{font} is not installed")
    page = open_page(PAGES["ketamine"], width=1280)
    page.add_style_tag(content=f":root {{ --font-body: '{font}'; }}")
    assert page.evaluate("() => getComputedStyle(document.body).fontFamily") == f'"{font}"'
    assert 60 <= page.evaluate(CHARACTERS_PER_LINE) <= 75


@pytest.mark.parametrize("width", WIDTHS)
def test_a_glossary_definition_opens_next_to_its_word(open_page, width):
    page = open_page(PAGES["ketamine"], width=WIDTHS[width])
    term = page.locator(".post-body .glossary-term").first
    term.click()
    popover = page.locator(".post-body .glossary-popover").first
    assert popover.is_visible()
    word, box = term.bounding_box(), popover.bounding_box()
    below = 0 <= box["y"] - (word["y"] + word["height"]) <= 16
    above = 0 <= word["y"] - (box["y"] + box["height"]) <= 16
    assert below or above, (word, box)
    assert box["x"] < word["x"] + word["width"] and word["x"] < box["x"] + box["width"]
    assert box["x"] >= 0 and box["x"] + box["width"] <= WIDTHS[width]


def test_footnote_markers_are_big_enough_to_tap_and_the_notes_have_a_heading(open_page):
    page = open_page(PAGES["everything"], width=375)
    links = page.locator(".footnote-ref, .footnote-backref")
    assert links.count() >= 4
    for index in range(links.count()):
        box = links.nth(index).bounding_box()
        assert box["width"] >= 24 and box["height"] >= 24, box
    heading = page.get_by_role("heading", name="Notes")
    assert heading.is_visible()
    assert page.evaluate(
        "() => document.querySelector('.footnote-title').nextElementSibling.tagName"
    ) in ("HR", "OL")


@pytest.mark.parametrize("scheme", SCHEMES)
def test_the_publish_button_looks_like_the_theme(open_page, scheme):
    page = open_page(PAGES["ketamine"], scheme=scheme)
    style = page.evaluate(
        r"""() => {
          const s = getComputedStyle(document.querySelector(".comment-form button[type=submit]"));
          return {font: s.fontFamily, radius: parseFloat(s.borderTopLeftRadius),
                  height: parseFloat(s.height), color: s.color.match(/[\d.]+/g).map(Number),
                  background: s.backgroundColor.match(/[\d.]+/g).map(Number),
                  body: getComputedStyle(document.body).fontFamily};
        }"""
    )
    assert style["font"] == style["body"] and style["radius"] > 0 and style["height"] >= 44
    assert contrast(style["color"], style["background"]) >= 4.5


@pytest.mark.parametrize("scheme", SCHEMES)
def test_a_browser_without_light_dark_shows_the_light_colours(open_page, scheme, site_url):
    """Browsers before 2024 do not know light-dark(): the page must stay readable."""
    page = open_page("/404.html", scheme=scheme)

    def without_light_dark(route):
        css = route.fetch().text().replace("light-dark(", "unknown-function(")
        route.fulfill(body=css, content_type="text/css")

    page.route("**/*.css", without_light_dark)
    page.goto(site_url + PAGES["everything"])
    foreground, background = page.evaluate(COLOURS_JS, ".post-body p")
    assert sum(background[:3]) > 600
    assert contrast(foreground, background) >= 7


@pytest.mark.parametrize(
    ("query", "page_title"), [("infusion", "Ketamine"), ("headings", "Writing for this blog")]
)
def test_search_results_begin_with_the_passage_that_matched(open_page, query, page_title):
    page = open_page(f"{PAGES['search']}?q={query}")
    result = page.locator(".search-results li", has_text=page_title).first
    result.wait_for()
    excerpt = " ".join(result.locator("p").inner_text().split())
    assert result.locator("mark").count() >= 1
    for not_the_writing in ("min read", "not medical advice", "Content note", "##", "]("):
        assert not_the_writing not in excerpt, excerpt
