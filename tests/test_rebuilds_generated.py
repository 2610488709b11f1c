"""Rebuilds after random edits to random posts, with and without a `Summary:` line.

After each edit the production rebuild must equal a build of the same sources from nothing,
byte for byte; every page or feed whose bytes changed must have been rendered again; and no
more pages may be rendered again than those that changed and those that show the edited post:
its own page, the listings whose main part links to it, and the feeds that carry it. (A page
rendered again to the same bytes keeps its file, so the build's count of pages rendered is
what is compared.) One exception, by design: when
what other pages show of the post (its summary, its reading time) changes, every page may
be rendered again, since the sidebar's popular posts show summaries on every page.

`PATHWAYS_HYPOTHESIS_PROFILE=thorough` runs many more edits (see the README's Tests).
"""

import re
import shutil
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from hypothesis import example, given
from hypothesis import strategies as st

from tests.sites import run_pathways, write_post, write_settings

POSTS = 6
WORDS = ["rest", "pacing", "infusion", "walk", "tired", "better", "doctor", "sleep", "light"]
SITE = "https://pathways.example.org"
RENDERED = re.compile(r"Rendered and finished (\d+) pages and feeds")


def post_text(number: int, with_summary: bool) -> str:
    summary = f"Summary: The short story of day {number}.\n" if with_summary else ""
    paragraphs = "\n\n".join(
        " ".join(WORDS[(number + k + n) % len(WORDS)] for k in range(30)) for n in range(4)
    )
    return (
        f"Title: Day {number}\nDate: 2024-0{1 + number % 6}-1{number % 9} 09:00+00:00\n"
        f"Tags: pacing, day-{number % 3}\n{summary}\n{paragraphs}\n"
    )


def snapshot(folder: Path) -> dict[str, tuple[int, bytes]]:
    """Each page and feed of a built site: its inode and its bytes."""
    return {
        path.relative_to(folder).as_posix(): (path.stat().st_ino, path.read_bytes())
        for path in sorted(folder.rglob("*"))
        if path.is_file() and path.suffix in (".html", ".xml")
    }


class Site:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.content = folder / "content"
        for number in range(POSTS):
            write_post(self.content, f"day-{number}.md", post_text(number, number % 2 == 0))
        self.fresh = 0
        self.rendered = 0  # pages and feeds the last build rendered

    def build(self, name: str = "site") -> Path:
        target = self.folder / name
        target.mkdir(exist_ok=True)
        settings = write_settings(
            target, self.content, publish=True, CACHE_PATH=str(target / "cache"), BUILD_WORKERS=2
        )
        result = run_pathways("build", "-v", "--settings", str(settings))
        assert result.returncode == 0, result.stderr
        self.rendered = int(RENDERED.search(result.stderr).group(1))
        return target / "output"

    def fresh_build(self) -> Path:
        self.fresh += 1
        output = self.build(f"fresh-{self.fresh}")
        shutil.rmtree(self.folder / f"fresh-{self.fresh - 1}", ignore_errors=True)
        return output


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Site:
    site = Site(tmp_path_factory.mktemp("edits"))
    site.build()
    return site


def showing(output: Path, slug: str) -> set[str]:
    """The pages and feeds that show the post: its page, pages whose main part links to it,
    feeds that carry it."""
    address = f"{SITE}/posts/{slug}/"
    shown = {f"posts/{slug}/index.html"}
    for name in snapshot(output):
        text = (output / name).read_text(encoding="utf-8")
        if address not in text:
            continue
        if name.endswith(".xml"):
            shown.add(name)
            continue
        main = BeautifulSoup(text, "lxml").find("main")
        if main is not None and main.find("a", href=address) is not None:
            shown.add(name)
    return shown


def written_by_posts(output: Path) -> set[str]:
    """The pages and feeds of the posts generator (the pages it renders, and may carry)."""
    return {
        name
        for name in snapshot(output)
        if name.startswith(("posts/", "tags/", "category/", "author/", "feeds/", "index"))
        or name.startswith(("archives/", "categories/", "authors/", "series/", "20"))
    }


def listed(output: Path, slug: str) -> str:
    """What the listings show of the post: its entry on its tag's page."""
    address = f"{SITE}/posts/{slug}/"
    for page in sorted(output.glob("tags/*/index.html")):
        for entry in BeautifulSoup(page.read_text(encoding="utf-8"), "lxml").select(
            ".post-summary"
        ):
            if entry.find("a", href=address) is not None:
                return str(entry)
    raise AssertionError(f"no listing shows {slug}")


def apply(path: Path, where: str, words: list[str]) -> None:
    header, body = path.read_text(encoding="utf-8").split("\n\n", 1)
    paragraphs = body.rstrip("\n").split("\n\n")
    added = " ".join(words)
    if where == "append":
        paragraphs.append(added.capitalize() + ".")
    elif where == "first words":
        paragraphs[0] = added + " " + paragraphs[0]
    else:  # a word further down
        paragraphs[-1] = paragraphs[-1] + " " + added
    path.write_text(header + "\n\n" + "\n\n".join(paragraphs) + "\n", encoding="utf-8")


EDITS = st.tuples(
    st.integers(0, POSTS - 1),
    st.sampled_from(["append", "first words", "further down"]),
    st.lists(st.sampled_from(WORDS), min_size=1, max_size=8),
)


@pytest.mark.build
@given(edit=EDITS)
@example(edit=(3, "further down", ["rest"]))  # a post without a summary
def test_a_rebuild_after_any_edit_equals_a_cold_build_and_renders_only_what_shows_it(site, edit):
    number, where, words = edit
    slug = f"day-{number}"
    output = site.folder / "site" / "output"
    before = snapshot(output)
    seen_before, showing_before = listed(output, slug), showing(output, slug)
    apply(site.content / "posts" / f"{slug}.md", where, words)
    after = snapshot(site.build())
    rendered = site.rendered
    fresh = snapshot(site.fresh_build())
    assert sorted(after) == sorted(fresh)
    assert [name for name in fresh if after[name][1] != fresh[name][1]] == []
    new_files = {name for name, (inode, _) in after.items() if before.get(name, (0,))[0] != inode}
    changed = {name for name, (_, data) in after.items() if before.get(name, (0, b""))[1] != data}
    assert changed <= new_files
    assert len(changed & written_by_posts(output)) <= rendered
    if listed(output, slug) == seen_before:
        assert rendered <= len(changed | showing_before | showing(output, slug))


@pytest.mark.build
def test_appending_to_a_post_without_a_summary_renders_only_what_shows_it(site):
    """Posts without `Summary:`: an edit after the summary's words leaves every other post's
    page as it was (it once rendered the whole site again)."""
    output = site.folder / "site" / "output"
    before = snapshot(output)
    apply(site.content / "posts" / "day-1.md", "append", ["one", "more", "line"])
    after = snapshot(site.build())
    changed = {name for name, (_, data) in after.items() if before[name][1] != data}
    assert "posts/day-1/index.html" in changed
    assert {name for name in changed if name.startswith("posts/")} == {"posts/day-1/index.html"}
    assert 0 < site.rendered <= len(showing(output, "day-1"))
