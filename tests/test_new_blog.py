"""`pathways new-blog PATH`: a folder of her own with her settings alone, the engine's files
(publishing schedule, workflow, Makefile) installed, and a site that builds and passes the
checks the GitHub workflow it installs runs."""

import os
import pty
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from pathways.blog.new import NewBlogError, checked
from tests.sites import ROOT

# Seconds each (the command line in a process of its own, or many inputs): left out of
# `make test-fast`.
pytestmark = pytest.mark.slow

ANSWERS = [
    "--name", "Slow Days",
    "--author", "Mira Okafor",
    "--subtitle", "Notes on pacing",
    "--siteurl", "https://slowdays.blog/",
    "--timezone", "Europe/Berlin",
]  # fmt: skip

FIELDS = ("name", "author", "subtitle", "siteurl", "timezone")


def new_blog(
    folder: Path, *args: str, env: dict[str, str] | None = None, answers: str | None = None
) -> subprocess.CompletedProcess:
    """new-blog run as a writer runs it, with no terminal: `answers` piped in, if any."""
    return subprocess.run(
        [sys.executable, "-m", "pathways", "new-blog", str(folder), *args],
        cwd=folder.parent, capture_output=True, text=True, check=False,
        env={**os.environ, **(env or {})}, input=answers,
        stdin=subprocess.DEVNULL if answers is None else None,
    )  # fmt: skip


@pytest.mark.parametrize(
    ("option", "value", "message"),
    [
        ("siteurl", "https://pathways.example.org", "is a placeholder address"),
        ("siteurl", "http://127.0.0.1:8000", "is a loopback address"),
        ("siteurl", "slowdays.blog", "give the full address, https://…"),
        ("timezone", "Europe/Berln", "is not a time zone: use a name like Europe/Berlin"),
        ("name", "  ", "--name: this cannot be empty"),
    ],
)
def test_bad_answers_are_refused(option, value, message):
    answers = dict(zip(ANSWERS[::2], ANSWERS[1::2], strict=True))
    answers[f"--{option}"] = value
    with pytest.raises(NewBlogError, match=message):
        checked(
            *(
                answers[f"--{name}"]
                for name in ("name", "author", "subtitle", "siteurl", "timezone")
            )
        )


def test_nothing_is_made_without_an_answer(tmp_path):
    result = new_blog(tmp_path / "blog", "--name", "Slow Days")
    assert result.returncode == 2 and "give --author" in result.stderr
    assert not (tmp_path / "blog").exists()


def test_piped_answers_are_refused_saying_that_only_the_options_are_read(tmp_path):
    result = new_blog(tmp_path / "blog", answers="Slow Days\nMira\n\nhttps://slowdays.blog\n")
    assert result.returncode == 2
    assert "give --name" in result.stderr and "without a terminal" in result.stderr
    assert "--siteurl" in result.stderr and "--timezone" in result.stderr
    assert not (tmp_path / "blog").exists()


# Who makes the first commit, whatever this machine's git configuration says.
GIT_IDENTITY = {
    "GIT_AUTHOR_NAME": "Mira Okafor",
    "GIT_AUTHOR_EMAIL": "mira@slowdays.blog",
    "GIT_COMMITTER_NAME": "Mira Okafor",
    "GIT_COMMITTER_EMAIL": "mira@slowdays.blog",
}


def git(blog: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-C", str(blog), *args], capture_output=True, text=True, check=True
    ).stdout


def test_a_new_blog_is_a_git_repository_with_her_files_in_a_first_commit(tmp_path):
    blog = tmp_path / "blog"
    result = new_blog(blog, *ANSWERS, env=GIT_IDENTITY)
    assert result.returncode == 0, result.stderr
    assert "a first commit" in result.stdout and "git push -u origin main" in result.stdout
    assert git(blog, "branch", "--show-current").strip() == "main"
    assert len(git(blog, "log", "--format=%s").splitlines()) == 1
    assert git(blog, "status", "--porcelain") == ""
    committed = git(blog, "ls-files").splitlines()
    for mine in ("pelicanconf.py", "publishconf.py", "content/pages/404.md", "Makefile"):
        assert mine in committed


