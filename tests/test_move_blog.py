"""`pathways move-blog`: a blog made the old way (a clone of the engine's repository, made
hers by editing its settings and its theme) moves into a folder of its own that builds to
the same pages; what cannot be carried is listed."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.engine_package import tree_copy
from tests.photos import phone_photo

GIT_ENV = {
    "GIT_AUTHOR_NAME": "Mira",
    "GIT_AUTHOR_EMAIL": "mira@example.org",
    "GIT_COMMITTER_NAME": "Mira",
    "GIT_COMMITTER_EMAIL": "mira@example.org",
}
# What the old `make new-blog` and then she set, in the clone's pelicanconf.py.
HER_PREVIEW = {
    "SITENAME": '"Slow Days"',
    "AUTHOR": '"Mira Okafor"',
    "TIMEZONE": '"Europe/Berlin"',
    "PROFILE_TEXT": '""',
    "POPULAR_POSTS_SOURCES": "[]",
    "POPULAR_POSTS_TODAY": "None",
    "DISCLAIMER_TAGS": "[]",
    "DISCLAIMER_CATEGORIES": "[]",
    "RELATED_POSTS_COUNT": "2",
}
COMMENT = "Author: Ana\nDate: 2024-05-02T08:00:00+00:00\n\nThank you for this.\n"


def git(folder: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-C", str(folder), *args],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, **GIT_ENV},
    ).stdout


def pathways(cwd: Path, *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PATHWAYS_")} | GIT_ENV
    return subprocess.run(
        [sys.executable, "-m", "pathways", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        env=env,
        check=False,
        timeout=600,
    )


def _set(path: Path, values: dict[str, str]) -> None:
    text = path.read_text()
    for name, value in values.items():
        line = f"{name} = {value}"
        pattern = re.compile(rf"^{name} = .*?(?=^[A-Z_#\n]|\Z)", re.MULTILINE | re.DOTALL)
        text = pattern.sub(line + "\n", text) if pattern.search(text) else f"{text}{line}\n"
    path.write_text(text)


def old_way_blog(folder: Path) -> Path:
    """A clone of the engine's repository made hers: her settings, her posts, a photo, a
    comment, the import's state, an edited template and plugin, the publishing files."""
    upstream = tree_copy(folder / "engine")
    git(upstream, "init", "-q", "-b", "main")
    git(upstream, "add", "-A")
    git(upstream, "commit", "-q", "-m", "engine")
    old = folder / "old"
    git(folder, "clone", "-q", str(upstream), str(old))
    content = old / "content"
    for sample in ("posts", "pages", "glossary", "images", "data"):
        for path in sorted((content / sample).rglob("*"), reverse=True):
            path.unlink() if path.is_file() else path.rmdir()
    (content / "pages" / "404.md").write_text((upstream / "content/pages/404.md").read_text())
    (content / "pages" / "about.md").write_text("Title: About\n\nI am Mira.\n")
    (content / "posts" / "walk.md").write_text(
        "Title: A walk at dusk\nSlug: walk\nDate: 2024-05-01 19:30\nTags: walking\n"
        "Summary: Ten minutes.\n\nI walked.\n\n![The park at dusk]({static}/images/walk.jpg)\n"
    )
    (content / "images").mkdir(exist_ok=True)
    phone_photo(content / "images" / "walk.jpg", size=(800, 600))
    (content / "comments" / "walk").mkdir(parents=True)
    (content / "comments" / "walk" / "20240502-ana.md").write_text(COMMENT)
    (content / "extra").mkdir()
    (content / "extra" / "robots.txt").write_text("User-agent: *\nAllow: /\n")
    (content / ".blogger-import.json").write_text('{"posts": {}}\n')
    _set(old / "pelicanconf.py", HER_PREVIEW)
    _set(old / "publishconf.py", {"SITEURL": '"https://slowdays.blog"'})
    share = old / "theme" / "templates" / "_share.html"
    share.write_text('<p class="my-share">Write to me if this helped.</p>\n')
    toc = old / "plugins" / "pathways_toc" / "__init__.py"
    toc.write_text(toc.read_text() + "# my tweak\n")
    (old / "publishing").mkdir()
    (old / "publishing" / "crontab.txt").write_text(f"0 * * * * cd {old} && make publish\n")
    git(old, "add", "-A")
    git(old, "commit", "-q", "-m", "my blog")
    return old


def pages(site: Path) -> dict[str, bytes]:
    return {
        path.relative_to(site).as_posix(): path.read_bytes()
        for path in site.rglob("*")
        if path.is_file() and path.suffix in (".html", ".xml", ".txt", ".json")
    }


@pytest.mark.build
def test_a_blog_made_the_old_way_moves_into_its_own_folder_and_builds_the_same(tmp_path):
    old = old_way_blog(tmp_path)
    assert pathways(old, "build").returncode == 0
    new = tmp_path / "slow-days"
    result = pathways(tmp_path, "move-blog", str(old), str(new))
    assert result.returncode == 0, result.stderr
    said = result.stdout
    assert "theme/templates/_share.html → templates/_share.html" in said
    assert "plugins/pathways_toc/__init__.py: changed from the engine's commit" in said
    assert "still publish the old folder: install them again from" in said
    # Her new folder is a repository of its own, everything carried in its first commit.
    assert "made it a git repository (branch main)" in said
    git = ["git", "-C", str(new)]
    log = subprocess.run([*git, "log", "--format=%s"], capture_output=True, text=True)
    assert len(log.stdout.splitlines()) == 1
    assert subprocess.run([*git, "status", "--porcelain"], capture_output=True).stdout == b""

    for name in ("posts/walk.md", "images/walk.jpg", "comments/walk/20240502-ana.md",
                 "extra/robots.txt", ".blogger-import.json", "pages/about.md"):  # fmt: skip
        assert (new / "content" / name).read_bytes() == (old / "content" / name).read_bytes()
    settings = (new / "pelicanconf.py").read_text()
    for name, value in HER_PREVIEW.items():
        if name in ("SITENAME", "AUTHOR", "TIMEZONE", "RELATED_POSTS_COUNT"):
            assert f"{name} = {value}" in settings.splitlines()
    # Values equal to the engine's defaults are left to it.
    for name in ("POPULAR_POSTS_SOURCES", "DISCLAIMER_TAGS", "PLUGINS", "THEME", "ARTICLE_URL"):
        assert name not in settings
    assert 'SITEURL = "https://slowdays.blog"' in (new / "publishconf.py").read_text()
    assert not (new / "theme").exists() and not list((new / "plugins").glob("*.py"))

    result = pathways(new, "build")
    assert result.returncode == 0, result.stderr
    before, after = pages(old / "output"), pages(new / "output")
    assert sorted(after) == sorted(before)
    assert [name for name in before if before[name] != after[name]] == []
    assert b"Write to me if this helped." in after["posts/walk/index.html"]
    assert b"Thank you for this." in after["posts/walk/index.html"]
