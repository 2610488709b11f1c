"""Every setting of the site is declared once, documented with the same default, and checked."""

import logging
import sys
import textwrap

import pytest

from pathways.settings import Feature, Setting, declared, features, read
from tests.readme import literal, settings_rows
from tests.sites import ROOT, build, post, soup, write_post, write_settings

PLUGINS_FOLDER = ROOT / "plugins"


def test_each_declared_setting_is_in_the_readme_with_the_same_default():
    rows = settings_rows()
    for name, setting in declared().items():
        assert name in rows, f"{name} is missing from the README's settings tables"
        written, _ = rows[name]
        assert written == literal(setting.default), f"{name}: README says {written}"


def test_no_setting_is_declared_twice():
    names = [setting.name for feature in features() for setting in feature.settings]
    assert len(names) == len(set(names))


def test_a_bad_value_is_replaced_by_the_default_with_a_warning_naming_it(caplog):
    feature = Feature("demo", (Setting("DEMO_COUNT", 3, int, "A count."),))
    with caplog.at_level(logging.WARNING):
        values = read({"DEMO_COUNT": "many"}, feature)
    assert values == {"DEMO_COUNT": 3}
    assert "DEMO_COUNT must be int, not 'many'; using 3" in caplog.text


@pytest.mark.build
def test_templates_and_plugins_see_the_declared_defaults(tmp_path):
    """A settings file that leaves out the site's own settings still builds with their
    declared defaults (the comment form falls back, share links are the default three)."""
    content = tmp_path / "content"
    write_post(content, "one.md", post("One"))
    settings = tmp_path / "bare.py"
    settings.write_text(
        textwrap.dedent(
            f"""
            import sys
            sys.path.insert(0, {str(ROOT)!r})
            from pelicanconf import PLUGINS, ARTICLE_URL, ARTICLE_SAVE_AS, TIMEZONE
            PATH = {str(content)!r}
            THEME = {str(ROOT / "theme")!r}
            PLUGIN_PATHS = [{str(PLUGINS_FOLDER)!r}]
            OUTPUT_PATH = {str(tmp_path / "output")!r}
            CACHE_CONTENT = False
            AUTHOR = "Ana"
            """
        ),
        encoding="utf-8",
    )
    result = build(settings)
    assert result.returncode == 0, result.stderr
    page = soup(tmp_path / "output" / "posts" / "one" / "index.html")
    shares = [a.get_text(" ", strip=True) for a in page.select(".share a")]
    assert len(shares) == 3


@pytest.mark.build
def test_a_mistyped_value_warns_and_the_build_goes_on(tmp_path):
    content = tmp_path / "content"
    write_post(content, "one.md", post("One"))
    result = build(write_settings(tmp_path, content, RELATED_POSTS_COUNT="three"))
    assert result.returncode == 0, result.stderr
    assert "RELATED_POSTS_COUNT must be int, not 'three'; using 3" in result.stderr


@pytest.fixture
def impostors(tmp_path, monkeypatch):
    """A stub namespace plugin (`pelican.plugins.<name>`, as `pip install pelican-<name>`
    would add) under the plain name of each of the site's plugins (`series`, `search` …);
    each one fails the build if it runs."""
    import pelican.plugins

    folder = tmp_path / "namespace"
    names = [path.name for path in PLUGINS_FOLDER.iterdir() if (path / "__init__.py").exists()]
    names = [name.removeprefix("pathways_") for name in names]
    for name in names:
        stub = folder / name
        stub.mkdir(parents=True)
        (stub / "__init__.py").write_text(
            "def register():\n    raise RuntimeError('a published plugin ran instead')\n"
        )
    monkeypatch.setattr(pelican.plugins, "__path__", [*pelican.plugins.__path__, str(folder)])
    yield folder
    for name in list(sys.modules):
        if name.startswith("pelican.plugins.") and name.rsplit(".", 1)[1] in names:
            del sys.modules[name]


def test_installed_plugins_of_the_same_names_do_not_replace_the_sites(impostors):
    from pelican.plugins._utils import load_plugins
    from pelican.settings import read_settings

    for settings_file in ("pelicanconf.py", "publishconf.py"):
        settings = read_settings(str(ROOT / settings_file))
        loaded = load_plugins(settings)
        assert len(loaded) == len(settings["PLUGINS"])
        for plugin in loaded:
            assert plugin.__file__.startswith(str(PLUGINS_FOLDER)), plugin.__name__


def test_the_stub_would_have_won_under_an_old_name(impostors):
    """The check above can fail: under a bare name such as "series", the stub is taken."""
    from pelican.plugins._utils import load_plugins

    (plugin,) = load_plugins({"PLUGINS": ["series"], "PLUGIN_PATHS": [str(PLUGINS_FOLDER)]})
    assert plugin.__name__ == "pelican.plugins.series"


def test_an_unknown_share_service_is_left_out_and_the_others_kept(caplog):
    from pathways.site.settings import SITE

    with caplog.at_level(logging.WARNING):
        values = read({"SHARE_LINKS": ["email", "twitter"]}, SITE)
    assert values["SHARE_LINKS"] == ["email"]
    assert "SHARE_LINKS: 'twitter' left out" in caplog.text


def test_pelicans_own_settings_without_a_default_are_checked_for_typos_too():
    from pathways.site.setting_typos import likely_typos

    assert likely_typos({"TIME_ZONE": "Europe/Berlin"}) == {"TIME_ZONE": "TIMEZONE"}


@pytest.mark.build
def test_without_a_profile_text_the_sidebar_has_no_empty_about_text(tmp_path):
    content = tmp_path / "content"
    write_post(content, "one.md", post("One"))
    result = build(write_settings(tmp_path, content, PROFILE_TEXT=""))
    assert result.returncode == 0, result.stderr
    page = soup(tmp_path / "output" / "index.html")
    assert page.select_one("#about-title") is None
    assert not [p for p in page.select(".sidebar p") if not p.get_text(strip=True)]


def test_the_production_settings_override_the_previews_not_the_other_way_round():
    """publishconf.py reads pelicanconf.py first, then production's defaults: the sample blog's
    preview day and output folder never reach the production build."""
    from pelican.settings import read_settings

    preview = read_settings(str(ROOT / "pelicanconf.py"))
    production = read_settings(str(ROOT / "publishconf.py"))
    assert preview["POPULAR_POSTS_TODAY"] == "2023-06-30"
    assert production["POPULAR_POSTS_TODAY"] is None
    assert production["OUTPUT_PATH"].endswith("public")
    assert production["FEED_ALL_ATOM"] == "feeds/all.atom.xml"
    assert production["SHOW_DRAFTS"] is False
