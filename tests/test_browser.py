"""The theme in real headless Chromium: accessibility, layout, schemes, focus, no-JS and print.

Screenshots of every page type, at both widths and in both schemes, are saved to
`test-artifacts/screenshots/` for a person to look at.
"""

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
    "404": "/404.html",
}
WIDTHS = {"narrow": 375, "wide": 1280}
SCHEMES = ("light", "dark")
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
axe = Axe()


@pytest.fixture
def open_page(browser, site_url):
    contexts = []

    def opener(path: str, *, width: int = 1280, scheme: str = "light", **options):
        context = browser.new_context(
            viewport={"width": width, "height": 900}, color_scheme=scheme, **options
        )
        contexts.append(context)
        page = context.new_page()
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
