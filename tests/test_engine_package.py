"""The engine installed from its wheel, as a writer installs it, with no access to this tree:
she makes her blog with `pathways new-blog`, writes a post with a photo, builds, checks and
publishes it with her blog's Makefile (the engine installed from the folder of the wheel, its
release channel); and a blog made with an older engine is upgraded by `make upgrade` to the
newest release in that folder, never to a higher version of the name on a package index, its
posts, templates and settings untouched but for a renamed setting."""

import json
import re
import shutil
from pathlib import Path

import pytest

from pathways import __version__
from tests.engine_package import (
    build_wheel,
    checker_for,
    engine_venv,
    make_venv,
    run,
    squatted_index,
    tree_copy,
)
from tests.photos import phone_photo
from tests.sites import ROOT, soup, text

ANSWERS = [
    "--name", "Slow Days",
    "--author", "Mira Okafor",
    "--siteurl", "https://slowdays.blog",
    "--timezone", "Europe/Berlin",
]  # fmt: skip

POST = """\
Title: A walk at dusk
Slug: walk
Date: 2024-05-01 19:30
Tags: walking
Summary: Ten minutes outside, and what they cost.

I walked to the park for ten minutes.

![The park at dusk, a bench under a lamp]({static}/images/walk.jpg)
"""

# Her own version of a template of the theme.
OVERRIDE = '<p class="my-share">Write to me if this helped.</p>\n'


@pytest.fixture(scope="session")
def engine_dist(tmp_path_factory) -> Path:
    """The engine's wheel, built once from this tree."""
    dist = tmp_path_factory.mktemp("dist")
    build_wheel(tree_copy(tmp_path_factory.mktemp("source")), dist)
    return dist


@pytest.fixture(scope="session")
def base_venv(tmp_path_factory) -> Path:
    return make_venv(tmp_path_factory.mktemp("venvs") / "base")


def _blog_files(blog: Path) -> dict[str, bytes]:
    return {
        path.relative_to(blog).as_posix(): path.read_bytes()
        for path in sorted(blog.rglob("*"))
        if path.is_file() and path.parts[len(blog.parts)] in ("content", "templates", "plugins")
    }


def _new_blog(engine: Path, blog: Path) -> None:
    result = run([str(engine / "bin" / "pathways"), "new-blog", str(blog), *ANSWERS], blog.parent)
    assert result.returncode == 0, result.stderr
    phone_photo(blog / "content" / "images" / "walk.jpg", size=(1200, 900))
    (blog / "content" / "posts" / "walk.md").write_text(POST, encoding="utf-8")
    (blog / "templates" / "_share.html").write_text(OVERRIDE, encoding="utf-8")
    checker_for(blog)


@pytest.mark.build
def test_a_writer_installs_the_engine_and_makes_builds_checks_and_publishes_her_blog(
    engine_dist, base_venv, tmp_path
):
    (wheel,) = engine_dist.glob("pathways_blog-*.whl")
    engine = engine_venv(base_venv, tmp_path / "engine", wheel)
    python = str(engine / "bin" / "python")
    found = run([python, "-c", "import pathways; print(pathways.__file__)"], tmp_path)
    assert ROOT not in Path(found.stdout.strip()).parents
    blog = tmp_path / "slow-days"
    _new_blog(engine, blog)
    www = tmp_path / "www"
    www.mkdir()
    with (blog / "publishconf.py").open("a") as settings:
        settings.write(f'DEPLOY = {{"target": "folder", "path": "{www}"}}\n')

    # The engine's release channel: the folder of the wheel she installed.
    releases = (blog / "engine-releases").read_text().splitlines()
    assert releases[-1] == str(engine_dist)
    # Her npm manifest installs the HTML checker alone.
    assert json.loads((blog / "package.json").read_text())["devDependencies"] == {
        "vnu-jar": "26.9.27"
    }
    assert "lighthouse" not in (blog / "package-lock.json").read_text()

    make = ["make", f"VENV={engine}"]
    # `make publish` builds for production, checks (as `make check`) and deploys.
    for target in ("html", "publish"):
        result = run([*make, target], blog)
        assert result.returncode == 0, result.stdout + result.stderr
    assert "All checks passed" in result.stdout

    for site in (blog / "output", www / "current" if (www / "current").exists() else www):
        page = soup(site / "posts" / "walk" / "index.html")
        assert text(page.select_one("h1")) == "A walk at dusk"
        assert page.select_one("picture img")["alt"] == "The park at dusk, a bench under a lamp"
        assert text(page.select_one(".my-share")) == "Write to me if this helped."
        assert "Slow Days" in text(page.select_one("header"))

    # Hers alone: no engine code, theme or plugin was copied into the folder.
    python_files = sorted(
        path.relative_to(blog).as_posix()
        for path in blog.rglob("*.py")
        if "node_modules" not in path.parts
    )
    assert python_files == ["pelicanconf.py", "publishconf.py"]
    assert not (blog / "theme").exists()
    assert [p.name for p in (blog / "plugins").iterdir()] == [".gitkeep"]
    assert sorted(p.name for p in (blog / "templates").iterdir()) == [".gitkeep", "_share.html"]
    assert (blog / "requirements.txt").read_text().splitlines()[-1] == (
        f"pathways-blog=={__version__}"
    )


