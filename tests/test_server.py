"""The files a writer installs on her server (`server/`), run for real: nginx with the shipped
site config serves a production build (headers, precompressed copies, old addresses, the 404
page) and passes `/api/` to the comment service, started with the shipped systemd unit's
command line. Only paths, ports and the server name are substituted."""

import gzip
import http.client
import itertools
import json
import os
import shlex
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlencode

import brotli
import pytest

from pathways.comments.store import CommentStore
from pathways.site.deploy import deploy_rsync
from tests.daemons import need, nginx, running
from tests.photos import phone_photo
from tests.sites import ROOT, build, free_port, post, write_post, write_settings

SERVER = ROOT / "server"
NGINX_SITE = SERVER / "nginx-site.conf"
UNIT = SERVER / "pathways-comments.service"
VIEWS_UNIT = SERVER / "pathways-views.service"
OLD_ADDRESS = "/2019/03/my-first-year-with-long-covid.html"


def substitute(text: str, replacements: dict[str, str]) -> str:
    """`text` with each key replaced; each must be there, so a changed file fails loudly."""
    for old, new in replacements.items():
        assert old in text, f"{old!r} is no longer in the shipped file"
        text = text.replace(old, new)
    return text


def nginx_site(root: Path, port: int, service_port: int, logs: Path | None = None) -> str:
    """The shipped site config for `root` on `port`; its access log goes into `logs` (by
    default the folder beside `root`)."""
    return substitute(
        NGINX_SITE.read_text(),
        {
            "/srv/blog/current": str(root),
            "/var/log/nginx/": f"{logs or root.parent}/",
            "listen 80;": f"listen 127.0.0.1:{port};",
            "listen [::]:80;": "",
            "server_name blog.example.org;": "server_name 127.0.0.1;",
            "http://127.0.0.1:8081/": f"http://127.0.0.1:{service_port}/",
        },
    )


def unit_service(replacements: dict[str, str], unit: Path = UNIT) -> dict[str, list[str]]:
    """The `[Service]` section of a shipped unit, substituted: each key with its values."""
    section: dict[str, list[str]] = {}
    current = ""
    for line in substitute(unit.read_text(), replacements).splitlines():
        if line.startswith("["):
            current = line
        elif current == "[Service]" and "=" in line and not line.startswith("#"):
            key, _, value = line.partition("=")
            section.setdefault(key, []).append(value)
    return section


def unit_replacements(checkout: Path, settings: Path, site: Path, state: Path, port: int):
    return {
        "/srv/pathways/.venv/bin/pathways": str(Path(sys.executable).parent / "pathways"),
        "/srv/pathways": str(checkout),
        "publishconf.py": str(settings),
        "/srv/blog/current": str(site),
        "%S": str(state),
        "--port 8081": f"--port {port}",
    }


