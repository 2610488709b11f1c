"""`pathways serve` (`make devserver`): serves on 127.0.0.1, rebuilds on save, reloads the page."""

import http.client
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
    port = free_port()
    command = [sys.executable, "-m", "pathways", "serve", "--settings", str(settings)]
    log = tmp_path / "preview.log"
    with log.open("w") as stream:
        server = subprocess.Popen(
            [*command, "--port", str(port)], cwd=ROOT, stdout=stream, stderr=subprocess.STDOUT
        )
    try:
        yield source, f"http://127.0.0.1:{port}", log
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_preview_serves_the_site_with_live_reload(preview):
    _, base, _ = preview
    page = wait_for(lambda: fetch(f"{base}/posts/notes/"))
    assert "tangerine" in page
    assert "/__preview/reload.js" in page


def test_preview_rebuilds_when_a_post_is_saved(preview):
    source, base, _ = preview
    wait_for(lambda: "tangerine" in fetch(f"{base}/posts/notes/"))
    source.write_text(post("Notes", body="pomegranate"), encoding="utf-8")
    wait_for(lambda: "pomegranate" in fetch(f"{base}/posts/notes/"))


def test_open_tabs_reload_with_the_saved_post_rendered_in_place(preview):
    source, base, log = preview
    wait_for(lambda: "tangerine" in fetch(f"{base}/posts/notes/"))
    host, port = base.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=30)
    connection.request("GET", "/__preview/events")
    events = connection.getresponse()
    assert events.headers["Content-Type"].startswith("text/event-stream")
    assert events.readline().startswith(b": connected")
    source.write_text(post("Notes", body="kiwi"), encoding="utf-8")
    while not events.readline().startswith(b"data: reload"):
        pass
    assert "kiwi" in fetch(f"{base}/posts/notes/")
    # The post's page was rendered by the preview itself, before any full build.
    assert "Updated posts/notes/index.html" in log.read_text()
    connection.close()


def test_preview_serves_nothing_outside_the_built_site(preview):
    _, base, _ = preview
    wait_for(lambda: fetch(f"{base}/posts/notes/"))
    host, port = base.removeprefix("http://").split(":")
    for path in ("/../site_preview.py", "/..%2fsite_preview.py", "/%2e%2e/site_preview.py"):
        connection = http.client.HTTPConnection(host, int(port), timeout=10)
        connection.request("GET", path)
        response = connection.getresponse()
        assert response.status == 404
        assert b"import sys" not in response.read()
        connection.close()


def test_a_broken_post_at_start_does_not_slow_the_others(tmp_path):
    content = tmp_path / "content"
    good = write_post(content, "good.md", post("Good", body="plum"))
    write_post(content, "broken.md", "Title: Broken\nDate: someday\n\nText.\n")
    settings = write_settings(tmp_path, content)
    port = free_port()
    log = tmp_path / "preview.log"
    command = [sys.executable, "-m", "pathways", "serve", "--settings", str(settings)]
    with log.open("w") as stream:
        server = subprocess.Popen(
            [*command, "--port", str(port)], cwd=ROOT, stdout=stream, stderr=subprocess.STDOUT
        )
    try:
        wait_for(lambda: "Preview on" in log.read_text())
        assert "broken.md" in log.read_text()
        good.write_text(post("Good", body="quince"), encoding="utf-8")
        wait_for(lambda: "quince" in fetch(f"http://127.0.0.1:{port}/posts/good/"))
        wait_for(lambda: "Updated posts/good/index.html" in log.read_text())
    finally:
        server.terminate()
        server.wait(timeout=10)
