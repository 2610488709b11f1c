"""Lighthouse (pinned in package.json, run on Debian's Chromium) on every kind of page of a
production build served with its own headers: Accessibility, Best Practices and SEO are 100.

Performance depends on the machine's load, so it is measured on demand, not asserted here.
"""

import json
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import CHROMIUM, CHROMIUM_ARGS
from tests.servers import serve_with_headers
from tests.sites import COMMENTS_URL, ROOT, build, fixture_content, free_port, write_settings
from tests.test_production_output import headers_for

# It builds a site, serves it and drives Chromium (left out of `make test-fast`).
pytestmark = [pytest.mark.build, pytest.mark.server, pytest.mark.browser]
LIGHTHOUSE = ROOT / "node_modules" / ".bin" / "lighthouse"
CATEGORIES = ("accessibility", "best-practices", "seo")
PAGES = {
    "home": "/",
    "post": "/posts/ketamine/",
    "post with an aligned table": "/posts/everything-in-one-post/",
    "page": "/about/",
    "archive": "/archives/",
    "tags": "/tags/",
    "tag": "/tags/ketamine/",
    "search": "/search/",
    "glossary": "/glossary/",
    "404": "/404.html",
}


@pytest.fixture(scope="module")
def served_production(tmp_path_factory) -> Iterator[str]:
    if not (LIGHTHOUSE.exists() and CHROMIUM.exists()):
        if os.environ.get("CI"):
            pytest.fail("Lighthouse needs `npm ci` and Debian's chromium (make test does both)")
        pytest.skip("Lighthouse needs node_modules (npm ci) and Debian's chromium")
    folder = tmp_path_factory.mktemp("lighthouse-site")
    port = free_port()
    content = fixture_content(folder)
    settings = write_settings(
        folder,
        content,
        publish=True,
        SITEURL=f"http://127.0.0.1:{port}",
        FEED_DOMAIN=f"http://127.0.0.1:{port}",
        COMMENTS_ENDPOINT=COMMENTS_URL,
        CHECK_LIVE_ADDRESSES=False,
    )
    result = build(settings)
    assert result.returncode == 0, result.stderr
    output = folder / "output"
    url, server = serve_with_headers(output, port, headers_for(output))
    yield url
    server.shutdown()
    server.server_close()


def lighthouse(url: str, report: Path, categories: tuple[str, ...] = CATEGORIES) -> dict:
    """Lighthouse's scores (0-100) for `url`, by category, and its failed audits."""
    flags = " ".join(["--headless=new", *(a for a in CHROMIUM_ARGS if a != "--headless")])
    subprocess.run(
        [
            str(LIGHTHOUSE),
            url,
            f"--chrome-flags={flags}",
            f"--only-categories={','.join(categories)}",
            "--output=json",
            f"--output-path={report}",
            "--quiet",
        ],
        env={**os.environ, "CHROME_PATH": str(CHROMIUM)},
        check=True,
        timeout=300,
    )
    data = json.loads(report.read_text())
    scores = {name: round(c["score"] * 100) for name, c in data["categories"].items()}
    failed = sorted(
        audit["id"]
        for audit in data["audits"].values()
        if audit["scoreDisplayMode"] == "binary" and audit["score"] == 0
    )
    return {"scores": scores, "failed": failed}


@pytest.mark.parametrize("name", PAGES)
def test_lighthouse_scores_100_for_accessibility_best_practices_and_seo(
    served_production, name, tmp_path
):
    if not shutil.which("node"):
        pytest.skip("Lighthouse needs Node.js")
    result = lighthouse(served_production + PAGES[name], tmp_path / "report.json")
    assert result["scores"] == dict.fromkeys(CATEGORIES, 100), result