def test_the_systemd_units_are_valid(tmp_path):
    program = need("systemd-analyze", "systemd")
    service = unit_service({})
    assert service["Restart"] == ["on-failure"] and service["DynamicUser"] == ["yes"]
    assert service["StateDirectory"] == ["pathways-comments"]
    assert {"NoNewPrivileges", "ProtectSystem", "PrivateTmp", "ProtectHome"} <= service.keys()
    # The view counts run as the service's user, in its state directory, with the logs'
    # group, which PrivateUsers= would map away.
    counts = unit_service({}, VIEWS_UNIT)
    assert counts["Type"] == ["oneshot"] and counts["SupplementaryGroups"] == ["adm"]
    for shared in ("DynamicUser", "User", "StateDirectory", "WorkingDirectory", "Environment"):
        assert set(service[shared]) >= set(counts[shared]) - {"PYTHONDONTWRITEBYTECODE=1"}
    assert "PrivateUsers" not in counts and counts["PrivateNetwork"] == ["yes"]
    # `verify` wants the programs and the working directory to exist.
    units = []
    for shipped in (UNIT, VIEWS_UNIT, VIEWS_UNIT.with_suffix(".timer")):
        unit = tmp_path / shipped.name
        unit.write_text(
            shipped.read_text()
            .replace(
                "/srv/pathways/.venv/bin/pathways", str(Path(sys.executable).parent / "pathways")
            )
            .replace("/srv/pathways", str(ROOT))
        )
        units.append(str(unit))
    checked = subprocess.run(
        [program, "verify", *units], capture_output=True, text=True, check=False
    )
    assert (checked.returncode, checked.stderr) == (0, "")


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[dict]:
    """A production build deployed to `srv/blog` (a `current` link), served by nginx."""
    work = tmp_path_factory.mktemp("server")
    port, service_port = free_port(), free_port()
    site_url = f"http://127.0.0.1:{port}"
    content = work / "content"
    long = "Pacing is the skill I learned first, and the one I keep relearning.\n\n" * 30
    write_post(
        content,
        "first-year.md",
        post(
            "My first year with long covid",
            body=long,
            summary="What a year of pacing taught me.",
            tags="pacing",
            old_urls=OLD_ADDRESS,
        ),
    )
    (content / "images").mkdir(parents=True)
    phone_photo(content / "images" / "bench.jpg", size=(900, 600), orientation=1)
    write_post(
        content,
        "rest.md",
        post(
            "Rest",
            "2024-02-01 09:00+00:00",
            summary="On rest.",
            body="![A bench by the river]({static}/images/bench.jpg)\n\nA bench.",
        ),
    )
    (content / "pages").mkdir()
    (content / "pages" / "404.md").write_text((ROOT / "content/pages/404.md").read_text())
    settings = {
        "SITEURL": site_url,
        "COMMENTS_ENDPOINT": f"{site_url}/api",
        "COMMENTS_MIN_SECONDS": 0,
        "COMMENTS_RATE_LIMIT": (2, 600),
    }
    trusting = write_settings(work, content, publish=True, **settings, COMMENTS_TRUST_PROXY=True)
    built = build(trusting)
    assert built.returncode == 0, built.stderr
    root = work / "srv" / "blog"
    root.mkdir(parents=True)
    deploy_rsync(work / "output", str(root))
    (work / "logs").mkdir()
    not_trusting = work / "not_trusting.py"
    not_trusting.write_text(trusting.read_text() + "COMMENTS_TRUST_PROXY = False\n")
    with nginx(
        work / "nginx", nginx_site(root / "current", port, service_port, work / "logs"), port
    ) as url:
        yield {
            "url": url,
            "site": root / "current",
            "service_port": service_port,
            "work": work,
            "settings": {True: trusting, False: not_trusting},
        }


@contextmanager
def comment_service(server: dict, trust_proxy: bool) -> Iterator[Path]:
    """The comment service as the shipped unit starts it; yields its database."""
    state = server["work"] / f"state-{trust_proxy}-{free_port()}"
    (state / "pathways-comments").mkdir(parents=True)  # systemd makes the StateDirectory
    settings = server["settings"][trust_proxy]
    service = unit_service(
        unit_replacements(ROOT, settings, server["site"], state, server["service_port"])
    )
    environment = dict(line.split("=", 1) for line in service["Environment"])
    # uvicorn believes X-Forwarded-For from loopback by default; trust no address instead,
    # so the service sees only what COMMENTS_TRUST_PROXY tells it to.
    environment["FORWARDED_ALLOW_IPS"] = "192.0.2.1"
    (command,) = service["ExecStart"]
    with running(
        shlex.split(command),
        server["service_port"],
        state / "service.log",
        cwd=service["WorkingDirectory"][0],
        env={**os.environ, **environment},
    ):
        yield Path(environment["PATHWAYS_COMMENTS_DB"])


def fetch(
    url: str,
    path: str,
    headers: dict | None = None,
    *,
    source: str = "127.0.0.1",
    method: str = "GET",
    body: str | None = None,
) -> tuple[http.client.HTTPResponse, bytes]:
    """One request to nginx from the loopback address `source`: its response and body."""
    host, port = url.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), source_address=(source, 0))
    connection.request(method, path, body=body, headers=headers or {})
    response = connection.getresponse()
    body = response.read()
    connection.close()
    return response, body


