"""The production output: reproducible, precompressed, and with host headers whose strict
Content-Security-Policy the theme satisfies in a real browser."""

import gzip
import hashlib
import shutil
from pathlib import Path

import brotli
import pytest

from tests.servers import serve_with_headers
from tests.sites import (
    COMMENTS_URL,
    FIXTURES,
    ROOT,
    build,
    fixture_content,
    free_port,
    write_settings,
)


@pytest.mark.build
def test_two_production_builds_are_byte_identical(tmp_path, production_site):
    content = fixture_content(tmp_path)
    settings = write_settings(tmp_path, content, publish=True, COMMENTS_ENDPOINT=COMMENTS_URL)
    assert build(settings).returncode == 0
    again = tmp_path / "output"
    first = {
        p.relative_to(production_site): p.read_bytes()
        for p in production_site.rglob("*")
        if p.is_file()
    }
    second = {p.relative_to(again): p.read_bytes() for p in again.rglob("*") if p.is_file()}
    assert first.keys() == second.keys()
    assert [name for name in first if first[name] != second[name]] == []


def test_text_files_have_gzip_and_brotli_copies(production_site):
    page = production_site / "posts" / "ketamine" / "index.html"
    original = page.read_bytes()
    assert gzip.decompress(page.with_name("index.html.gz").read_bytes()) == original
    assert brotli.decompress(page.with_name("index.html.br").read_bytes()) == original
    assert list((production_site / "theme" / "css").glob("style.*.css.br"))


def test_host_configuration_carries_security_headers(production_site):
    headers = (production_site / "_headers").read_text()
    for name in ("Content-Security-Policy", "Referrer-Policy", "X-Content-Type-Options",
                 "Permissions-Policy"):  # fmt: skip
        assert f"  {name}: " in headers
    assert "form-action 'self' http://127.0.0.1:9" in headers
    nginx = (production_site / "nginx-headers.conf").read_text()
    assert 'add_header Content-Security-Policy "default-src' in nginx


def headers_for(site: Path) -> dict[str, str]:
    """The `/*` block of a `_headers` file."""
    block, headers = None, {}
    for line in (site / "_headers").read_text().splitlines():
        if not line.startswith(" "):
            block = line
        elif block == "/*":
            name, value = line.strip().split(": ", 1)
            headers[name] = value
    return headers


@pytest.fixture
def strict_site(tmp_path):
    """A production build served on 127.0.0.1 with the headers it asks its host to send."""
    port = free_port()
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    # A post with a table whose columns are aligned (and footnotes, code …).
    shutil.copy(FIXTURES / "everything.md", content / "posts")
    settings = write_settings(tmp_path, content, publish=True, SITEURL=f"http://127.0.0.1:{port}")
    assert build(settings).returncode == 0
    url, server = serve_with_headers(tmp_path / "output", port, headers_for(tmp_path / "output"))
    yield url
    server.shutdown()
    server.server_close()


@pytest.mark.sample
@pytest.mark.build
def test_the_theme_satisfies_its_content_security_policy(browser, strict_site):
    context = browser.new_context()
    page = context.new_page()
    messages = []
    page.on("console", lambda message: messages.append(message.text))
    for path in ("/", "/posts/ketamine/", "/glossary/", "/posts/everything-in-one-post/"):
        page.goto(strict_site + path)
    # The table's aligned columns are aligned under the policy (classes, not style attributes).
    cell = page.locator(".post-body td.align-right").first
    assert cell.evaluate("(td) => getComputedStyle(td).textAlign") == "right"
    page.get_by_role("button", name="Dark theme").click()
    page.goto(strict_site + "/search/?q=rabbit")
    page.locator(".search-results li").first.wait_for()
    context.close()
    assert [m for m in messages if "Content Security Policy" in m or "Refused" in m] == []


def test_theme_files_are_named_by_their_content_and_cached_for_a_year(production_site):
    page = (production_site / "posts" / "ketamine" / "index.html").read_text()
    sheet = next((production_site / "theme" / "css").glob("style.*.css"))
    digest = sheet.name.split(".")[1]
    assert hashlib.sha256(sheet.read_bytes()).hexdigest()[:10] == digest
    assert f"/theme/css/{sheet.name}" in page and "/theme/css/style.css" not in page
    assert not (production_site / "theme" / "css" / "style.css").exists()
    assert (
        "/theme/*\n  Cache-Control: public, max-age=31536000, immutable"
        in (production_site / "_headers").read_text()
    )


def test_pages_and_stylesheets_are_minified(production_site):
    page = (production_site / "posts" / "ketamine" / "index.html").read_text()
    assert "\n  <" not in page
    sheet = next((production_site / "theme" / "css").glob("style.*.css")).read_text()
    assert "\n" not in sheet.strip() and "/*" not in sheet


def test_precompressed_copies_are_made_for_text_files_only(production_site):
    assert (production_site / "sitemap.xml.gz").exists()
    assert (
        not list(production_site.rglob("*.map.gz"))
        and not (production_site / "_headers.gz").exists()
    )
    small = [p for p in production_site.rglob("*.gz") if p.with_suffix("").stat().st_size < 256]
    assert small == []
