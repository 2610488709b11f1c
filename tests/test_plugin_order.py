"""The plugins' order is declared once (pathways.plugin_order) and checked: the shipped
settings follow it, production's extra steps are placed by name, a site that lists its
plugins out of order is told so, and the build never forks while one of its threads runs."""

import threading
from pathlib import Path

import pytest

from pathways.plugin_order import (
    AFTER,
    ORDER,
    order_problems,
    preview_plugins,
    production_plugins,
)
from pathways.plugin_support import ForkWhileThreadRuns, parallel_map, start_build_thread
from pathways.site.build import load_settings
from tests.sites import ROOT, build, post, run_pathways, write_post, write_settings


def test_the_shipped_settings_use_the_declared_order():
    preview = load_settings(ROOT / "pelicanconf.py")["PLUGINS"]
    production = load_settings(ROOT / "publishconf.py")["PLUGINS"]
    assert preview == preview_plugins()
    assert production == [plugin.name for plugin in ORDER]
    assert order_problems(preview) == order_problems(production) == []


def test_every_plugin_of_the_engine_has_its_place():
    packages = {path.parent.name for path in (ROOT / "plugins").glob("*/__init__.py")}
    assert packages == {plugin.name for plugin in ORDER}
    assert all(earlier in packages and later in packages for earlier, later, _ in AFTER)


def test_production_steps_are_placed_by_name_around_a_sites_own_plugins():
    own = [*preview_plugins(), "my_gallery"]
    placed = production_plugins(own)
    assert placed.index("pathways_production_assets") == placed.index("pathways_search") - 1
    assert placed[-3:] == ["pathways_feeds", "pathways_host_config", "my_gallery"]
    assert production_plugins(placed) == placed


def test_plugins_out_of_order_are_named_with_the_reason():
    plugins = preview_plugins()
    plugins.remove("pathways_comments")
    plugins.insert(1, "pathways_comments")
    assert order_problems(plugins) == [
        "PLUGINS lists pathways_comments before pathways_markdown_reader: it must come after "
        "it (the reader forks its workers before the comments plugin starts its reading thread)"
    ]


def _square(number: int) -> int:
    return number * number


def test_no_process_is_forked_while_a_thread_of_the_build_runs():
    release = threading.Event()
    thread = start_build_thread(release.wait, "comment reading")
    try:
        with pytest.raises(ForkWhileThreadRuns, match="comment reading"):
            parallel_map(_square, list(range(8)), 2)
    finally:
        release.set()
        thread.join()
    assert parallel_map(_square, list(range(8)), 2) == [n * n for n in range(8)]


def _reordered_site(tmp_path: Path, *, publish: bool) -> Path:
    content = tmp_path / "content"
    write_post(content, "a.md", post("A", summary="A."))
    plugins = production_plugins() if publish else preview_plugins()
    plugins.remove("pathways_comments")
    plugins.insert(1, "pathways_comments")
    return write_settings(tmp_path, content, publish=publish, PLUGINS=plugins)


@pytest.mark.build
def test_a_preview_with_plugins_out_of_order_warns_and_builds(tmp_path: Path):
    result = build(_reordered_site(tmp_path, publish=False))
    assert result.returncode == 0, result.stderr
    assert (
        "WARNING: site_preview.py: PLUGINS lists pathways_comments before pathways_markdown_reader"
    ) in result.stderr


@pytest.mark.slow
def test_a_production_build_with_plugins_out_of_order_builds_nothing(tmp_path: Path):
    settings = _reordered_site(tmp_path, publish=True)
    result = run_pathways("build", "--publish", "--settings", str(settings))
    assert result.returncode == 1
    assert "ERROR: site_publish.py: PLUGINS lists pathways_comments before" in result.stderr
    assert "Build failed: 1 mistake in the settings, listed above" in result.stderr
    assert not (tmp_path / "output").exists()
