"""Building fixture sites: drafts, pagination, bad front matter and the all-or-nothing output."""

import shutil
import time
from pathlib import Path

import feedparser
import pytest

from tests.sites import ROOT, build, post, soup, text, write_post, write_settings


@pytest.fixture
def content(tmp_path: Path) -> Path:
    folder = tmp_path / "content"
    write_post(folder, "first.md", post("First steps", "2024-01-02 10:00+00:00", tags="walking"))
    write_post(
        folder,
        "second.md",
        post("Second thoughts", "2024-02-03 10:00+00:00", summary="On resting."),
    )
    write_post(
        folder,
        "unfinished.md",
        post("Unfinished business", "2024-03-04 10:00+00:00", status="draft"),
    )
    return folder


def built(tmp_path: Path, content: Path, *, publish: bool = False) -> Path:
    result = build(write_settings(tmp_path, content, publish=publish))
    assert result.returncode == 0, result.stderr
    return tmp_path / "output"


@pytest.mark.build
def test_preview_lists_drafts_marked_as_drafts(tmp_path, content):
    output = built(tmp_path, content)
    drafts = soup(output / "index.html").select_one("section.drafts")
    assert "Unfinished business" in text(drafts)
    assert "Draft" in text(drafts.select_one(".draft-badge"))
    draft_page = soup(output / "drafts" / "unfinished-business" / "index.html")
    assert "Draft." in text(draft_page.select_one(".draft-notice"))
    assert draft_page.select_one("meta[name=robots]")["content"] == "noindex"


@pytest.mark.build
def test_production_build_never_contains_drafts(tmp_path, content):
    output = built(tmp_path, content, publish=True)
    assert not (output / "drafts").exists()
    for path in output.rglob("*"):
        if path.is_file():
            assert "Unfinished" not in path.read_text(encoding="utf-8", errors="ignore"), path
    feed = feedparser.parse((output / "feeds" / "all.atom.xml").read_bytes())
    assert [" ".join(entry.title.split()) for entry in feed.entries] == [
        "Second thoughts",
        "First steps",
    ]


@pytest.mark.build
def test_sidebar_lists_recent_posts_without_view_data(tmp_path, content):
    output = built(tmp_path, content)
    widget = soup(output / "posts" / "first-steps" / "index.html").select_one(".popular-posts")
    assert text(widget.h2) == "Recent posts"
    assert [text(a) for a in widget.find_all("a")] == ["Second thoughts", "First steps"]


@pytest.mark.build
def test_index_paginates_with_newer_and_older_links(tmp_path):
    content = tmp_path / "content"
    for day in range(1, 13):
        write_post(content, f"p{day}.md", post(f"Day {day}", f"2024-05-{day:02d} 09:00+00:00"))
    output = built(tmp_path, content)
    first = soup(output / "index.html")
    assert len(first.select(".post-summary")) == 10
    older = first.select_one(".pagination a[rel=next]")
    assert text(older) == "Older posts"
    second = soup(output / older["href"].lstrip("/") / "index.html")
    assert [text(h) for h in second.select(".post-summary-title")] == ["Day 2", "Day 1"]
    assert text(second.select_one(".pagination a[rel=prev]")) == "Newer posts"


@pytest.mark.build
@pytest.mark.parametrize(
    ("name", "text_of_post", "expected"),
    [
        ("no-title.md", "Date: 2024-01-05 10:00+00:00\n\nBody.\n", "'title'"),
        ("bad-date.md", post("Bad date", "the fifth of never"), "'Date' field"),
        ("first-again.md", post("First steps", "2024-06-01 10:00+00:00"), "'first-steps'"),
    ],
    ids=["missing title", "unparseable date", "slug collision"],
)
def test_broken_front_matter_fails_the_build_naming_file_and_problem(
    tmp_path, content, name, text_of_post, expected
):
    settings = write_settings(tmp_path, content)
    assert build(settings).returncode == 0
    index_before = (tmp_path / "output" / "index.html").read_bytes()

    write_post(content, name, text_of_post)
    result = build(settings)

    assert result.returncode != 0
    message = " ".join(result.stderr.split())
    assert f"posts/{name}" in message
    assert expected in message
    assert "previous site was left as it was" in message
    assert (tmp_path / "output" / "index.html").read_bytes() == index_before
    assert not list(tmp_path.glob(".output-*"))


@pytest.mark.build
def test_crash_in_a_template_leaves_the_previous_site(tmp_path, content):
    settings = write_settings(tmp_path, content)
    assert build(settings).returncode == 0
    before = sorted(p.relative_to(tmp_path) for p in (tmp_path / "output").rglob("*"))

    theme = tmp_path / "theme"
    theme.mkdir()
    (theme / "templates").mkdir()
    (theme / "templates" / "index.html").write_text("{% for %}", encoding="utf-8")
    broken = write_settings(tmp_path, content, THEME=str(theme))
    assert build(broken).returncode != 0

    after = sorted(p.relative_to(tmp_path) for p in (tmp_path / "output").rglob("*"))
    assert after == before


@pytest.mark.build
def test_an_error_while_pages_are_rendered_in_parallel_fails_the_build(tmp_path, content):
    settings = write_settings(tmp_path, content, BUILD_WORKERS=2)
    assert build(settings).returncode == 0
    page = tmp_path / "output" / "posts" / "first-steps" / "index.html"
    page_before = page.read_bytes()

    theme = tmp_path / "theme"
    shutil.copytree(ROOT / "theme", theme)
    article = theme / "templates" / "article.html"
    failing = "{{ 1 // (article.title | length - article.title | length) }}"
    article.write_text(failing + article.read_text(encoding="utf-8"), encoding="utf-8")
    result = build(write_settings(tmp_path, content, BUILD_WORKERS=2, THEME=str(theme)))

    assert result.returncode != 0
    assert "ZeroDivisionError" in result.stderr
    assert "previous site was left as it was" in " ".join(result.stderr.split())
    assert page.read_bytes() == page_before


@pytest.mark.build
def test_a_rebuild_replaces_the_site_and_the_old_one_is_deleted_soon_after(tmp_path, content):
    settings = write_settings(tmp_path, content)
    assert build(settings).returncode == 0
    first = (tmp_path / "output").stat().st_ino
    assert build(settings).returncode == 0
    assert (tmp_path / "output").stat().st_ino != first
    assert (tmp_path / "output" / "index.html").exists()
    deadline = time.monotonic() + 30
    while list(tmp_path.glob(".output-*")) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not list(tmp_path.glob(".output-*"))
