"""Dates a reader sees follow the blog's date-format setting, on every platform."""

import pytest

from tests.sites import build, post, soup, text, write_post, write_settings


@pytest.mark.build
def test_post_review_reference_and_comment_dates_use_the_date_format(tmp_path):
    content = tmp_path / "content"
    write_post(
        content,
        "checked.md",
        post(
            "Checked",
            date="2024-03-05 10:00+00:00",
            reviewed="2024-04-06",
            references="A study | https://example.org/study | 2024-02-07",
        ),
    )
    folder = content / "comments" / "checked"
    folder.mkdir(parents=True)
    (folder / "c1.md").write_text(
        "Author: Ana\nDate: 2024-03-08T09:15:00+00:00\n\nThank you.\n", encoding="utf-8"
    )
    settings = write_settings(tmp_path, content, DEFAULT_DATE_FORMAT="%d.%m.%Y")
    result = build(settings)
    assert result.returncode == 0, result.stderr
    page = soup(tmp_path / "output" / "posts" / "checked" / "index.html")
    assert text(page.select_one(".reviewed time")) == "06.04.2024"
    assert text(page.select_one(".references time")) == "07.02.2024"
    assert text(page.select_one(".comment-date time")).startswith("08.03.2024 at ")
    assert "05.03.2024" in text(page.select_one("article time"))
