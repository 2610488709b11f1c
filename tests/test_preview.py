"""`pathways serve` (`make devserver`): serves on 127.0.0.1, rebuilds on save, reloads the page."""

import http.client
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from pathways.blog.new import checked, make_blog
from pathways.site.preview import with_reload_script
from tests.sites import ROOT, build, free_port, post, write_post, write_settings
from tests.test_browser import contrast


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


@contextmanager
def serving(tmp_path: Path, content: Path) -> Iterator[tuple[str, Path]]:
    """`pathways serve` on `content`: its address, and the file its messages go to."""
    settings = write_settings(tmp_path, content)
    port = free_port()
    command = [sys.executable, "-m", "pathways", "serve", "--settings", str(settings)]
    log = tmp_path / "preview.log"
    with log.open("w") as stream:
        server = subprocess.Popen(
            [*command, "--port", str(port)], cwd=ROOT, stdout=stream, stderr=subprocess.STDOUT
        )
    try:
        yield f"http://127.0.0.1:{port}", log
    finally:
        server.terminate()
        server.wait(timeout=10)


@pytest.fixture
def preview(tmp_path: Path):
    content = tmp_path / "content"
    source = write_post(content, "notes.md", post("Notes", body="tangerine"))
    with serving(tmp_path, content) as (base, log):
        yield source, base, log


@pytest.mark.server
def test_preview_serves_the_site_with_live_reload(preview):
    _, base, _ = preview
    page = wait_for(lambda: fetch(f"{base}/posts/notes/"))
    assert "tangerine" in page
    assert "/__preview/reload.js" in page


@pytest.mark.server
def test_preview_rebuilds_when_a_post_is_saved(preview):
    source, base, _ = preview
    wait_for(lambda: "tangerine" in fetch(f"{base}/posts/notes/"))
    source.write_text(post("Notes", body="pomegranate"), encoding="utf-8")
    wait_for(lambda: "pomegranate" in fetch(f"{base}/posts/notes/"))


@pytest.mark.server
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


@pytest.mark.server
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


@pytest.mark.server
def test_the_preview_shows_the_stats_page_with_its_posts_linked_in_the_preview(preview):
    _, base, _ = preview
    wait_for(lambda: fetch(f"{base}/posts/notes/"))
    page = fetch(f"{base}/_stats/")
    assert "<h1>Stats for Pathways</h1>" in page
    assert '<a href="/posts/notes/">Notes</a>' in page
    # The preview's settings name the sample log, which this blog does not have.
    assert "Missing source: nothing matches <code>data/sample-access.log</code>" in page


@pytest.mark.server
def test_a_broken_post_at_start_does_not_slow_the_others(tmp_path):
    content = tmp_path / "content"
    good = write_post(content, "good.md", post("Good", body="plum"))
    write_post(content, "broken.md", "Title: Broken\nDate: someday\n\nText.\n")
    with serving(tmp_path, content) as (base, log):
        wait_for(lambda: "Preview on" in log.read_text())
        assert "broken.md" in log.read_text()
        good.write_text(post("Good", body="quince"), encoding="utf-8")
        wait_for(lambda: "quince" in fetch(f"{base}/posts/good/"))
        wait_for(lambda: "Updated posts/good/index.html" in log.read_text())


@pytest.mark.server
def test_a_saved_page_is_also_rendered_in_place(tmp_path):
    content = tmp_path / "content"
    write_post(content, "notes.md", post("Notes"))
    about = content / "pages" / "about.md"
    about.parent.mkdir(parents=True)
    about.write_text("Title: About\n\nI write about fig trees.\n", encoding="utf-8")
    with serving(tmp_path, content) as (base, log):
        wait_for(lambda: "fig trees" in fetch(f"{base}/about/"))
        about.write_text("Title: About\n\nI write about olive trees.\n", encoding="utf-8")
        wait_for(lambda: "olive trees" in fetch(f"{base}/about/"))
        wait_for(lambda: "Updated about/index.html" in log.read_text())


@pytest.mark.server
def test_a_broken_save_shows_its_error_in_open_tabs_until_fixed(preview):
    source, base, _ = preview
    wait_for(lambda: "tangerine" in fetch(f"{base}/posts/notes/"))
    host, port = base.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=60)
    connection.request("GET", "/__preview/events")
    events = connection.getresponse()
    assert events.readline().startswith(b": connected")
    source.write_text("Title: Notes\nDate: someday\n\nbroken\n", encoding="utf-8")
    while not events.readline().startswith(b"data: reload"):
        pass
    page = wait_for(
        lambda: (p := fetch(f"{base}/posts/notes/")) and "preview-build-error" in p and p
    )
    banner = page.split('id="preview-build-error"', 1)[1].split("</div>", 1)[0]
    assert "The last save did not build." in banner
    assert "notes.md" in banner and "someday" in banner
    assert banner.count("<li>") == 1, banner  # one mistake, one line
    assert page.index("preview-build-error") < page.index("<main") < page.index("tangerine<")
    source.write_text(post("Notes", body="persimmon"), encoding="utf-8")
    wait_for(lambda: "persimmon" in fetch(f"{base}/posts/notes/"))
    wait_for(lambda: "preview-build-error" not in fetch(f"{base}/posts/notes/"))
    connection.close()


@pytest.mark.server
def test_a_site_that_never_built_shows_the_error_instead_of_not_found(tmp_path):
    content = tmp_path / "content"
    write_post(content, "broken.md", "Title: Broken\nDate: someday\n\nText.\n")
    with serving(tmp_path, content) as (base, _):

        def error_page() -> str | None:
            try:
                fetch(f"{base}/posts/broken/")
            except urllib.error.HTTPError as error:
                return error.read().decode() if error.code == 500 else None
            return None

        page = wait_for(error_page)
        assert "The last save did not build." in page and "broken.md" in page


