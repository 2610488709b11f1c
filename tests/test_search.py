"""Search: Pagefind indexes only the pages it searches, with the same index as over the whole
site, and a rebuild indexes again only when the searched text changed."""

import gzip
import json
import re
import shutil
import subprocess
from pathlib import Path
from types import SimpleNamespace

import pytest

from plugins.pathways_search import pagefind_binary, pagefind_options
from plugins.pathways_search.pages import Page, PageReader, file_hash, identity, searched_part
from plugins.pathways_search.split import split
from tests.photos import phone_photo
from tests.servers import serve_folder
from tests.sites import COMMENTS_URL, post, run_pathways, soup, write_post, write_settings

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


def test_a_page_that_is_the_very_file_read_last_time_is_not_read_again(tmp_path):
    site, parts = tmp_path / "site", tmp_path / "parts"
    (site / "rest").mkdir(parents=True)
    (parts / "rest").mkdir(parents=True)
    built = site / "rest" / "index.html"
    built.write_bytes(page())
    (parts / "rest" / "index.html").write_bytes(searched_part(page()))
    # What the last build read, with hashes no reading would give.
    known = {"rest/index.html": ["as read last time", "its searched part", list(identity(built))]}
    carried = PageReader(site, parts, known).unchanged("rest/index.html")
    assert (carried.file_hash, carried.searched) == ("as read last time", "its searched part")

    built.unlink()
    built.write_bytes(page(body="Pacing helps, and so does rest."))  # a new file: read again
    assert PageReader(site, parts, known).unchanged("rest/index.html") is None
    made = PageReader(site, parts, known)("rest/index.html")
    assert made.file_hash == file_hash(built.read_bytes())
    assert made.searched == file_hash((parts / "rest" / "index.html").read_bytes())
    assert b"so does rest" in (parts / "rest" / "index.html").read_bytes()


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
def test_a_blog_whose_only_post_is_a_photo_builds_without_a_search_index(tmp_path):
    content = tmp_path / "content"
    (content / "images").mkdir(parents=True)
    phone_photo(content / "images" / "tea.jpg", size=(800, 600), orientation=1)
    write_post(content, "tea.md", post("Tea", body="![My tea, steaming]({static}/images/tea.jpg)"))
    settings = write_settings(tmp_path, content, publish=True, CHECK_LIVE_ADDRESSES=False)
    result = run_pathways("build", "--settings", str(settings))
    assert result.returncode == 0, result.stderr
    assert "no post or page has any text to search yet" in result.stderr
    output = tmp_path / "output"
    assert not (output / "pagefind").exists()
    page = soup(output / "posts" / "tea" / "index.html")
    assert page.find("meta", attrs={"name": "description"})["content"] == "Tea · Pathways"
    check = run_pathways("check", "--settings", str(settings))
    assert "invalid HTML" not in check.stdout + check.stderr


@pytest.mark.build
def test_a_part_of_photos_only_leaves_the_other_parts_searchable(tmp_path):
    """Parts mix the blog's pages: in a photo blog, one may hold no text at all."""
    content = tmp_path / "content"
    (content / "images").mkdir(parents=True)
    for name in ("tea", "sea", "moss"):
        phone_photo(content / "images" / f"{name}.jpg", size=(400, 300), orientation=1)
        body = f"![My {name}]({{static}}/images/{name}.jpg)"
        write_post(content, f"{name}.md", post(name.capitalize(), body=body))
    (content / "pages").mkdir()
    (content / "pages" / "about.md").write_text("Title: About\n\nA photo a day, since 2019.\n")
    settings = write_settings(
        tmp_path, content, publish=True, CHECK_LIVE_ADDRESSES=False, SEARCH_PART_PAGES=1
    )
    result = run_pathways("build", "--settings", str(settings))
    assert result.returncode == 0, result.stderr
    assert "Search index failed" not in result.stderr
    assert index_parts(tmp_path / "output") == [{"/about/"}]
    assert "carried over" in rebuild(settings)
    assert index_parts(tmp_path / "output") == [{"/about/"}]


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


def pages(paths: list[str]) -> list[Page]:
    return sorted((Page(path, "", "") for path in paths), key=lambda page: page.path)


def test_a_large_blog_is_indexed_in_parts_of_the_same_size_each_from_all_over_it():
    posts = [f"posts/post-{number}/index.html" for number in range(2999)]
    parts = split(pages(posts), 500)
    assert len(parts) == 6
    assert {len(part) for part in parts} <= {499, 500}
    assert sorted(page.path for part in parts for page in part) == sorted(posts)
    # Not a stretch of the blog: the first part has pages from every thousand.
    assert {page.path[len("posts/post-")] for page in parts[0]} >= set("123456789")
    assert len(split(pages(posts[:500]), 500)) == 1


WORDS = (
    "aubergine",
    "bergamot",
    "cardamom",
    "dulcimer",
    "euphonium",
    "fiddlehead",
    "gooseberry",
    "harmonium",
    "isinglass",
    "juniper",
    "kohlrabi",
    "lemongrass",
)