@pytest.mark.build
@pytest.mark.server
def test_pages_and_assets_are_served_with_the_security_headers(server):
    url, site = server["url"], server["site"]
    stylesheet = next(site.glob("theme/css/*.css")).relative_to(site)
    for path, kind in (
        ("/", "text/html"),
        ("/posts/my-first-year-with-long-covid/", "text/html"),
        (f"/{stylesheet}", "text/css"),
        (
            f"/{next(site.glob('theme/js/comments.*.js')).relative_to(site)}",
            "application/javascript",
        ),
        ("/feeds/all.atom.xml", "text/xml"),
    ):
        response, _ = fetch(url, path)
        assert response.status == 200, path
        assert response.getheader("Content-Type").startswith(kind), path
        policy = response.getheader("Content-Security-Policy")
        assert "default-src 'self'" in policy and "frame-ancestors 'none'" in policy, path
        assert f"form-action 'self' {url}" in policy
        assert response.getheader("X-Content-Type-Options") == "nosniff"
        assert response.getheader("Referrer-Policy") == "strict-origin-when-cross-origin"
        assert response.getheader("X-Frame-Options") == "DENY"
        assert "camera=()" in response.getheader("Permissions-Policy")
    response, _ = fetch(url, f"/{stylesheet}")
    assert response.getheader("Cache-Control") == "public, max-age=31536000, immutable"


@pytest.mark.build
@pytest.mark.server
def test_a_photos_copies_named_by_content_are_kept_a_year_and_the_original_a_month(server):
    url, site = server["url"], server["site"]
    copies = sorted(site.glob("images/bench.*-*.*"))
    assert copies
    for copy in copies:
        response, _ = fetch(url, f"/{copy.relative_to(site)}")
        assert response.status == 200, copy.name
        assert response.getheader("Cache-Control") == "public, max-age=31536000, immutable"
    response, _ = fetch(url, "/images/bench.jpg")
    assert response.getheader("Cache-Control") == "public, max-age=2592000"


@pytest.mark.build
@pytest.mark.server
def test_browsers_ask_again_for_a_page_so_an_edited_post_shows_at_once(server):
    # A page unchanged since an old release keeps its time: with no rule, a browser would
    # keep it for a tenth of its age without asking, and miss an edit made since.
    url = server["url"]
    for path in ("/", "/posts/my-first-year-with-long-covid/", "/404.html"):
        response, _ = fetch(url, path)
        assert response.getheader("Cache-Control") == "no-cache", path
    response, _ = fetch(url, "/posts/my-first-year-with-long-covid/")
    response, body = fetch(
        url,
        "/posts/my-first-year-with-long-covid/",
        {"If-None-Match": response.getheader("ETag")},
    )
    assert (response.status, body) == (304, b"")


@pytest.mark.build
@pytest.mark.server
def test_precompressed_copies_go_to_clients_that_ask_for_them(server):
    url, site = server["url"], server["site"]
    page = "posts/my-first-year-with-long-covid/"
    stylesheet = next(site.glob("theme/css/*.css")).relative_to(site)
    for path, file in ((page, site / page / "index.html"), (stylesheet, site / stylesheet)):
        original = file.read_bytes()
        response, body = fetch(url, f"/{path}", {"Accept-Encoding": "gzip"})
        assert response.getheader("Content-Encoding") == "gzip", path
        assert response.getheader("Vary") == "Accept-Encoding"
        assert gzip.decompress(body) == original
        response, body = fetch(url, f"/{path}", {"Accept-Encoding": "br"})
        assert response.getheader("Content-Encoding") == "br", path
        assert brotli.decompress(body) == original
        assert len(body) < len(original) / 2
        response, body = fetch(url, f"/{path}")
        assert response.getheader("Content-Encoding") is None and body == original


@pytest.mark.build
@pytest.mark.server
def test_old_blogger_addresses_are_answered_with_a_301(server):
    url = server["url"]
    response, _ = fetch(url, OLD_ADDRESS)
    assert response.status == 301
    assert response.getheader("Location") == f"{url}/posts/my-first-year-with-long-covid/"
    response, _ = fetch(url, "/search/label/pacing")
    assert (response.status, response.getheader("Location")) == (301, f"{url}/tags/pacing/")
    for old, new in (("/2024/02/", "/archives/2024/02/"), ("/2024/", "/archives/2024/")):
        response, _ = fetch(url, old)
        assert (response.status, response.getheader("Location")) == (301, f"{url}{new}"), old
        response, body = fetch(url, new)
        assert response.status == 200 and b"Rest" in body, new


