"""The build's speed-ups change nothing in the output.

A site with every feature (comments, glossary, series, code, footnotes, typography) and
enough posts for the worker processes to be used is built three ways: without speed-ups
(`FAST_BUILD = False`: Pelican's reader, typogrify and writer, one process), with them
from a cold cache, and with them again from the warm content cache. Every file must be
byte-for-byte the same.
"""

import shutil
from pathlib import Path

import pytest

from tests.sites import build, fixture_content, soup, varied_post, write_post, write_settings


@pytest.fixture(scope="module")
def three_builds(tmp_path_factory) -> list[Path]:
    folder = tmp_path_factory.mktemp("speedups")
    content = fixture_content(folder, learning=True)
    for number in range(40):
        write_post(content, f"day-{number}.md", varied_post(number))
    # Another format, typogrified by its own reader when the speed-ups are on.
    write_post(
        content,
        "letter.html",
        '<html><head><title>A "letter" -- unsent</title>'
        '<meta name="date" content="2023-05-01 09:00+00:00"></head>'
        '<body><p>It\'s written... "not sent".</p></body></html>',
    )
    outputs = []
    for name, fast in (("slow", False), ("cold", True), ("warm", True)):
        settings = write_settings(folder, content, publish=True, FAST_BUILD=fast, BUILD_WORKERS=2)
        result = build(settings)
        assert result.returncode == 0, result.stderr
        outputs.append(folder / f"output-{name}")
        shutil.copytree(folder / "output", outputs[-1])
    return outputs


def files(folder: Path) -> dict[str, bytes]:
    return {
        path.relative_to(folder).as_posix(): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


@pytest.mark.build
def test_the_site_is_the_same_with_and_without_the_speed_ups(three_builds):
    slow, cold, warm = (files(folder) for folder in three_builds)
    assert len(slow) > 200
    assert sorted(cold) == sorted(slow)
    assert [name for name in slow if cold[name] != slow[name]] == []
    assert [name for name in slow if warm[name] != slow[name]] == []


@pytest.mark.sample
@pytest.mark.build
def test_typography_and_the_glossary_survive_the_speed_ups(three_builds):
    cold = three_builds[1]
    page = soup(next(cold.glob("posts/day-1-*/index.html")))
    title = page.select_one("h1").decode_contents()
    assert "&#8217;" in title or "\u2019" in title  # the apostrophe of "It's" is curly
    assert page.select_one(".footnote")
    explained = [p for p in cold.glob("posts/*/index.html") if soup(p).select(".glossary-term")]
    assert explained


@pytest.mark.build
def test_a_warm_cache_is_not_used_after_the_settings_change(tmp_path):
    content = tmp_path / "content"
    write_post(
        content, "quote.md", 'Title: Quote\nDate: 2024-01-02 10:00+00:00\n\n"Rest," I said.\n'
    )
    built = tmp_path / "output" / "posts" / "quote" / "index.html"
    assert build(write_settings(tmp_path, content, TYPOGRIFY=True)).returncode == 0
    assert "\u201c" in built.read_text() or "&#8220;" in built.read_text()
    assert build(write_settings(tmp_path, content, TYPOGRIFY=False)).returncode == 0
    assert '"Rest," I said.' in built.read_text() or "&quot;Rest,&quot;" in built.read_text()


@pytest.mark.build
def test_comments_edited_or_removed_since_the_last_build_are_shown_as_they_are_now(tmp_path):
    content = tmp_path / "content"
    write_post(content, "walk.md", "Title: Walk\nDate: 2024-01-02 10:00+00:00\n\nA walk.\n")
    folder = content / "comments" / "walk"
    folder.mkdir(parents=True)
    first = folder / "c1.md"
    first.write_text("Author: Ann\nDate: 2024-01-03T10:00:00+00:00\n\nLovely *walk*.\n")
    second = folder / "c2.md"
    second.write_text("Author: Bo\nDate: 2024-01-04T10:00:00+00:00\n\nSame here.\n")
    settings = write_settings(tmp_path, content)
    page = tmp_path / "output" / "posts" / "walk" / "index.html"
    assert build(settings).returncode == 0
    assert "<em>walk</em>" in page.read_text()
    first.write_text("Author: Ann\nDate: 2024-01-03T10:00:00+00:00\n\nLovely **stroll**.\n")
    second.unlink()
    assert build(settings).returncode == 0
    bodies = [body.get_text().strip() for body in soup(page).select(".comment-body")]
    assert bodies == ["Lovely stroll."]
    assert (tmp_path / ".cache").is_dir()