def test_without_git_the_blog_is_made_and_the_missing_repository_is_said(tmp_path):
    blog = tmp_path / "blog"
    nothing = tmp_path / "bin"
    nothing.mkdir()
    result = new_blog(blog, *ANSWERS, env={"PATH": str(nothing)})
    assert result.returncode == 0, result.stderr
    assert "git is not installed: the blog is not a git repository yet" in result.stdout
    assert (blog / "pelicanconf.py").exists() and not (blog / ".git").exists()


def test_a_wrong_answer_on_a_terminal_is_asked_again_in_plain_words(tmp_path):
    controller, terminal = pty.openpty()
    # The answers, a wrong address, then Ctrl-D at the question asked again.
    os.write(controller, b"Slow Days\nMira Okafor\n\nslowdays.blog\n\x04")
    result = subprocess.run(
        [sys.executable, "-m", "pathways", "new-blog", str(tmp_path / "blog")],
        cwd=tmp_path, capture_output=True, text=True, stdin=terminal, check=False, timeout=60,
    )  # fmt: skip
    os.close(terminal)
    os.close(controller)
    assert result.returncode == 1
    assert "  'slowdays.blog': give the full address, https://…\n" in result.stderr
    assert "--siteurl" not in result.stderr
    assert not (tmp_path / "blog").exists()


def test_new_blog_never_writes_into_a_folder_with_something_in_it(tmp_path):
    blog = tmp_path / "blog"
    assert new_blog(blog, *ANSWERS).returncode == 0
    mine = blog / "content" / "posts" / "my-first-post.md"
    mine.write_text("Title: My first post\nDate: 2024-01-02\n\nMine.\n")
    answers = [*ANSWERS[:-4], "--siteurl", "https://slowdays.org", *ANSWERS[-2:]]
    result = new_blog(blog, *answers)
    assert result.returncode == 2
    assert "is not an empty folder" in result.stderr
    assert "edit its pelicanconf.py and publishconf.py" in result.stderr
    assert mine.read_text().endswith("Mine.\n")
    assert 'SITEURL = "https://slowdays.blog"' in (blog / "publishconf.py").read_text()


def test_the_cron_line_publishes_from_a_folder_with_spaces_in_its_name(tmp_path):
    blog = tmp_path / "My Documents" / "blog"
    blog.parent.mkdir()
    assert new_blog(blog, *ANSWERS).returncode == 0
    line = (blog / "publishing" / "crontab.txt").read_text().splitlines()[-1]
    command = line.split(None, 5)[5]
    fake = tmp_path / "bin"
    fake.mkdir()
    (fake / "make").write_text('#!/bin/sh\necho "$PWD $*" > "$RAN"\n')
    (fake / "make").chmod(0o755)
    env = {"PATH": f"{fake}:/usr/bin:/bin", "RAN": str(tmp_path / "ran")}
    result = subprocess.run(["sh", "-c", command], env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "ran").read_text() == f"{blog} publish-scheduled\n"


