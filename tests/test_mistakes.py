"""Mistakes Pelican would pass over in silence are named, with what to write instead."""

import shutil

import pytest

from plugins.pathways_markdown_reader.fields import likely_field, two_way_date
from tests.sites import ROOT, build, post, write_post, write_settings


def test_dates_that_read_two_ways_are_told_apart_from_those_that_do_not():
    assert two_way_date("03.04.2026") and two_way_date("4/3/2026 09:30")
    assert not two_way_date("2026-04-03") and not two_way_date("13.04.2026")
    assert not two_way_date("04.04.2026")


def test_a_field_close_to_a_known_one_is_named():
    assert likely_field("dtae") == "date"
    assert likely_field("sumary") == "summary"
    assert likely_field("date") is None and likely_field("mood") is None


@pytest.mark.build
def test_an_ambiguous_date_fails_the_build_showing_the_accepted_form(tmp_path):
    content = tmp_path / "content"
    write_post(content, "spring.md", post("Spring", date="03.04.2026"))
    result = build(write_settings(tmp_path, content))
    assert result.returncode != 0
    assert (
        "posts/spring.md: the 'Date' field '03.04.2026' can be read as two different dates; "
        "write it like 2024-03-01 09:30+01:00 (year, month, day)"
    ) in result.stderr


@pytest.mark.build
def test_a_post_without_a_date_fails_the_build_naming_the_field(tmp_path):
    content = tmp_path / "content"
    write_post(content, "undated.md", "Title: Undated\nSummary: When?\n\nSome day.\n")
    result = build(write_settings(tmp_path, content))
    assert result.returncode != 0
    assert "posts/undated.md: could not find information about 'date'" in result.stderr


@pytest.mark.build
def test_a_mistyped_field_is_named_with_the_one_meant(tmp_path):
    content = tmp_path / "content"
    write_post(content, "walk.md", "Title: Walk\nDtae: 2024-01-02 10:00+00:00\n\nOut.\n")
    write_post(content, "rest.md", post("Rest", sumary="A day of rest."))
    result = build(write_settings(tmp_path, content))
    assert result.returncode != 0
    assert "posts/walk.md: 'Dtae:' is not a field this site reads: did you mean 'Date:'?" in (
        result.stderr
    )
    assert "posts/rest.md: 'Sumary:' is not a field this site reads: did you mean 'Summary:'?" in (
        result.stderr
    )


@pytest.mark.build
def test_a_theme_without_a_template_it_needs_fails_the_build(tmp_path):
    content = tmp_path / "content"
    write_post(content, "one.md", post("One"))
    theme = tmp_path / "theme"
    shutil.copytree(ROOT / "theme", theme)
    (theme / "templates" / "article.html").unlink()
    result = build(write_settings(tmp_path, content, THEME=str(theme)))
    assert result.returncode != 0
    assert f"{theme / 'templates' / 'article.html'} is missing" in result.stderr
    assert not (tmp_path / "output").exists()


@pytest.mark.build
def test_each_bad_post_counts_as_one_error(tmp_path):
    content = tmp_path / "content"
    for day in (1, 2, 3):
        write_post(content, f"bad-{day}.md", post(f"Bad {day}", date=f"2024-13-0{day}"))
    result = build(write_settings(tmp_path, content))
    assert result.returncode != 0
    for day in (1, 2, 3):
        assert f"posts/bad-{day}.md: the 'Date' field has an invalid value" in result.stderr
    assert "Build failed: 3 errors, listed above" in result.stderr


@pytest.mark.build
def test_a_post_pelican_cannot_read_is_named_with_the_reason(tmp_path):
    content = tmp_path / "content"
    (content / "posts").mkdir(parents=True)
    # Saved by an old editor in Latin-1, not UTF-8.
    (content / "posts" / "cafe.md").write_bytes("Title: Café\n\nAu café.\n".encode("latin-1"))
    result = build(write_settings(tmp_path, content))
    assert result.returncode != 0
    assert (
        "Could not process posts/cafe.md: it is not UTF-8 text (invalid continuation byte at"
        " byte 10): save it as UTF-8"
    ) in result.stderr
    assert "Build failed: 1 error, listed above" in result.stderr