def _older_engine(source: Path) -> Path:
    """This tree as an older release, 0.1.0: `RELATED_POSTS_COUNT` was called
    `RELATED_POSTS_NUMBER`, the workflow uploaded output/, the timer ran daily."""
    init = source / "pathways" / "__init__.py"
    init.write_text(re.sub(r'__version__ = "[^"]+"', '__version__ = "0.1.0"', init.read_text()))
    for folder in ("pathways", "plugins", "theme"):
        for path in (source / folder).rglob("*"):
            if path.is_file() and path.suffix in (".py", ".html"):
                old = path.read_text(encoding="utf-8")
                new = old.replace("RELATED_POSTS_COUNT", "RELATED_POSTS_NUMBER")
                if new != old:
                    path.write_text(new, encoding="utf-8")
    files = source / "pathways" / "blog" / "files"
    workflow = files / "github-publish.yml"
    workflow.write_text(workflow.read_text().replace("path: public", "path: output"))
    timer = files / "pathways-publish.timer"
    timer.write_text(timer.read_text().replace("OnCalendar=hourly", "OnCalendar=daily"))
    return source


def _newer_engine(source: Path) -> Path:
    """This tree, knowing that `RELATED_POSTS_NUMBER` became `RELATED_POSTS_COUNT`."""
    renamed = source / "pathways" / "blog" / "renamed.py"
    empty = "RENAMED: dict[str, tuple[str, str]] = {}"
    table = empty.replace("{}", '{"RELATED_POSTS_NUMBER": ("RELATED_POSTS_COUNT", "0.2.0")}')
    renamed.write_text(renamed.read_text().replace(empty, table))
    return source


@pytest.mark.build
def test_make_upgrade_moves_an_older_blog_to_the_newest_release(base_venv, tmp_path):
    releases = tmp_path / "releases"
    old = build_wheel(_older_engine(tree_copy(tmp_path / "old-source")), tmp_path / "old-dist")
    new = build_wheel(_newer_engine(tree_copy(tmp_path / "new-source")), tmp_path / "new-dist")
    releases.mkdir()
    shutil.copy2(old, releases)
    engine = engine_venv(base_venv, tmp_path / "engine", releases / old.name)
    blog = tmp_path / "slow-days"
    _new_blog(engine, blog)
    # Someone published a higher `pathways-blog` on the package index pip uses.
    index = {"PIP_INDEX_URL": squatted_index(tmp_path / "index", "9.9.9")}
    make = ["make", f"VENV={engine}"]
    result = run([*make, "upgrade"], blog, **index)
    assert result.returncode == 0, result.stdout + result.stderr
    assert (
        f"The blog is already on pathways-blog 0.1.0, the newest in {releases}."
        " Nothing was changed."
    ) in result.stdout
    shutil.copy2(new, releases)
    settings = blog / "pelicanconf.py"
    settings.write_text(settings.read_text() + "RELATED_POSTS_NUMBER = 2  # two are enough\n")
    workflow = blog / ".github" / "workflows" / "publish.yml"
    assert "path: output" in workflow.read_text()
    hers = _blog_files(blog)
    before = settings.read_text()

    result = run([*make, "upgrade"], blog, **index)
    assert result.returncode == 0, result.stdout + result.stderr
    said = result.stdout
    assert f"Installed pathways-blog {__version__} (was 0.1.0)." in said
    assert (
        "pelicanconf.py: RELATED_POSTS_NUMBER is now called RELATED_POSTS_COUNT (since 0.2.0);"
        " renamed"
    ) in said
    assert "-          path: output\n+          path: public" in said
    assert "-OnCalendar=daily\n+OnCalendar=hourly" in said
    assert f"What changed since 0.1.0:\n\n## {__version__}" in said
    assert f"Upgraded from 0.1.0 to {__version__}: built and checked." in said

    assert settings.read_text() == before.replace("RELATED_POSTS_NUMBER", "RELATED_POSTS_COUNT")
    assert _blog_files(blog) == hers
    assert "path: public" in workflow.read_text()
    timer = (blog / "publishing" / "pathways-publish.timer").read_text()
    assert "OnCalendar=hourly" in timer
    assert f"pathways-blog=={__version__}" in (blog / "requirements.txt").read_text()
    installed = run([str(engine / "bin" / "python"), "-m", "pip", "show", "pathways-blog"], blog)
    assert f"Version: {__version__}" in installed.stdout
    page = soup(blog / "public" / "posts" / "walk" / "index.html")
    assert text(page.select_one(".my-share")) == "Write to me if this helped."

    result = run([*make, "upgrade"], blog, **index)
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"The blog is already on pathways-blog {__version__}, the newest" in result.stdout