def word_post(content: Path, number: int, word: str, body: str = "") -> None:
    date = f"2024-01-{number + 1:02d} 10:00+00:00"
    text = body or f"Pacing on the day of the {word}."
    write_post(content, f"{word}.md", post(word.capitalize(), date=date, body=text))


def parted_blog(folder: Path, *, publish: bool = False) -> Path:
    """A post for each of WORDS, each with its word and "pacing", indexed in parts of at
    most 3 pages."""
    content = folder / "content"
    for number, word in enumerate(WORDS):
        word_post(content, number, word)
    return write_settings(folder, content, publish=publish, SEARCH_PART_PAGES=3)


def index_parts(output: Path) -> list[set[str]]:
    """The addresses of the pages in each part of the built site's search index, in order."""
    index = output / "pagefind"
    folders = [
        index,
        *(index / folder for folder in json.loads((index / "parts.json").read_text())),
    ]
    return [addresses(folder) for folder in folders]


def addresses(index: Path) -> set[str]:
    """The addresses of the pages in one Pagefind index."""
    fragments = [gzip.decompress(path.read_bytes()) for path in (index / "fragment").iterdir()]
    return {json.loads(data.removeprefix(b"pagefind_dcd"))["url"] for data in fragments}


def parts_indexed(line: str) -> tuple[int, int]:
    """How many parts a build's search step indexed, of how many."""
    indexed, count = re.search(r"(\d+) of (\d+) parts? indexed", line).groups()
    return int(indexed), int(count)


@pytest.mark.build
def test_editing_a_post_indexes_again_only_the_part_it_falls_in(tmp_path):
    settings = parted_blog(tmp_path)
    indexed, count = parts_indexed(rebuild(settings))
    parts = index_parts(tmp_path / "output")
    assert indexed == count == len(parts) >= 3
    assert all(len(part) <= 3 for part in parts)
    assert sorted(url for part in parts for url in part) == sorted(f"/posts/{w}/" for w in WORDS)
    assert "carried over" in rebuild(settings)

    word_post(tmp_path / "content", 9, "juniper", "Pacing, and juniper berries.")
    assert parts_indexed(rebuild(settings)) == (1, count)
    edited = [part for part in index_parts(tmp_path / "output") if "/posts/juniper/" in part]
    assert edited == [part for part in parts if "/posts/juniper/" in part]

    word_post(tmp_path / "content", 12, "basil")
    indexed, count = parts_indexed(rebuild(settings))
    found = index_parts(tmp_path / "output")
    assert indexed <= count == len(found)
    assert sorted(url for part in found for url in part) == sorted(
        f"/posts/{word}/" for word in (*WORDS, "basil")
    )


@pytest.mark.build
def test_every_part_of_the_production_index_is_compressed(tmp_path):
    settings = parted_blog(tmp_path, publish=True)
    rebuild(settings)
    index = tmp_path / "output" / "pagefind"
    others = json.loads((index / "parts.json").read_text())
    assert others
    for folder in (index, *(index / other for other in others)):
        assert (folder / "pagefind.js.gz").is_file()
        assert (folder / "pagefind.js.br").is_file()


@pytest.mark.build
@pytest.mark.server
def test_a_search_finds_pages_of_every_part_ranked_together(tmp_path, browser):
    settings = parted_blog(tmp_path)
    rebuild(settings)
    parts = index_parts(tmp_path / "output")
    first, last = sorted(parts[0])[0], sorted(parts[-1])[-1]
    url, server = serve_folder(tmp_path / "output")
    context = browser.new_context()
    try:
        tab = context.new_page()
        for address in (first, last):
            word = address.split("/")[2]
            tab.goto(f"{url}/search/?q={word}")
            result = tab.locator(".search-results li").first
            result.wait_for()
            assert result.locator("a").inner_text() == word.capitalize()
            assert "1 result " in tab.locator(".search-status").inner_text()
        tab.goto(f"{url}/search/?q=pacing")
        tab.locator(".search-results li").first.wait_for()
        assert f"{len(WORDS)} results" in tab.locator(".search-status").inner_text()
        links = tab.locator(".search-results li a")
        found = {link.get_attribute("href").removeprefix(url) for link in links.all()}
        assert found == {f"/posts/{word}/" for word in WORDS}

        # The page that says it most comes first, whichever part it is in.
        word_post(tmp_path / "content", 11, "lemongrass", "Pacing, pacing and more pacing.")
        rebuild(settings)
        tab.goto(f"{url}/search/?q=pacing")
        assert tab.locator(".search-results li a").first.inner_text() == "Lemongrass"
    finally:
        context.close()
        server.shutdown()
        server.server_close()


