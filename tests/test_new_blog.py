"""`pathways new-blog` on a fresh clone: the sample blog is gone, the settings are hers, the
publishing schedule is installed, and the site builds and passes `make check` (the steps of
the GitHub workflow it installs, run here)."""

import os
import pty
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from pathways.site.newblog import NewBlogError, checked
from tests.sites import ROOT

ANSWERS = [
    "--name", "Slow Days",
    "--author", "Mira Okafor",
    "--subtitle", "Notes on pacing",
    "--siteurl", "https://slowdays.blog/",
    "--timezone", "Europe/Berlin",
]  # fmt: skip

FIELDS = ("name", "author", "subtitle", "siteurl", "timezone")


def fresh_clone(folder: Path) -> Path:
    """The project's files as a clone has them (tracked and new files, none ignored),
    sharing this checkout's installed virtualenv and HTML checker."""
    listed = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"],
        cwd=ROOT, capture_output=True, check=True,
    ).stdout.decode().split("\0")  # fmt: skip
    clone = folder / "blog"
    for name in filter(None, listed):
        if (ROOT / name).is_file():
            (clone / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, clone / name)
    for shared in (".venv", "node_modules"):
        if (ROOT / shared).exists():
            (clone / shared).symlink_to(ROOT / shared)
    return clone


def new_blog(clone: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "pathways", "new-blog", *args],
        cwd=clone, capture_output=True, text=True, stdin=subprocess.DEVNULL, check=False,
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


def test_nothing_changes_without_yes_or_an_answer(tmp_path):
    clone = fresh_clone(tmp_path)
    result = new_blog(clone, *ANSWERS)
    assert result.returncode == 2 and "add --yes to go ahead" in result.stderr
    result = new_blog(clone, "--name", "Slow Days", "--yes")
    assert result.returncode == 2 and "give --author" in result.stderr
    assert (clone / "content" / "posts" / "ketamine.md").exists()


def test_a_wrong_answer_on_a_terminal_is_asked_again_in_plain_words(tmp_path):
    clone = fresh_clone(tmp_path)
    controller, terminal = pty.openpty()
    # The answers, a wrong address, then Ctrl-D at the question asked again.
    os.write(controller, b"Slow Days\nMira Okafor\n\nslowdays.blog\n\x04")
    result = subprocess.run(
        [sys.executable, "-m", "pathways", "new-blog"],
        cwd=clone, capture_output=True, text=True, stdin=terminal, check=False, timeout=60,
    )  # fmt: skip
    os.close(terminal)
    os.close(controller)
    assert result.returncode == 1
    assert "  'slowdays.blog': give the full address, https://…\n" in result.stderr
    assert "--siteurl" not in result.stderr
    assert (clone / "content" / "posts" / "ketamine.md").exists()


def test_running_new_blog_again_never_deletes_the_writers_posts(tmp_path):
    clone = fresh_clone(tmp_path)
    assert new_blog(clone, *ANSWERS, "--yes").returncode == 0
    mine = clone / "content" / "posts" / "my-first-post.md"
    mine.write_text("Title: My first post\nDate: 2024-01-02\n\nMine.\n")
    answers = [*ANSWERS[:-4], "--siteurl", "https://slowdays.org", *ANSWERS[-2:]]
    result = new_blog(clone, *answers, "--yes")
    assert result.returncode == 2
    assert "this blog is yours already" in result.stderr
    assert "edit pelicanconf.py and publishconf.py" in result.stderr
    assert mine.read_text().endswith("Mine.\n")
    assert 'SITEURL = "https://slowdays.blog"' in (clone / "publishconf.py").read_text()


def test_the_cron_line_publishes_from_a_folder_with_spaces_in_its_name(tmp_path):
    clone = fresh_clone(tmp_path / "My Documents")
    assert new_blog(clone, *ANSWERS, "--yes").returncode == 0
    line = (clone / "publishing" / "crontab.txt").read_text().splitlines()[-1]
    command = line.split(None, 5)[5]
    fake = tmp_path / "bin"
    fake.mkdir()
    (fake / "make").write_text('#!/bin/sh\necho "$PWD $*" > "$RAN"\n')
    (fake / "make").chmod(0o755)
    env = {"PATH": f"{fake}:/usr/bin:/bin", "RAN": str(tmp_path / "ran")}
    result = subprocess.run(["sh", "-c", command], env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "ran").read_text() == f"{clone} publish-scheduled\n"


@pytest.mark.build
def test_a_new_blog_on_a_fresh_clone_passes_make_check(tmp_path):
    clone = fresh_clone(tmp_path)
    result = new_blog(clone, *ANSWERS, "--yes")
    assert result.returncode == 0, result.stderr
    assert "make new TITLE=" in result.stdout

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
        "DISCLAIMER_TAGS = []",
        "POPULAR_POSTS_TODAY = None",
    ):
        assert line in settings.splitlines()
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
    commands = commands[1:2]
    env = {k: v for k, v in os.environ.items() if not k.startswith("PATHWAYS_")}
    for command in commands:
        result = subprocess.run(
            command, shell=True, cwd=clone, capture_output=True, text=True, env=env, check=False
        )
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
