"""Feeds: what a post links from the site's root works in a feed reader too."""

import feedparser
import pytest

from tests.sites import build, post, run_pathways, write_post, write_settings


@pytest.mark.build
def test_links_from_the_sites_root_are_absolute_in_the_feeds_and_pass_the_check(tmp_path):
    content = tmp_path / "content"
    body = "See [the archive](/archives/) and [another site](https://example.net/x).\n"
    write_post(content, "hello.md", post("Hello again", summary="A post.", body=body))
    settings = write_settings(tmp_path, content, publish=True, CHECK_LIVE_ADDRESSES=False)
    assert build(settings).returncode == 0
    output = tmp_path / "output"
    for name in ("all.atom.xml", "all.rss.xml"):
        (entry,) = feedparser.parse(str(output / "feeds" / name)).entries
        html = entry.get("content", [entry.get("summary_detail")])[0]["value"]
        assert 'href="https://pathways.example.org/archives/"' in html
        assert 'href="https://example.net/x"' in html
    page = (output / "posts" / "hello-again" / "index.html").read_text()
    assert 'href="/archives/"' in page or "href=/archives/" in page
    check = run_pathways("check", "--settings", str(settings), "--skip-html")
    assert "not absolute" not in check.stderr, check.stderr


@pytest.mark.build
def test_each_feed_carries_the_newest_25_posts_in_full(tmp_path):
    content = tmp_path / "content"
    for day in range(1, 31):
        body = f"The whole of day {day}, not only its summary."
        write_post(
            content,
            f"day-{day}.md",
            post(f"Day {day}", date=f"2024-03-{day:02d} 09:00+00:00", tags="pacing", body=body),
        )
    settings = write_settings(tmp_path, content, publish=True, CHECK_LIVE_ADDRESSES=False)
    assert build(settings).returncode == 0
    feeds = tmp_path / "output" / "feeds"
    for feed in (feeds / "all.atom.xml", feeds / "all.rss.xml", feeds / "tag" / "pacing.atom.xml"):
        entries = feedparser.parse(str(feed)).entries
        assert [" ".join(entry.title.split()) for entry in entries] == [
            f"Day {day}" for day in range(30, 5, -1)
        ]
        texts = [
            entry.get("content", [entry.get("summary_detail")])[0]["value"] for entry in entries
        ]
        assert all("The whole of day" in text for text in texts)