@pytest.mark.build
def test_parts_indexed_at_once_are_the_parts_indexed_one_after_another(tmp_path):
    one_at_a_time = parted_blog(tmp_path / "one", publish=True)
    at_once = parted_blog(tmp_path / "many", publish=True)
    at_once.write_text(at_once.read_text() + "BUILD_WORKERS = 4\n")
    one_at_a_time.write_text(one_at_a_time.read_text() + "BUILD_WORKERS = 1\n")
    assert parts_indexed(rebuild(at_once)) == parts_indexed(rebuild(one_at_a_time))
    built = index_files(tmp_path / "many" / "output" / "pagefind")
    assert len(json.loads(built["parts.json"])) >= 3
    assert built == index_files(tmp_path / "one" / "output" / "pagefind")


# Pagefind, as the search step runs it, but waiting (up to 20 s) until another run has
# started, and failing for a part that holds posts/broken/.
WAITING_PAGEFIND = """#!/bin/sh
case "$*" in *--site*) ;; *) exec "{binary}" "$@" ;; esac
touch "{runs}/started/$$"
for _ in $(seq 200); do [ "$(ls "{runs}/started" | wc -l)" -ge 2 ] && break; sleep 0.1; done
ls "{runs}/started" | wc -l > "{runs}/seen-$$"
site=$(echo "$*" | sed 's/.*--site \\([^ ]*\\).*/\\1/')
case "$*" in
  *--glob*posts/broken*) broken=yes ;;
  *--glob*) ;;
  *) [ -e "$site/posts/broken" ] && broken=yes ;;
esac
[ -n "$broken" ] && {{ echo "cannot index posts/broken" >&2; exit 1; }}
exec "{binary}" "$@"
"""


def search_site(folder: Path, posts: list[str]) -> list[Page]:
    for name in posts:
        page = folder / "site" / "posts" / name / "index.html"
        page.parent.mkdir(parents=True)
        page.write_text(f"<html lang=en><body data-pagefind-body><p>{name}</p></body></html>")
    return [Page(f"posts/{name}/index.html", "", "") for name in posts]


def test_parts_are_indexed_by_as_many_pagefind_runs_at_once_as_there_are_workers(tmp_path):
    from plugins.pathways_search import index_parts

    runs = tmp_path / "runs"
    (runs / "started").mkdir(parents=True)
    wrapper = tmp_path / "pagefind"
    wrapper.write_text(WAITING_PAGEFIND.format(binary=pagefind_binary(), runs=runs))
    wrapper.chmod(0o755)
    posts = search_site(tmp_path, ["rest", "pacing", "sleep", "naps"])
    parts = {1: (posts[:2], tmp_path / "index-1"), 2: (posts[2:], tmp_path / "index-2")}
    options = pagefind_options({})
    assert index_parts(str(wrapper), tmp_path / "site", parts, options, 2) is None
    seen = [int(path.read_text()) for path in runs.glob("seen-*")]
    assert seen == [2, 2]  # each run saw the other under way
    assert (tmp_path / "index-2" / "pagefind-entry.json").is_file()


def test_a_part_pagefind_fails_on_stops_the_search_step_and_leaves_no_index(tmp_path, caplog):
    from plugins.pathways_search import index_or_carry

    runs = tmp_path / "runs"
    (runs / "started").mkdir(parents=True)
    wrapper = tmp_path / "pagefind"
    wrapper.write_text(WAITING_PAGEFIND.format(binary=pagefind_binary(), runs=runs))
    wrapper.chmod(0o755)
    search_site(tmp_path, ["rest", "broken", "sleep", "naps", "walks", "pacing", "diet", "work"])
    settings = {"FAST_BUILD": True, "BUILD_WORKERS": 2, "SEARCH_PART_PAGES": 1}
    pelican = SimpleNamespace(settings=settings, output_path=str(tmp_path / "site"))
    (tmp_path / "work").mkdir()
    index_or_carry(pelican, str(wrapper), None, tmp_path / "searched", tmp_path / "work")
    assert caplog.messages == ["Search index failed (pagefind): cannot index posts/broken"]
    assert not (tmp_path / "site" / "pagefind").exists()
    # Parts waiting for their turn were not started once it failed.
    assert len(list(runs.glob("seen-*"))) < 8


def test_a_part_is_indexed_the_same_from_a_glob_of_its_paths_or_a_folder_of_its_own(
    tmp_path, monkeypatch
):
    import plugins.pathways_search as search

    posts = search_site(tmp_path, ["rest", "pacing", "sleep", "café au lait"])

    def index(part: list[Page], into: str) -> Path:
        options = pagefind_options({})
        problem = search.index_part(
            pagefind_binary(), tmp_path / "site", part, options, tmp_path / into
        )
        assert problem is None
        return tmp_path / into

    linked = []
    monkeypatch.setattr(search, "link_or_copy", lambda *paths: linked.append(paths))
    from_glob = index(posts[:3], "glob")
    assert not linked
    monkeypatch.undo()
    monkeypatch.setattr(search, "LONGEST_GLOB", 0)  # no glob: the pages are linked
    assert index_files(from_glob) == index_files(index(posts[:3], "own"))
    monkeypatch.undo()
    # A path a glob would read otherwise is never put in one.
    assert addresses(index(posts, "all")) == {
        "/posts/rest/",
        "/posts/pacing/",
        "/posts/sleep/",
        "/posts/café au lait/",
    }