@pytest.mark.server
def test_an_open_tab_shows_a_broken_save_then_the_fixed_page(tmp_path, browser):
    content = tmp_path / "content"
    source = write_post(content, "notes.md", post("Notes", body="tangerine"))
    with serving(tmp_path, content) as (base, _):
        wait_for(lambda: "tangerine" in fetch(f"{base}/posts/notes/"))
        tab = browser.new_page()
        try:
            tab.goto(f"{base}/posts/notes/")
            tab.wait_for_function("window.EventSource && document.readyState === 'complete'")
            source.write_text("Title: Notes\nDate: someday\n\nbroken\n", encoding="utf-8")
            banner = tab.wait_for_selector("#preview-build-error", timeout=30_000)
            assert "someday" in banner.inner_text()
            # Readable in the light scheme: the message is not white on the theme's pale box.
            message, background = tab.evaluate(BANNER_COLOURS, "#preview-build-error")
            assert contrast(message, background) >= 7
            source.write_text(post("Notes", body="persimmon"), encoding="utf-8")
            tab.wait_for_selector("#preview-build-error", state="detached", timeout=30_000)
            tab.wait_for_selector("text=persimmon", timeout=30_000)
        finally:
            tab.close()


# The colour of the banner's first message, and of the box behind it (its own or the banner's).
BANNER_COLOURS = """(banner) => {
  const parse = (value) => value.match(/[\\d.]+/g).map(Number);
  const code = document.querySelector(`${banner} code`);
  const own = getComputedStyle(code).backgroundColor;
  const behind = parse(own)[3] === 0 || own === "transparent"
    ? getComputedStyle(document.querySelector(banner)).backgroundColor : own;
  return [parse(getComputedStyle(code).color), parse(behind)];
}"""


def save_by_rename(path: Path, text: str) -> None:
    """Save as many editors do: a new file renamed over the old one."""
    temporary = path.with_name(f".{path.name}.swp")
    temporary.write_text(text, encoding="utf-8")
    os.replace(temporary, path)


@pytest.mark.server
def test_settings_saved_by_renaming_are_picked_up_every_time(preview, tmp_path):
    _, base, _ = preview
    wait_for(lambda: "tangerine" in fetch(f"{base}/posts/notes/"))
    settings = tmp_path / "site_preview.py"
    original = settings.read_text(encoding="utf-8")
    for subtitle in ("Walking slowly", "Resting often", "Pacing always", "Sleeping more"):
        save_by_rename(settings, original + f"SITESUBTITLE = {subtitle!r}\n")
        wait_for(lambda subtitle=subtitle: subtitle in fetch(f"{base}/"))


@pytest.mark.build
def test_a_time_zone_that_does_not_exist_is_named_with_the_setting(tmp_path):
    content = tmp_path / "content"
    write_post(content, "notes.md", post("Notes"))
    result = build(write_settings(tmp_path, content, TIMEZONE="Europe/Berln"))
    assert result.returncode != 0
    assert "TIMEZONE 'Europe/Berln' is not a time zone (did you mean 'Europe/Berlin'?)" in (
        result.stderr
    )


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_both_banners_are_readable_over_the_theme(browser, scheme):
    stylesheet = (ROOT / "theme" / "static" / "css" / "style.css").read_text()
    for banner, page in (
        ("#preview-build-error", with_reload_script("<body><p>Hi</p></body>", ["a.md: bad"])),
        ("#preview-settings-warning", with_reload_script("<body></body>", [], ["SITE_NAME …"])),
    ):
        tab = browser.new_page(color_scheme=scheme)
        tab.set_content(page.replace("<body", f"<style>{stylesheet}</style><body", 1))
        message, background = tab.evaluate(BANNER_COLOURS, banner)
        tab.close()
        assert contrast(message, background) >= 7, banner


@pytest.mark.server
def test_a_blog_s_own_templates_and_plugins_rebuild_the_preview_when_saved(tmp_path):
    blog = tmp_path / "blog"
    answers = ("Slow Days", "Mira", "", "https://slowdays.blog", "UTC")
    make_blog(blog, checked(*answers), str(tmp_path / "releases"))
    plugin = blog / "plugins" / "stamp" / "__init__.py"
    plugin.parent.mkdir()
    stamp = (
        "from pathlib import Path\n\nfrom pelican import signals\n\n\n"
        "def write(pelican):\n"
        "    (Path(pelican.output_path) / 'stamp.txt').write_text({!r})\n\n\n"
        "def register():\n    signals.finalized.connect(write)\n"
    )
    plugin.write_text(stamp.format("first"), encoding="utf-8")
    with (blog / "pelicanconf.py").open("a", encoding="utf-8") as settings:
        settings.write('PLUGINS = [*PLUGINS, "stamp"]\n')
    port = free_port()
    # As `make devserver` runs it: in the blog's folder, with its settings.
    with (tmp_path / "preview.log").open("w") as log:
        server = subprocess.Popen(
            [sys.executable, "-m", "pathways", "serve", "--port", str(port)],
            cwd=blog,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for(lambda: "first" in fetch(f"{base}/stamp.txt"))
        theme_page = (ROOT / "theme" / "templates" / "404.html").read_text(encoding="utf-8")
        own_page = theme_page.replace("<h1", "<p>Lost? Write to me.</p>\n<h1", 1)
        (blog / "templates" / "404.html").write_text(own_page, encoding="utf-8")
        wait_for(lambda: "Lost? Write to me." in fetch(f"{base}/404.html"))
        plugin.write_text(stamp.format("second"), encoding="utf-8")
        wait_for(lambda: "second" in fetch(f"{base}/stamp.txt"))
    finally:
        server.terminate()
        server.wait(timeout=10)
