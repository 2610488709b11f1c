"""Shared fixtures: a built fixture site, a local HTTP server for it, and headless Chromium."""

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

from tests.servers import serve_folder
from tests.sites import ROOT, build_fixture_site

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]


# Generative tests (Hypothesis): a few examples, the same on every run, in the normal suite;
# `PATHWAYS_HYPOTHESIS_PROFILE=thorough` draws many more, new ones each run.
settings.register_profile(
    "pathways",
    max_examples=3,
    deadline=None,
    derandomize=True,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.register_profile(
    "thorough", parent=settings.get_profile("pathways"), max_examples=60, derandomize=False
)
settings.load_profile(os.environ.get("PATHWAYS_HYPOTHESIS_PROFILE", "pathways"))


# Fixtures that build a site, start a server or a browser: tests using them get the marker,
# so `make test-fast` (`-m "not build and not server and not browser"`) leaves them out.
MARKING_FIXTURES = {
    "build": {"fixture_site", "production_site", "learning_site", "site_url", "learning_url"},
    "server": {"site_url", "learning_url"},
    "browser": {"browser"},
}


# The sample blog this project ships; `make new-blog` replaces it with the writer's own.
SAMPLE_POST = ROOT / "content" / "posts" / "ketamine.md"
# Tests of the sample blog's content, which a blog made with `make new-blog` no longer has.
ABOUT_THE_SAMPLE = {"fixture_site", "production_site", "learning_site", "site_url", "learning_url"}
SAMPLE_MODULES = {"test_shipped_site.py"}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    without_sample = not SAMPLE_POST.exists()
    skip = pytest.mark.skip(reason="the sample blog was replaced by this blog's own content")
    for item in items:
        used = set(getattr(item, "fixturenames", ()))
        for marker, fixtures in MARKING_FIXTURES.items():
            if used & fixtures:
                item.add_marker(marker)
        about_sample = used & ABOUT_THE_SAMPLE or item.path.name in SAMPLE_MODULES
        if without_sample and (about_sample or item.get_closest_marker("sample")):
            item.add_marker(skip)


@pytest.fixture(autouse=True)
def _unmarked_tests_build_nothing(request, monkeypatch) -> None:
    """In a fast run, a test that builds a site without the `build` marker, or runs the
    command line without the `slow` one, fails, saying so."""
    if not os.environ.get("PATHWAYS_FAST_TESTS"):
        return
    marked = {marker.name for marker in request.node.iter_markers()}
    if "build" not in marked:
        monkeypatch.setenv("PATHWAYS_FORBID_BUILD", request.node.nodeid)
    if not marked & {"build", "slow"}:
        monkeypatch.setenv("PATHWAYS_FORBID_COMMAND", request.node.nodeid)


@pytest.fixture(scope="session")
def fixture_site(tmp_path_factory) -> Path:
    return build_fixture_site(tmp_path_factory.mktemp("fixture-site"), publish=False)


@pytest.fixture(scope="session")
def production_site(tmp_path_factory) -> Path:
    return build_fixture_site(tmp_path_factory.mktemp("production-site"), publish=True)


@pytest.fixture(scope="session")
def learning_site(tmp_path_factory) -> Path:
    return build_fixture_site(
        tmp_path_factory.mktemp("learning-site"), publish=False, learning=True
    )


def _served(folder: Path) -> Iterator[str]:
    url, server = serve_folder(folder)
    yield url
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="session")
def site_url(fixture_site: Path) -> Iterator[str]:
    yield from _served(fixture_site)


@pytest.fixture(scope="session")
def learning_url(learning_site: Path) -> Iterator[str]:
    yield from _served(learning_site)


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium, headless, driven by Playwright (never a downloaded browser)."""
    if not CHROMIUM.exists():
        if os.environ.get("CI"):
            pytest.fail("Chromium is missing: apt-get install chromium chromium-driver")
        pytest.skip("browser tests need Debian's chromium package (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()