@pytest.mark.build
@pytest.mark.server
def test_feed_readers_subscribed_on_blogger_are_sent_to_the_new_feeds(server):
    url = server["url"]
    for old, new in (
        ("/feeds/posts/default", "/feeds/all.atom.xml"),
        ("/feeds/posts/default?alt=rss", "/feeds/all.atom.xml"),
        ("/atom.xml", "/feeds/all.atom.xml"),
        ("/rss.xml", "/feeds/all.rss.xml"),
        ("/feeds/posts/default/-/pacing", "/feeds/tag/pacing.atom.xml"),
    ):
        response, _ = fetch(url, old)
        assert (response.status, response.getheader("Location")) == (301, f"{url}{new}"), old
        response, body = fetch(url, new)
        assert response.status == 200 and body.startswith(b"<?xml"), new
    assert not (server["site"] / "feeds" / "posts").exists()  # no page a reader could land on


@pytest.mark.build
@pytest.mark.server
def test_a_missing_page_gets_the_404_page_with_status_404(server):
    response, body = fetch(server["url"], "/posts/no-such-post/")
    assert response.status == 404
    assert body == (server["site"] / "404.html").read_bytes()
    assert "default-src 'self'" in response.getheader("Content-Security-Policy")


@pytest.mark.build
@pytest.mark.server
def test_the_sites_server_configuration_is_not_served(server):
    for name in ("nginx-headers.conf", "nginx-redirects.map", "_headers", "_redirects"):
        assert (server["site"] / name).is_file()
        response, body = fetch(server["url"], f"/{name}")
        assert response.status == 404
        assert body == (server["site"] / "404.html").read_bytes()


@pytest.mark.build
@pytest.mark.server
def test_a_reader_comments_through_nginx_to_the_service(server, browser):
    url = server["url"]
    with comment_service(server, trust_proxy=True) as database:
        response, body = fetch(url, "/api/health")
        assert response.status == 200 and json.loads(body)["status"] == "ok"

        # Without JavaScript the form posts to the service, which sends the reader back to
        # the post on the live site (SITEURL of the production settings the unit loads).
        without_js = browser.new_context(java_script_enabled=False)
        page = without_js.new_page()
        page.goto(f"{url}/posts/my-first-year-with-long-covid/")
        page.get_by_label("Name", exact=True).fill("Bo")
        page.get_by_label("Comment", exact=True).fill("Thank you for this.")
        page.get_by_role("button", name="Send for moderation").click()
        page.wait_for_url(f"{url}/posts/my-first-year-with-long-covid/#comment-pending")
        assert page.locator("#comment-pending").is_visible()
        without_js.close()

        context = browser.new_context()
        page = context.new_page()
        problems = []
        page.on("console", lambda message: problems.append(message.text))
        page.on("pageerror", lambda error: problems.append(str(error)))
        page.goto(f"{url}/posts/my-first-year-with-long-covid/")
        page.get_by_label("Name", exact=True).fill("Ana")
        page.get_by_label("Comment", exact=True).fill("Pacing saved my winter too.")
        publish = page.get_by_role("button", name="Send for moderation")
        # The minified page drops `type="submit"`: the button is still styled as one.
        assert publish.evaluate("b => getComputedStyle(b).borderTopStyle") == "none"
        publish.click()
        page.locator(".form-status").filter(has_text="awaiting moderation").wait_for()
        context.close()
        assert problems == []

        stored = CommentStore(database).list("pending")
        assert sorted(item.comment.author for item in stored) == ["Ana", "Bo"]
        assert {item.comment.post_slug for item in stored} == {"my-first-year-with-long-covid"}


COMMENT_NUMBERS = itertools.count(1)


def send_comment(url: str, source: str, headers: dict | None = None) -> int:
    """A new comment (its own text: the service takes a resent one for the first) from the
    loopback address `source`, through nginx; the status the service answered."""
    form = {"post": "rest", "author": "Bo", "body": f"Same here, {next(COMMENT_NUMBERS)}."}
    response, _ = fetch(
        url,
        "/api/comments",
        {
            "Content-Type": "application/x-www-form-urlencoded",
            "Accept": "application/json",
            "Origin": url,
            **(headers or {}),
        },
        source=source,
        method="POST",
        body=urlencode(form),
    )
    return response.status


