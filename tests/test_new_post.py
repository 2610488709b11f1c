"""`pathways new` (and `make new`): a draft post with complete front matter, never overwriting."""

import re

import pytest

from tests.sites import build, run_pathways, soup, text, write_settings

# Seconds each (the command line in a process of its own, or many inputs): left out of
# `make test-fast`.
pytestmark = pytest.mark.slow


@pytest.mark.build
def test_new_post_has_complete_front_matter_and_builds_as_a_draft(tmp_path):
    content = tmp_path / "content"
    content.mkdir()
    settings = write_settings(tmp_path, content)

    result = run_pathways("new", "Week two: more rest", "--settings", str(settings))

    assert result.returncode == 0, result.stderr
    path = content / "posts" / "week-two-more-rest.md"
    assert result.stdout.strip() == str(path)
    front_matter = path.read_text().split("\n\n")[0].splitlines()
    meta = dict(line.split(": ", 1) for line in front_matter if ": " in line)
    assert meta["Title"] == "Week two: more rest"
    assert meta["Slug"] == "week-two-more-rest"
    assert meta["Status"] == "draft"
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d[+-]\d\d:\d\d", meta["Date"])
    assert "Tags:" in path.read_text() and meta["Summary"]

    assert build(settings).returncode == 0
    page = soup(tmp_path / "output" / "drafts" / "week-two-more-rest" / "index.html")
    assert text(page.find("h1")) == "Week two: more rest"


def test_new_post_refuses_to_overwrite(tmp_path):
    content = tmp_path / "content"
    (content / "posts").mkdir(parents=True)
    existing = content / "posts" / "hello.md"
    existing.write_text("Title: Hello\nDate: 2024-01-01\n\nMine.\n")
    settings = write_settings(tmp_path, content)

    result = run_pathways("new", "Hello", "--settings", str(settings))

    assert result.returncode == 1
    assert "Not overwriting" in result.stderr and "hello.md" in result.stderr
    assert existing.read_text().endswith("Mine.\n")


def test_new_post_needs_a_title_that_makes_a_slug(tmp_path):
    settings = write_settings(tmp_path, tmp_path)
    result = run_pathways("new", "???", "--settings", str(settings))
    assert result.returncode == 1
    assert "slug" in result.stderr


@pytest.mark.build
def test_new_page_is_a_draft_page_that_joins_the_menu_when_published(tmp_path):
    content = tmp_path / "content"
    content.mkdir()
    settings = write_settings(tmp_path, content)

    result = run_pathways("new", "--page", "Contact me", "--settings", str(settings))

    assert result.returncode == 0, result.stderr
    path = content / "pages" / "contact-me.md"
    assert result.stdout.strip() == str(path)
    meta = dict(line.split(": ", 1) for line in path.read_text().split("\n\n")[0].splitlines())
    assert meta == {
        "Title": "Contact me",
        "Slug": "contact-me",
        "Summary": "A few words about Contact me.",
        "Status": "draft",
    }
    assert build(settings).returncode == 0
    draft = soup(tmp_path / "output" / "drafts" / "pages" / "contact-me.html")
    assert text(draft.find("h1")) == "Contact me"
    menu = [text(a) for a in soup(tmp_path / "output" / "index.html").select(".site-nav a")]
    assert "Contact me" not in menu

    path.write_text(path.read_text().replace("Status: draft\n", ""))
    assert build(settings).returncode == 0
    menu = [text(a) for a in soup(tmp_path / "output" / "index.html").select(".site-nav a")]
    assert "Contact me" in menu
    assert (tmp_path / "output" / "contact-me" / "index.html").is_file()
