"""A process of the build killed while it works (as the kernel does when memory runs out):
reading carries on in the build's own process; rendering stops the build with a message
that says what happened, and the site published before stays as it was."""

import textwrap
from pathlib import Path

import pytest

from tests.sites import build, fixture_content, soup, text, varied_post, write_post, write_settings

# Kills any process but the one that loaded the settings, the first time it runs.
KILLER = """
import os
import signal

BUILDER = os.getpid()


def die_unless_builder(*args, **kwargs):
    if os.getpid() != BUILDER:
        os.kill(os.getpid(), signal.SIGKILL)
    return args[0] if args else None
"""

READING_KILLER = """
from markdown.extensions import Extension
from markdown.preprocessors import Preprocessor


class DieWhenForked(Preprocessor):
    def run(self, lines):
        return die_unless_builder(lines)


class DieWhenForkedExtension(Extension):
    def extendMarkdown(self, md):
        md.preprocessors.register(DieWhenForked(md), "die-when-forked", 1)


MARKDOWN = {**MARKDOWN, "extensions": [DieWhenForkedExtension()]}
"""

# Tag pages show their label lower-cased.
RENDERING_KILLER = """
JINJA_FILTERS = {"lower": lambda text: die_unless_builder(str(text).lower())}
"""


def site(folder: Path, killer: str) -> Path:
    content = fixture_content(folder)
    for number in range(40):
        write_post(content, f"day-{number}.md", varied_post(number))
    settings = write_settings(folder, content, publish=True, BUILD_WORKERS=2)
    with settings.open("a", encoding="utf-8") as file:
        file.write(textwrap.dedent(KILLER) + textwrap.dedent(killer))
    return settings


@pytest.mark.build
def test_a_killed_reading_process_loses_no_post(tmp_path):
    result = build(site(tmp_path, READING_KILLER))
    assert result.returncode == 0, result.stderr
    assert "A process reading posts was killed" in result.stderr
    output = tmp_path / "output"
    for number in range(40):
        page = soup(next(output.glob(f"posts/day-{number}-*/index.html")))
        assert f"Day {number}:" in text(page.h1)
        assert f"print('day {number}')" in text(page.find("pre"))


@pytest.mark.build
def test_a_killed_rendering_process_fails_the_build_and_keeps_the_published_site(tmp_path):
    settings = site(tmp_path, "")
    assert build(settings).returncode == 0
    output = tmp_path / "output"
    published = {path: path.read_bytes() for path in output.rglob("*") if path.is_file()}
    post = next(output.glob("posts/day-3-*/index.html"))
    source = next((tmp_path / "content" / "posts").glob("day-3.md"))
    source.write_text(source.read_text().replace("What happened", "What changed"))
    with settings.open("a", encoding="utf-8") as file:
        file.write(textwrap.dedent(RENDERING_KILLER))

    result = build(settings)

    assert result.returncode != 0
    assert "killed before it finished its work" in result.stderr
    assert "BUILD_WORKERS = 1" in result.stderr
    assert "What happened" in text(soup(post))
    assert {path: path.read_bytes() for path in output.rglob("*") if path.is_file()} == published