@pytest.mark.build
@pytest.mark.server
def test_the_service_rate_limits_by_the_address_nginx_passes_when_told_to_trust_it(server):
    url = server["url"]
    with comment_service(server, trust_proxy=True):
        assert [send_comment(url, "127.0.0.2") for _ in range(3)] == [202, 202, 429]
        # A reader cannot pretend to be someone else: nginx replaces the header.
        assert send_comment(url, "127.0.0.2", {"X-Forwarded-For": "203.0.113.7"}) == 429
        assert send_comment(url, "127.0.0.3") == 202
    with comment_service(server, trust_proxy=False):
        # Without trusting nginx's header, every reader is nginx itself: one shared limit.
        assert [send_comment(url, "127.0.0.2") for _ in range(2)] == [202, 202]
        assert send_comment(url, "127.0.0.3") == 429


@pytest.mark.build
@pytest.mark.server
def test_nginx_starts_on_a_site_with_no_old_addresses(tmp_path):
    content = tmp_path / "content"
    write_post(content, "hello.md", post("Hello", summary="A first post."))
    settings = write_settings(tmp_path, content, publish=True, REDIRECTS_BLOGGER_LABELS=False)
    assert build(settings).returncode == 0
    port = free_port()
    site = nginx_site(tmp_path / "output", port, free_port())
    with nginx(tmp_path / "nginx", site, port) as url:
        response, _ = fetch(url, "/posts/hello/")
        assert response.status == 200


@pytest.mark.build
@pytest.mark.server
def test_behind_nginx_the_service_sends_one_policy_and_nothing_of_it_is_logged(server):
    url = server["url"]
    with comment_service(server, trust_proxy=True):
        response, _ = fetch(url, "/api/health")
        assert send_comment(url, "127.0.0.4", {"User-Agent": "Zq9Agent"}) == 202
        link, _ = fetch(url, "/api/moderation/link/x?expires=1&signature=secret-signature")
        assert link.status == 404
    fetch(url, "/posts/my-first-year-with-long-covid/")
    for name in ("Referrer-Policy", "Content-Security-Policy", "X-Frame-Options"):
        values = [
            value for header, value in response.getheaders() if header.lower() == name.lower()
        ]
        assert len(values) == 1, (name, values)
    assert response.getheader("Referrer-Policy") == "no-referrer"
    assert "default-src 'none'" in response.getheader("Content-Security-Policy")
    assert response.getheader("Cache-Control") == "no-store"
    log = (server["work"] / "logs" / "blog.access.log").read_text()
    # The site's pages are logged in its own log, with its host first, and nowhere else.
    assert f"127.0.0.1:{url.rsplit(':', 1)[1]} 127.0.0.1 - - [" in log
    assert "/posts/my-first-year-with-long-covid/" in log
    assert "/posts/" not in (server["work"] / "nginx" / "access.log").read_text()
    for trace in ("/api/", "127.0.0.4", "Zq9Agent", "secret-signature"):
        assert trace not in log, trace


@pytest.mark.build
@pytest.mark.server
def test_nginx_starts_on_a_label_spelled_with_capitals_and_sends_both_spellings_on(tmp_path):
    """nginx's map ignores case: the two spellings of a label's old address are one key."""
    content = tmp_path / "content"
    write_post(content, "hello.md", post("Hello", summary="A first post.", tags="Long Covid"))
    port = free_port()
    settings = write_settings(tmp_path, content, publish=True, SITEURL=f"http://127.0.0.1:{port}")
    assert build(settings).returncode == 0
    site = nginx_site(tmp_path / "output", port, free_port())
    with nginx(tmp_path / "nginx", site, port) as url:
        for spelling in ("Long%20Covid", "long%20covid"):
            response, _ = fetch(url, f"/search/label/{spelling}")
            assert response.status == 301, spelling
            assert response.getheader("Location") == f"{url}/tags/long-covid/"