@pytest.mark.build
def test_a_new_blog_builds_and_passes_the_workflows_checks(tmp_path):
    clone = tmp_path / "blog"
    result = new_blog(clone, *ANSWERS)
    assert result.returncode == 0, result.stderr
    assert "make new TITLE=" in result.stdout
    if (ROOT / "node_modules").exists():
        (clone / "node_modules").symlink_to(ROOT / "node_modules")

    content = clone / "content"
    assert sorted(p.relative_to(content).as_posix() for p in content.rglob("*.md")) == [
        "pages/404.md"
    ]
    settings = (clone / "pelicanconf.py").read_text()
    for line in (
        'SITENAME = "Slow Days"',
        'AUTHOR = "Mira Okafor"',
        'SITESUBTITLE = "Notes on pacing"',
        'TIMEZONE = "Europe/Berlin"',
        "from pathways.defaults import *  # noqa: F403",
    ):
        assert line in settings.splitlines()
    assert "DISCLAIMER" not in settings and "POPULAR_POSTS" not in settings
    assert 'SITEURL = "https://slowdays.blog"' in (clone / "publishconf.py").read_text()
    service = (clone / "publishing" / "pathways-publish.service").read_text()
    assert f"WorkingDirectory={clone}" in service
    assert f"cd {clone} && make publish" in (clone / "publishing" / "crontab.txt").read_text()

    workflow = yaml.safe_load((clone / ".github" / "workflows" / "publish.yml").read_text())
    triggers = workflow[True]  # YAML 1.1 reads the key `on` as True
    assert "push" in triggers and triggers["schedule"][0]["cron"] == "0 * * * *"
    steps = workflow["jobs"]["publish"]["steps"]
    commands = [step["run"] for step in steps if "run" in step]
    assert commands[:2] == ["make pull-comments", "make check BUILD_FLAGS=--no-precompress"]
    # Comments never hold the publish: fetched first, never stopping it, reported last.
    fetch = next(step for step in steps if step.get("id") == "comments")
    assert fetch["continue-on-error"] is True
    assert steps[-1]["if"] == "steps.comments.outcome == 'failure'"
    # What `make check` runs, with this tree's engine (the installed engine runs the
    # Makefile itself: tests/test_engine_package.py).
    env = {k: v for k, v in os.environ.items() if not k.startswith("PATHWAYS_")}
    for command in (["build", "--publish", "--no-precompress"], ["check"]):
        result = subprocess.run(
            [sys.executable, "-m", "pathways", *command],
            cwd=clone, capture_output=True, text=True, env=env, check=False,
        )  # fmt: skip
        assert result.returncode == 0, result.stdout + result.stderr
    assert "All checks passed" in result.stdout

    upload = next(step for step in steps if "upload-pages-artifact" in step.get("uses", ""))
    output = clone / upload["with"]["path"]
    home = (output / "index.html").read_text()
    assert "Slow Days" in home and "Mira Okafor" in home
    everything = " ".join(
        path.read_text(errors="replace")
        for path in output.rglob("*")
        if path.suffix in (".html", ".xml", ".txt", ".json")
    ).lower()
    for trace in ("ketamine", "pathways.example.org", "not medical advice"):
        assert trace not in everything
    assert not [path for path in output.rglob("*") if path.suffix in (".gz", ".br")]


@pytest.mark.build
def test_the_footer_says_what_the_settings_say_and_an_empty_preview_says_how_to_start(
    tmp_path,
):
    from tests.sites import build, soup, text, write_settings

    content = tmp_path / "content"
    (content / "posts").mkdir(parents=True)
    settings = write_settings(tmp_path, content, FOOTER_TEXT="Words and photos are mine.")
    assert build(settings).returncode == 0
    home = soup(tmp_path / "output" / "index.html")
    footer = text(home.select_one(".site-footer p"))
    assert footer.endswith("Words and photos are mine.")
    assert "medical advice" not in footer
    assert 'make new TITLE="My first post"' in text(home.select_one("main"))


def test_a_new_blogs_production_settings_are_the_previews_then_productions_then_hers(tmp_path):
    from pathways.site.build import load_settings

    blog = tmp_path / "blog"
    assert new_blog(blog, *ANSWERS).returncode == 0
    subprocess.run(
        [sys.executable, "-m", "ruff", "check", "--fix", "-q", "publishconf.py"], cwd=blog
    )
    production = load_settings(blog / "publishconf.py")
    assert production["OUTPUT_PATH"] == str(blog / "public")
    assert production["SHOW_DRAFTS"] is False and production["DRAFT_SAVE_AS"] == ""
    assert production["SITENAME"] == "Slow Days"
    assert production["SITEURL"] == production["FEED_DOMAIN"] == "https://slowdays.blog"
    assert "pathways_production_assets" in production["PLUGINS"]
