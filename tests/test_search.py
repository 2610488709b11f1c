"""Search: Pagefind indexes only the pages it searches, with the same index as over the whole
site, and a rebuild indexes again only when the searched text changed."""

import shutil
import subprocess
from pathlib import Path

import pytest

from plugins.pathways_search import pagefind_binary, pagefind_options
from plugins.pathways_search.pages import searched_part
from tests.servers import serve_folder
from tests.sites import COMMENTS_URL, post, run_pathways, write_post, write_settings

COMMENT = "Author: Ada\nDate: 2024-01-03T10:00:00+00:00\n\n{text}\n"
PAGE = (
    "<!doctype html><html lang=en><head><title>Rest</title></head><body>"
    "<header><a href=/>Home</a></header><article><h1><a href=/rest/>{title}</a></h1>"
    "<p><a href=#comments>{count}</a></p><div data-pagefind-body><p>{body}</p></div></article>"
    "<section class=comments><p>{comment}</p>{after}</section></body></html>"
)


def page(**changed: str) -> bytes:
    parts = {"title": "Rest", "count": "1 comment", "body": "Pacing helps."}
    parts |= {"comment": "Thank you.", "after": "", **changed}
    return PAGE.format(**parts).encode()


def test_a_pages_searched_part_changes_with_its_writing_and_title_not_its_comments():
    assert searched_part(page()) == searched_part(
        page(comment="Lovely, thanks.", count="2 comments")
    )
    assert searched_part(page()) != searched_part(page(body="Pacing helps a lot."))
    assert searched_part(page()) != searched_part(page(title="Rest days"))
    assert b"Pacing helps." in searched_part(page())
    assert b"Thank you." not in searched_part(page())


def test_what_pagefind_reads_after_the_searched_text_still_counts():
    assert searched_part(page()) != searched_part(page(after="<img src=/a.png alt=A>"))
    meta = "<span data-pagefind-meta='mood:calm'></span>"
    assert searched_part(page()) != searched_part(page(after=meta))


def test_a_page_that_marks_nothing_searched_has_no_searched_part():
    assert searched_part(b"<!doctype html><html><body><p>Archive</p></body></html>") is None


def blog(folder: Path, *, publish: bool = True) -> Path:
    """A small blog, built for production or the preview: two posts (one with a comment)
    and a page."""
    content = folder / "content"
    write_post(content, "pacing.md", post("Pacing", body="Pacing helps on bad days."))
    write_post(content, "sleep.md", post("Sleep", date="2024-01-03 10:00+00:00", body="Naps."))
    (content / "pages").mkdir()
    (content / "pages" / "about.md").write_text("Title: About\n\nAbout this blog.\n")
    (content / "comments" / "pacing").mkdir(parents=True)
    comment = content / "comments" / "pacing" / "20240103T100000-aaaaaa.md"
    comment.write_text(COMMENT.format(text="This helped me."))
    return write_settings(folder, content, publish=publish, COMMENTS_ENDPOINT=COMMENTS_URL)


def rebuild(settings: Path) -> str:
    """Build the site; returns what the search step said."""
    result = run_pathways("build", "--settings", str(settings), "--verbose")
    assert result.returncode == 0, result.stderr
    return next(line for line in result.stderr.splitlines() if "Search index" in line)


def index_files(folder: Path) -> dict[str, bytes]:
    return {
        path.relative_to(folder).as_posix(): path.read_bytes()
        for path in folder.rglob("*")
        if path.is_file()
    }


@pytest.mark.build
def test_a_rebuild_with_nothing_changed_carries_the_index_over(tmp_path):
    settings = blog(tmp_path)
    assert "Search index built" in rebuild(settings)
    first = index_files(tmp_path / "output" / "pagefind")
    assert "carried over" in rebuild(settings)
    assert index_files(tmp_path / "output" / "pagefind") == first
    # The copy kept between builds is not changed by what the build does to the site after.
    assert "carried over" in rebuild(settings)
    assert index_files(tmp_path / "output" / "pagefind") == first


@pytest.mark.build
def test_a_new_comment_does_not_index_again(tmp_path):
    settings = blog(tmp_path)
    rebuild(settings)
    comment = tmp_path / "content" / "comments" / "pacing" / "20240104T100000-bbbbbb.md"
    comment.write_text(COMMENT.format(text="Resting before the walk works for me."))
    assert "carried over" in rebuild(settings)
    shown = (tmp_path / "output" / "posts" / "pacing" / "index.html").read_text()
    assert "Resting before the walk" in shown


@pytest.mark.build
@pytest.mark.server
def test_editing_a_post_indexes_again_and_a_search_finds_the_new_word(tmp_path, browser):
    settings = blog(tmp_path, publish=False)
    rebuild(settings)
    write_post(
        tmp_path / "content",
        "sleep.md",
        post("Sleep", date="2024-01-03 10:00+00:00", body="Naps under a weighted blanket."),
    )
    assert "Search index built" in rebuild(settings)
    url, server = serve_folder(tmp_path / "output")
    context = browser.new_context()
    try:
        tab = context.new_page()
        tab.goto(f"{url}/search/?q=blanket")
        result = tab.locator(".search-results li").first
        result.wait_for()
        assert result.locator("a").inner_text() == "Sleep"
        assert "1 result" in tab.locator(".search-status").inner_text()
    finally:
        context.close()
        server.shutdown()
        server.server_close()


def test_the_index_of_the_searched_pages_is_the_index_of_the_whole_site(learning_site, tmp_path):
    whole = tmp_path / "site"
    shutil.copytree(learning_site, whole, ignore=shutil.ignore_patterns("pagefind"))
    options = pagefind_options({"DEFAULT_LANG": "en"})
    command = [pagefind_binary(), "--site", str(whole), "--output-path", str(tmp_path / "pf")]
    subprocess.run([*command, *options], check=True, capture_output=True)
    built = index_files(learning_site / "pagefind")
    # A blog of fewer than SEARCH_PART_PAGES pages has one part: no other to merge.
    assert built.pop("parts.json") == b"[]"
    assert built == index_files(tmp_path / "pf")
