"""What a post's title and summary say is shown as text in the page's head, never as markup."""

import json

import pytest

from tests.sites import build, post, soup, write_post, write_settings


@pytest.mark.build
def test_a_title_or_summary_with_markup_characters_stays_text_in_the_head(tmp_path):
    content = tmp_path / "content"
    title = "Pacing &lt;/title&gt;&lt;script&gt;alert(1)&lt;/script&gt;"
    write_post(
        content,
        "pacing.md",
        post(title, slug="pacing", summary='Rest "first" &lt;b&gt;then&lt;/b&gt;'),
    )
    assert build(write_settings(tmp_path, content, TYPOGRIFY=False)).returncode == 0
    html = (tmp_path / "output" / "posts" / "pacing" / "index.html").read_text()
    assert "<script>alert(1)" not in html
    page = soup(tmp_path / "output" / "posts" / "pacing" / "index.html")
    assert page.title.get_text().startswith("Pacing </title><script>alert(1)</script> · ")
    description = page.select_one("meta[name=description]")["content"]
    assert description == 'Rest "first" <b>then</b>'
    data = json.loads(page.select_one("script[type='application/ld+json']").string)
    assert "lastReviewed" not in data
