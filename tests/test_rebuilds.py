"""A production rebuild redoes what a change affects, and carries everything else over.

One site (every feature, forty more posts, its own copy of the theme and plugins) is built,
then changed in the ways a writer changes a site: a heading of one post, a new comment, the
post template, a setting a plugin uses, a plugin's code. After each change, the rebuild is
compared with a build of the same sources from nothing (another output folder and cache):
every file must be the same, byte for byte. Files whose inode is the one the last build
left were carried over (hard-linked), not rendered or finished again; the pages a change
affects must not be among them.
"""

import os
import re
import shutil
from pathlib import Path

import pytest

from pathways.carry import Record, carry, identities
from tests.sites import (
    ROOT,
    fixture_content,
    post,
    run_pathways,
    soup,
    varied_post,
    write_post,
    write_settings,
)

EDITED = "posts/day-3-rest-first-she-said/index.html"
RENDERED = r"Rendered and finished (\d+) pages and feeds; (\d+) more"
COMMENTED = "posts/everything-in-one-post/index.html"


def files(folder: Path) -> dict[str, bytes]:
    return {
        path.relative_to(folder).as_posix(): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def inodes(folder: Path) -> dict[str, int]:
    return {
        path.relative_to(folder).as_posix(): path.stat().st_ino
        for path in folder.rglob("*")
        if path.is_file()
    }


class Site:
    """The site's sources, its last build, and builds of the same sources from nothing."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.content = fixture_content(folder, learning=True)
        for number in range(40):
            write_post(self.content, f"day-{number}.md", varied_post(number))
        self.theme = folder / "theme"
        shutil.copytree(ROOT / "theme", self.theme)
        self.plugins = folder / "plugins"
        shutil.copytree(
            ROOT / "plugins", self.plugins, ignore=shutil.ignore_patterns("__pycache__")
        )
        self.settings: dict[str, object] = {}
        self.fresh_builds = 0
        self.log = ""  # what the last build said

    def build(self, *, fresh: bool = False) -> Path:
        """Build the site (from nothing with `fresh`, into a folder of its own)."""
        name = f"fresh-{self.fresh_builds}" if fresh else "site"
        self.fresh_builds += fresh
        settings_folder = self.folder / name
        settings_folder.mkdir(exist_ok=True)
        settings = write_settings(
            settings_folder,
            self.content,
            publish=True,
            THEME=str(self.theme),
            PLUGIN_PATHS=[str(self.plugins)],
            CACHE_PATH=str(settings_folder / "cache"),
            BUILD_WORKERS=2,
            **self.settings,
        )
        result = run_pathways("build", "-v", "--settings", str(settings))
        assert result.returncode == 0, result.stderr
        self.log = result.stderr
        return settings_folder / "output"

    def rebuild_and_compare(self) -> set[str]:
        """Rebuild; check it against a build from nothing; returns the files not carried."""
        before = inodes(self.build_folder)
        rebuilt = files(self.build())
        fresh = files(self.build(fresh=True))
        assert sorted(rebuilt) == sorted(fresh)
        assert [name for name in fresh if rebuilt[name] != fresh[name]] == []
        after = inodes(self.build_folder)
        return {name for name, inode in after.items() if before.get(name) != inode}

    @property
    def build_folder(self) -> Path:
        return self.folder / "site" / "output"


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Site:
    site = Site(tmp_path_factory.mktemp("rebuilds"))
    site.build()
    return site


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def pages(names: set[str]) -> set[str]:
    return {name for name in names if name.endswith(".html")}


def feeds(names: set[str]) -> set[str]:
    return {name for name in names if name.startswith("feeds/") and name.endswith(".xml")}


@pytest.mark.build
def test_a_rebuild_with_nothing_changed_carries_every_page_over(site):
    redone = site.rebuild_and_compare()
    assert pages(redone) == set()
    assert feeds(redone) == set()
    site.build()
    assert "Rendered and finished 0 pages and feeds" in site.log


@pytest.mark.build
def test_editing_a_heading_renders_that_post_again_and_carries_the_other_posts(site):
    edit(site.content / "posts" / "day-3.md", "## What happened", "## What happened next")
    changed = site.rebuild_and_compare()
    redone = pages(changed)
    assert EDITED in redone
    assert "next" in (site.build_folder / EDITED).read_text(encoding="utf-8")
    posts = {name for name in redone if name.startswith("posts/")}
    assert posts == {EDITED}
    redone_feeds = feeds(changed)
    assert "feeds/tag/day-3.atom.xml" in redone_feeds
    # Neither shows the post: another tag, and a feed of the newest 25 posts only.
    assert (site.build_folder / "feeds/tag/day-1.atom.xml").is_file()
    assert "feeds/tag/day-1.atom.xml" not in redone_feeds
    newest = (site.build_folder / "feeds/all.atom.xml").read_text(encoding="utf-8")
    assert "day-3-rest-first-she-said" not in newest and "feeds/all.atom.xml" not in redone_feeds


@pytest.mark.build
def test_editing_a_recent_post_makes_the_feeds_that_show_it_again(site):
    edit(site.content / "posts" / "day-23.md", "## What happened", "## What happened next")
    redone_feeds = feeds(site.rebuild_and_compare())
    assert {"feeds/all.atom.xml", "feeds/all.rss.xml", "feeds/tag/day-3.atom.xml"} <= redone_feeds
    assert "feeds/tag/day-1.atom.xml" not in redone_feeds


@pytest.mark.build
def test_a_new_comment_appears_on_its_post(site):
    folder = site.content / "comments" / "everything-in-one-post"
    (folder / "20240301T100000-cccccc.md").write_text(
        "Author: Dana\nDate: 2024-03-01T10:00:00+00:00\n\nThank you for the pacing notes.\n",
        encoding="utf-8",
    )
    redone = pages(site.rebuild_and_compare())
    assert COMMENTED in redone
    assert "pacing notes" in (site.build_folder / COMMENTED).read_text(encoding="utf-8")


@pytest.mark.build
def test_editing_the_post_template_renders_every_post_again(site):
    edit(site.theme / "templates" / "article.html", "</article>", "</article><!-- edited -->")
    redone = pages(site.rebuild_and_compare())
    posts = {
        str(path.relative_to(site.build_folder))
        for path in site.build_folder.glob("posts/*/index.html")
    }
    assert posts <= redone
    assert "<!-- edited -->" not in (site.build_folder / "index.html").read_text(encoding="utf-8")


@pytest.mark.build
def test_a_setting_a_plugin_uses_renders_the_pages_that_show_it(site):
    site.settings["READING_TIME_WORDS_PER_MINUTE"] = 3
    redone = pages(site.rebuild_and_compare())
    assert EDITED in redone and "index.html" in redone


@pytest.mark.build
def test_a_change_to_a_plugins_code_renders_the_pages_again(site):
    edit(
        site.plugins / "pathways_reading_time" / "__init__.py",
        "max(1, math.ceil(words / words_per_minute))",
        "max(1, math.ceil(words / words_per_minute)) + 1",
    )
    redone = pages(site.rebuild_and_compare())
    assert EDITED in redone and "index.html" in redone


@pytest.mark.build
def test_a_build_in_one_process_carries_unchanged_pages_over_too(tmp_path):
    """A one-core machine (`BUILD_WORKERS = 1`) renders only what a change affects as well."""
    content = tmp_path / "content"
    for number in range(12):
        write_post(content, f"day-{number}.md", varied_post(number))
    builds = []
    for folder in ("site", "site", "fresh"):
        (tmp_path / folder).mkdir(exist_ok=True)
        settings = write_settings(
            tmp_path / folder,
            content,
            publish=True,
            BUILD_WORKERS=1,
            CACHE_PATH=str(tmp_path / folder / "cache"),
        )
        if folder == "site" and builds:
            edit(content / "posts" / "day-3.md", "## What happened", "## What happened next")
        result = run_pathways("build", "-v", "--settings", str(settings))
        assert result.returncode == 0, result.stderr
        builds.append(result.stderr)
    rendered, carried = map(int, re.search(RENDERED, builds[1]).groups())
    assert 0 < rendered < carried  # the post and the listings and feeds that show it
    assert files(tmp_path / "site" / "output") == files(tmp_path / "fresh" / "output")


@pytest.mark.build
def test_a_site_with_many_images_carries_every_page_over_when_nothing_changed(tmp_path):
    """Pelican lists the static files in the order of a set, which differs from one build
    to the next; that order must not make every page look changed."""
    content = tmp_path / "content"
    for number in range(4):
        write_post(content, f"day-{number}.md", varied_post(number))
    (content / "images").mkdir()
    for number in range(8):
        (content / "images" / f"walk-{number}.svg").write_text(
            f'<svg xmlns="http://www.w3.org/2000/svg"><title>{number}</title></svg>'
        )
    settings = write_settings(
        tmp_path, content, publish=True, BUILD_WORKERS=1, CACHE_PATH=str(tmp_path / "cache")
    )
    logs = []
    for _ in range(3):
        result = run_pathways("build", "-v", "--settings", str(settings))
        assert result.returncode == 0, result.stderr
        logs.append(result.stderr)
    for log in logs[1:]:
        rendered, carried = map(int, re.search(RENDERED, log).groups())
        assert (rendered, carried > 0) == (0, True)


@pytest.mark.build
@pytest.mark.parametrize("shown", ["SITENAME", "'Pathways'"])
def test_a_changed_function_in_the_settings_file_renders_the_pages_again(tmp_path, shown):
    """A template filter the settings file defines is code no plugin holds: changing what it
    does must not leave pages made by the old one (nor templates compiled with it: Jinja
    applies a filter to a constant when it compiles)."""
    content = tmp_path / "content"
    for number in range(4):
        write_post(content, f"day-{number}.md", varied_post(number))
    theme = tmp_path / "theme"
    shutil.copytree(ROOT / "theme", theme)
    edit(
        theme / "templates" / "base.html",
        "</footer>",
        f"<p id=shout>{{{{ {shown} | shout }}}}</p></footer>",
    )
    settings = write_settings(
        tmp_path,
        content,
        publish=True,
        BUILD_WORKERS=1,
        THEME=str(theme),
        CACHE_PATH=str(tmp_path / "cache"),
    )
    made = []
    for body in ("text.upper()", "text.lower()"):
        filters = f"def shout(text):\n    return {body}\n\n\nJINJA_FILTERS = {{'shout': shout}}\n"
        settings.write_text(settings.read_text().split("def shout")[0] + filters)
        result = run_pathways("build", "--settings", str(settings))
        assert result.returncode == 0, result.stderr
        made.append(re.search(r"<p id=shout>([^<]*)", (tmp_path / "output/index.html").read_text()))
    assert [found.group(1) for found in made] == ["PATHWAYS", "pathways"]


def test_the_new_site_never_shares_a_changed_file_with_the_old_one(tmp_path):
    """A carried file is linked beside its place and renamed over it: the file of the site
    being replaced keeps its bytes when the new site's file is replaced."""
    old, new = tmp_path / "old", tmp_path / "new"
    old.mkdir()
    new.mkdir()
    (old / "page.html").write_text("finished")
    (old / "page.html.gz").write_bytes(b"gz")
    record = Record("page.html", "key", "", identities(old / "page.html"), "render")
    (new / "page.html").write_text("")
    assert carry(old, record, new / "page.html")
    assert (new / "page.html").read_text() == "finished"
    assert (new / "page.html.gz").read_bytes() == b"gz"
    (new / "page.html").unlink()
    (new / "page.html").write_text("changed")
    assert (old / "page.html").read_text() == "finished"
    os.utime(old / "page.html.gz", ns=(1, 1))
    assert not carry(old, record, new / "page.html")  # the old site was changed since


@pytest.mark.build
def test_an_edit_that_changes_another_posts_related_posts_renders_just_those_posts(tmp_path):
    """Related posts show only on a post's own page: an edit that changes another post's
    list renders that post again, not every page of the blog."""
    content = tmp_path / "content"
    vocabulary = ["walking pacing", "infusion clinic", "sleeping dreams", "garden roses",
                  "breathing exercises", "kitchen recipes"]  # fmt: skip
    for number, words in enumerate(vocabulary):
        body = " ".join([f"{words} notes{number}"] * 5)
        date = f"2024-01-0{number + 1} 10:00+00:00"
        text = post(f"P{number}", date, body=body, tags="notes", summary="Notes.")
        write_post(content, f"p{number}.md", text)
    settings = write_settings(
        tmp_path, content, publish=True, BUILD_WORKERS=2, CACHE_PATH=str(tmp_path / "cache")
    )
    assert run_pathways("build", "--settings", str(settings)).returncode == 0
    site = tmp_path / "output"
    before = inodes(site)
    related = soup(site / "posts" / "p5" / "index.html").select(".related-posts a")

    edit(content / "posts" / "p0.md", "walking pacing", "kitchen recipes")
    result = run_pathways("build", "-v", "--settings", str(settings))
    assert result.returncode == 0, result.stderr
    redone = pages({name for name, inode in inodes(site).items() if before.get(name) != inode})
    assert soup(site / "posts" / "p5" / "index.html").select(".related-posts a") != related
    assert {"posts/p0/index.html", "posts/p5/index.html"} <= redone
    # The four other posts' pages (at least) were not even rendered.
    rendered, carried = map(int, re.search(RENDERED, result.stderr).groups())
    assert carried >= 4 and rendered > 0
