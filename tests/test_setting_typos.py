"""A mistyped setting name is not ignored in silence: the build names the likely one."""

from pathlib import Path

import pytest

from pathways.site.build import load_settings
from pathways.site.setting_typos import likely_typos
from tests.sites import ROOT, build, post, write_post, write_settings


@pytest.mark.parametrize("settings_file", ["pelicanconf.py", "publishconf.py"])
def test_the_shipped_settings_have_no_typos(settings_file):
    assert likely_typos(load_settings(ROOT / settings_file)) == {}


def test_names_close_to_a_known_setting_are_typos(tmp_path: Path):
    (tmp_path / "content").mkdir()
    settings = load_settings(
        write_settings(
            tmp_path,
            tmp_path / "content",
            SITE_NAME="Mine",
            PROFIL_TEXT="Me.",
            COMMENT_ENDPOINT="https://x.org",
            MY_OWN_LIST=[1],
            TAG_FEED_RSS="feeds/{slug}.rss.xml",
        )
    )
    assert likely_typos(settings) == {
        "COMMENT_ENDPOINT": "COMMENTS_ENDPOINT",
        "PROFIL_TEXT": "PROFILE_TEXT",
        "SITE_NAME": "SITENAME",
    }


@pytest.mark.build
def test_the_build_warns_about_a_typo(tmp_path: Path):
    content = tmp_path / "content"
    write_post(content, "a.md", post("A", summary="A."))
    result = build(write_settings(tmp_path, content, SITE_NAME="My blog", SEARCH_INDEX=False))
    assert result.returncode == 0, result.stderr
    assert (
        "WARNING: SITE_NAME in site_preview.py is not a setting this site knows: "
        "did you mean SITENAME?"
    ) in result.stderr
