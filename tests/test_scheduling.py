"""A post dated in the future waits: production leaves it out of every file until its time;
the preview shows it, marked "Scheduled for …"."""

import gzip
from pathlib import Path

import pytest

from tests.sites import build, post, soup, text, write_post, write_settings

FUTURE = "2099-03-04 09:30+00:00"


def site(tmp_path: Path, *, publish: bool) -> Path:
    content = tmp_path / "content"
    write_post(content, "now.md", post("Out now", summary="Already out.", tags="pacing"))
    write_post(
        content,
        "later.md",
        post("Zanzibar tomorrow", date=FUTURE, summary="Not yet.", tags="pacing, zanzibar"),
    )
    result = build(write_settings(tmp_path, content, publish=publish))
    assert result.returncode == 0, result.stderr
    return tmp_path / "output"


def readable(path: Path) -> str:
    """A file's text; gzip-compressed ones (`.gz` copies, the search index) unpacked."""
    data = path.read_bytes()
    if data[:2] == b"\x1f\x8b":
        data = gzip.decompress(data)
    return data.decode("utf-8", errors="replace")


@pytest.mark.build
def test_the_build_summary_tells_a_scheduled_post_from_the_drafts(tmp_path):
    content = tmp_path / "content"
    write_post(content, "now.md", post("Out now"))
    write_post(content, "draft.md", post("Unfinished", status="draft"))
    write_post(content, "later.md", post("Zanzibar tomorrow", date=FUTURE))
    result = build(write_settings(tmp_path, content, publish=True))
    assert result.returncode == 0, result.stderr
    assert "2 drafts" in result.stdout
    assert (
        "1 of the drafts counted above is a scheduled post, published by the first build after "
        "its time: 'Zanzibar tomorrow' on 2099-03-04 09:30"
    ) in result.stdout
    assert "Unfinished" not in result.stdout


@pytest.mark.build
def test_production_holds_a_future_post_back_everywhere(tmp_path):
    output = site(tmp_path, publish=True)
    files = [path for path in output.rglob("*") if path.is_file()]
    assert not [path for path in files if "zanzibar" in path.as_posix()]
    assert not [
        path for path in files if path.suffix != ".br" and "zanzibar" in readable(path).lower()
    ]
    assert "/posts/out-now/" in readable(output / "feeds" / "all.atom.xml")
    assert "/posts/out-now/" in readable(output / "sitemap.xml")
    fragments = [readable(path) for path in (output / "pagefind" / "fragment").iterdir()]
    assert any("/posts/out-now/" in fragment for fragment in fragments)


@pytest.mark.build
def test_the_preview_shows_a_future_post_marked_scheduled(tmp_path):
    output = site(tmp_path, publish=False)
    page = soup(output / "posts" / "zanzibar-tomorrow" / "index.html")
    assert text(page.select_one(".draft-notice")).startswith(
        "Scheduled for March 4, 2099 at 09:30."
    )
    home = soup(output / "index.html")
    listed = {
        text(item.select_one(".post-summary-title")): item.select_one(".draft-badge")
        for item in home.select(".post-list > li")
    }
    assert text(listed["Zanzibar tomorrow"]) == "Scheduled for March 4, 2099 at 09:30"
    assert listed["Out now"] is None
