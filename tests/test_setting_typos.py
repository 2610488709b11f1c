"""Mistakes in the settings are never ignored in silence: a misspelled name (with the likely
one) or a bad value is a warning in the preview, in the terminal and on its pages, and an
error in a production build, which then builds nothing; a settings file that cannot be read
is one line."""

from pathlib import Path

import pytest

from pathways.blog.renamed import RENAMED
from pathways.site.build import load_settings
from pathways.site.preview import Preview, with_reload_script
from pathways.site.setting_typos import likely_typos, setting_mistakes
from tests.sites import ROOT, build, post, run_pathways, soup, write_post, write_settings

# Seconds each (the command line in a process of its own, or many inputs): left out of
# `make test-fast`.
pytestmark = pytest.mark.slow


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


def _site(tmp_path: Path, *, publish: bool = False, **settings: object) -> Path:
    content = tmp_path / "content"
    write_post(content, "a.md", post("A", summary="A."))
    return write_settings(tmp_path, content, publish=publish, SEARCH_INDEX=False, **settings)


@pytest.mark.build
def test_a_bad_value_is_a_warning_in_the_preview(tmp_path: Path):
    result = build(_site(tmp_path, COMMENTS_MAX_DEPTH=0))
    assert result.returncode == 0, result.stderr
    assert (
        "WARNING: site_preview.py: COMMENTS_MAX_DEPTH must be 1 or more, not 0; using 3"
    ) in result.stderr
    assert result.stderr.count("COMMENTS_MAX_DEPTH") == 1


@pytest.mark.parametrize(
    ("setting", "message"),
    [
        ({"SITE_NAME": "Mine"}, "ERROR: SITE_NAME in site_publish.py is not a setting"),
        ({"COMMENTS_MAX_DEPTH": 0}, "ERROR: site_publish.py: COMMENTS_MAX_DEPTH must be 1"),
    ],
)
def test_a_production_build_refuses_a_mistake(tmp_path: Path, setting, message):
    settings = _site(tmp_path, publish=True, **setting)
    result = run_pathways("build", "--publish", "--settings", str(settings))
    assert result.returncode == 1
    assert message in result.stderr
    assert "Build failed: 1 mistake in the settings, listed above" in result.stderr
    assert not (tmp_path / "output").exists()


def test_publish_refuses_a_mistake_before_building(tmp_path: Path):
    (tmp_path / "www").mkdir()
    deploy = {"target": "folder", "path": str(tmp_path / "www")}
    settings = _site(tmp_path, publish=True, PROFIL_TEXT="Me.", DEPLOY=deploy)
    result = run_pathways("publish", "--no-pull", "--settings", str(settings))
    assert result.returncode == 1
    assert "PROFIL_TEXT in site_publish.py is not a setting" in result.stderr
    assert "Nothing was published." in result.stderr
    assert not (tmp_path / "output").exists()


@pytest.mark.parametrize("command", [["publish"], ["publish", "--no-pull"], ["build"], ["check"]])
def test_a_broken_settings_file_is_one_line(tmp_path: Path, command):
    settings = _site(tmp_path, publish=True)
    settings.write_text(settings.read_text() + "SITEURL = 'https://x.org\n")
    result = run_pathways(*command, "--settings", str(settings))
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith(f"Cannot read the settings in {settings}: ")
    assert result.stderr.count("\n") == 1


def test_the_preview_shows_the_mistakes_on_its_pages(tmp_path: Path):
    settings_file = _site(tmp_path, SITE_NAME="Mine", COMMENTS_MAX_DEPTH=0)
    preview = Preview(load_settings(settings_file), settings_file)
    preview.check_settings()
    page = with_reload_script(
        "<html><body><p>Hi</p></body></html>", preview.files.errors, preview.files.warnings
    )
    path = tmp_path / "page.html"
    path.write_text(page)
    banner = soup(path).find(id="preview-settings-warning")
    assert banner["role"] == "status"
    assert [item.get_text() for item in banner.find_all("li")] == [
        "SITE_NAME in site_preview.py is not a setting this site knows: did you mean SITENAME?",
        "site_preview.py: COMMENTS_MAX_DEPTH must be 1 or more, not 0; using 3",
    ]


def test_a_setting_the_engine_renamed_is_named_with_its_new_name(tmp_path: Path, monkeypatch):
    monkeypatch.setitem(RENAMED, "RELATED_POSTS_NUMBER", ("RELATED_POSTS_COUNT", "0.2.0"))
    content = tmp_path / "content"
    content.mkdir()
    settings = load_settings(write_settings(tmp_path, content, RELATED_POSTS_NUMBER=2))
    assert setting_mistakes(settings, "pelicanconf.py") == [
        "RELATED_POSTS_NUMBER in pelicanconf.py is now called RELATED_POSTS_COUNT (since 0.2.0):"
        " rename it, or run make upgrade"
    ]


@pytest.mark.build
def test_publish_reads_the_settings_file_once(tmp_path: Path):
    (tmp_path / "www").mkdir()
    deploy = {"target": "folder", "path": str(tmp_path / "www")}
    settings = _site(tmp_path, publish=True, DEPLOY=deploy, PUBLISH_CHECK=False)
    reads = tmp_path / "reads.txt"
    settings.write_text(f"open({str(reads)!r}, 'a').write('read\\n')\n" + settings.read_text())
    result = run_pathways("publish", "--settings", str(settings))
    assert result.returncode == 0, result.stderr
    assert reads.read_text() == "read\n"
