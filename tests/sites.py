"""Helpers that build real sites with the project's settings, theme and plugins."""

import os
import shutil
import socket
import subprocess
import sys
import textwrap
from pathlib import Path

from bs4 import BeautifulSoup

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).parent / "fixtures"
# Where fixture sites' comment forms post; nothing listens there in page tests.
COMMENTS_URL = "http://127.0.0.1:9"


def fixture_content(folder: Path, *, learning: bool = False) -> Path:
    """The shipped content plus a post that uses every feature (and has comments); with
    `learning`, also a series, a hub page and posts for related posts and the glossary."""
    content = folder / "content"
    shutil.copytree(ROOT / "content", content)
    shutil.copy(FIXTURES / "everything.md", content / "posts" / "everything.md")
    if learning:
        for post in (FIXTURES / "learning").glob("*.md"):
            kind = "pages" if post.name == "start-here.md" else "posts"
            shutil.copy(post, content / kind / post.name)
    shutil.copytree(FIXTURES / "comments", content / "comments", dirs_exist_ok=True)
    return content


def build_fixture_site(folder: Path, *, publish: bool, learning: bool = False) -> Path:
    """The fixture content built into `folder/output` with the preview or production settings."""
    content = fixture_content(folder, learning=learning)
    result = build(write_settings(folder, content, publish=publish, COMMENTS_ENDPOINT=COMMENTS_URL))
    assert result.returncode == 0, result.stderr
    return folder / "output"


# Long enough for any build a test makes; a command still running then is stuck.
COMMAND_TIMEOUT = 600


def run_pathways(
    *args: str, env: dict[str, str] | None = None, cwd: Path = ROOT
) -> subprocess.CompletedProcess:
    """Run the `pathways` command line as a user would (in `cwd`), capturing its output."""
    unmarked = os.environ.get("PATHWAYS_FORBID_COMMAND")
    if unmarked:
        raise AssertionError(f"{unmarked} runs the command line: mark it @pytest.mark.slow")
    return subprocess.run(
        [sys.executable, "-m", "pathways", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        stdin=subprocess.DEVNULL,  # a command that asks waits for no one: it says so
        check=False,
        timeout=COMMAND_TIMEOUT,
    )


# The blog's identity as this project ships it: tests expect these, whatever `make new-blog`
# has made of the settings files since.
SHIPPED_IDENTITY = {"SITENAME": "Pathways", "AUTHOR": "Pathways", "TIMEZONE": "America/New_York"}
SHIPPED_SITEURL = "https://pathways.example.org"


def write_settings(folder: Path, content: Path, *, publish: bool = False, **extra: object) -> Path:
    """A settings file that uses the project's settings with `content` as the content folder."""
    base = "publishconf" if publish else "pelicanconf"
    pinned = {**SHIPPED_IDENTITY, "SITEURL": SHIPPED_SITEURL if publish else ""}
    if publish:
        pinned["FEED_DOMAIN"] = pinned["SITEURL"]
    # Never the moderation token of the computer running the tests (~/.config/pathways).
    pinned["COMMENTS_TOKEN_FILE"] = str(folder.parent / f"{folder.name}-moderation-token")
    lines = [
        "import sys",
        f"sys.path.insert(0, {str(ROOT)!r})",
        f"from {base} import *",
        f"PATH = {str(content)!r}",
        f"THEME = {str(ROOT / 'theme')!r}",
        f"PLUGIN_PATHS = [{str(ROOT / 'plugins')!r}]",
        f"OUTPUT_PATH = {str(folder / 'output')!r}",
    ]
    lines += [f"{name} = {value!r}" for name, value in {**pinned, **extra}.items()]
    path = folder / ("site_publish.py" if publish else "site_preview.py")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def write_post(content: Path, name: str, text: str) -> Path:
    path = content / "posts" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")
    return path


QUOTES = ['"Rest first," she said.', "It's the body's call -- not mine...", "CFS and POTS"]


def varied_post(number: int) -> str:
    """A post of a generated set: quotes and dashes to typogrify, a series every seventh,
    footnotes, code, lists and quotes."""
    series = f"Series: Pacing\nSeries-Order: {number}\n" if number % 7 == 0 else ""
    return (
        f"Title: Day {number}: {QUOTES[number % 3]}\n"
        f"Date: 2023-{1 + number % 12:02d}-{1 + number % 28:02d} 09:00+00:00\n"
        f"Tags: pacing, day-{number % 5}\nSummary: Notes on day {number}.\n{series}\n"
        f"## What happened\n\n{QUOTES[number % 3]} Ketamine and rest[^n].\n\n"
        f"- one\n- two\n\n> {QUOTES[(number + 1) % 3]}\n\n"
        f"```python\nprint('day {number}')\n```\n\n[^n]: A note for day {number}.\n"
    )


def post(title: str, date: str = "2024-01-02 10:00+00:00", body: str = "Hello.", **meta) -> str:
    """The text of a post file with the given front matter."""
    lines = [f"Title: {title}", f"Date: {date}"]
    lines += [f"{key.replace('_', '-').capitalize()}: {value}" for key, value in meta.items()]
    return "\n".join(lines) + "\n\n" + body + "\n"


def build(settings: Path) -> subprocess.CompletedProcess:
    unmarked = os.environ.get("PATHWAYS_FORBID_BUILD")
    if unmarked:
        raise AssertionError(f"{unmarked} builds a site: mark it @pytest.mark.build")
    return run_pathways("build", "--settings", str(settings))


def soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "lxml")


def text(element) -> str:
    """What a reader sees of an element, with runs of spaces (non-breaking too) as one space."""
    return " ".join(element.get_text().split())


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]
