"""`pathways serve` (`make devserver`): serves on 127.0.0.1, rebuilds on save, reloads the page."""

import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.sites import ROOT, free_port, post, write_post, write_settings


def fetch(url: str) -> str:
    with urllib.request.urlopen(url, timeout=5) as response:
        return response.read().decode("utf-8")


def wait_for(condition, timeout: float = 30.0):
    """Poll until `condition()` returns something truthy; fail after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            result = condition()
        except OSError:
            result = None
        if result:
            return result
        if time.monotonic() > deadline:
            pytest.fail("the preview did not reach the expected state")
        time.sleep(0.2)


@pytest.fixture
def preview(tmp_path: Path):
    content = tmp_path / "content"
    source = write_post(content, "notes.md", post("Notes", body="tangerine"))
    settings = write_settings(tmp_path, content)
    port, liveport = free_port(), free_port()
    command = [sys.executable, "-m", "pathways", "serve", "--settings", str(settings)]
    server = subprocess.Popen(
        [*command, "--port", str(port), "--liveport", str(liveport)],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        yield source, f"http://127.0.0.1:{port}"
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_preview_serves_the_site_with_live_reload(preview):
    _, base = preview
    page = wait_for(lambda: fetch(f"{base}/posts/notes/"))
    assert "tangerine" in page
    assert "livereload.js" in page


def test_preview_rebuilds_when_a_post_is_saved(preview):
    source, base = preview
    wait_for(lambda: "tangerine" in fetch(f"{base}/posts/notes/"))
    source.write_text(post("Notes", body="pomegranate"), encoding="utf-8")
    wait_for(lambda: "pomegranate" in fetch(f"{base}/posts/notes/"))
