"""Counts leave the server, readers' data does not: nginx with the shipped site config writes
the site's own log, the shipped timer's unit (`server/pathways-views.service`) counts it as a
user of its own with the `adm` group only, the comment service (its shipped unit) serves the
counts behind the token, and `make publish` on the writer's laptop fetches them and builds a
widget that ranks the posts as `pathways views report` on the server's log does, with no
reader's address or user agent anywhere on the laptop.

No systemd runs here as PID 1; the units are run as test_server_unit.py runs the service:
their ExecStart, Environment= and WorkingDirectory= read from the shipped files, as a user
made for the test (DynamicUser=), SupplementaryGroups= given with setpriv. The log is made as
Debian's nginx and logrotate leave it: in a folder and a file of group adm, 0640.
"""

import grp
import os
import re
import shlex
import sqlite3
import subprocess
import urllib.error
import urllib.request
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from bs4 import BeautifulSoup

from pathways.views.daily import DailyCounts
from tests import test_server_unit
from tests.comment_helpers import running_service
from tests.daemons import need, nginx
from tests.sites import free_port, post, run_pathways, write_post, write_settings
from tests.test_server import VIEWS_UNIT, fetch, nginx_site, unit_service
from tests.test_server_unit import (
    SECRETS_FILE,
    as_user,
    can,
    checkouts,
    installed,
    laptop,
    unit,
    wrote_only_its_state,
)

pytestmark = [pytest.mark.build, pytest.mark.server]
# The fixtures of the server's own test: a folder all may enter, a user of the service's own.
work = test_server_unit.work
service_user = test_server_unit.service_user

ZONE = "America/New_York"
BROWSER = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0 Zq9Tab{}"
BOT = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html) Zq9Bot"
OLD_ADDRESS = "/2019/03/pacing.html"
SERVICE_ONLY = ("--port 8081", SECRETS_FILE)


def count_as_the_unit_says(user, replacements: dict[str, str]) -> subprocess.CompletedProcess:
    """The one-shot unit's ExecStart, with its environment, folder and groups."""
    shared = {key: value for key, value in replacements.items() if key not in SERVICE_ONLY}
    service = unit_service(shared, VIEWS_UNIT)
    environment = dict(line.split("=", 1) for line in service["Environment"])
    environment.update(HOME="/", USER=user.pw_name, PATH="/usr/local/bin:/usr/bin:/bin")
    (command,) = service["ExecStart"]
    groups = tuple(" ".join(service["SupplementaryGroups"]).split())
    return subprocess.run(
        as_user(user, shlex.split(command), groups),
        cwd=service["WorkingDirectory"][0],
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )


def widget(page: Path) -> dict[str, list[tuple[str, int]]]:
    """What a reader sees in the Popular Posts widget: each window's posts and views."""
    box = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser").select_one(
        ".popular-posts"
    )
    shown = {}
    for window in box.select("details.popular-window"):
        label = window.summary.get_text(strip=True)
        shown[label] = [
            (
                item.a.get_text(strip=True),
                int(re.search(r"(\d+) views?", item.get_text()).group(1)),
            )
            for item in window.select("li")
        ]
    return shown


def report(text: str) -> dict[str, list[tuple[str, int]]]:
    """The ranking `pathways views report` prints, per window."""
    ranked: dict[str, list[tuple[str, int]]] = {}
    window = None
    for line in text.splitlines():
        if heading := re.match(r"(\S.*) \(\w+\): [\d,]+ views$", line):
            window = ranked.setdefault(heading.group(1), [])
        elif (entry := re.match(r"\s+\d+\.\s+([\d,]+) views\s+(.+)$", line)) and window is not None:
            window.append((entry.group(2), int(entry.group(1).replace(",", ""))))
    return ranked


def test_the_servers_counts_reach_the_laptops_widget_and_readers_data_stays(work, service_user):
    need("rsync", "rsync")
    user = service_user
    port, service_port = free_port(), free_port()
    url = f"http://127.0.0.1:{port}"
    srv = work / "srv" / "blog"
    etc = work / "etc" / "pathways-comments"
    home = work / "home" / "writer"
    home.mkdir(parents=True)
    home.chmod(0o700)
    token_file = home / ".config" / "pathways" / "moderation-token"
    today = datetime.now(ZoneInfo(ZONE)).date().isoformat()

    # nginx's log folder and the site's log as Debian leaves them: root:adm 0750, 0640.
    adm = grp.getgrnam("adm").gr_gid
    logs = work / "log" / "nginx"
    logs.mkdir(parents=True)
    os.chown(logs, 0, adm)
    logs.chmod(0o750)
    log = logs / "blog.access.log"
    log.touch()
    os.chown(log, 0, adm)
    log.chmod(0o640)

    blog = home / "blog"
    content = blog / "content"
    titles = {"pacing": "Pacing", "rest": "Rest", "sleep": "Sleep", "quiet": "Quiet"}
    for slug, title in titles.items():
        extra = {"old_urls": OLD_ADDRESS} if slug == "pacing" else {}
        write_post(content, f"{slug}.md", post(title, summary=f"On {slug}.", **extra))
    shared = {
        "SITEURL": url,
        "TIMEZONE": ZONE,
        "COMMENTS_ENDPOINT": f"{url}/api",
        "COMMENTS_TRUST_PROXY": True,
        "DEPLOY": {"target": "rsync", "destination": str(srv)},
        "CHECK_LIVE_ADDRESSES": False,
        "POPULAR_POSTS_WINDOWS": ["7d", "all"],
        "POPULAR_POSTS_TODAY": today,
        "POPULAR_POSTS_SERVER_LOGS": [f"{logs}/blog.access.log*"],
    }
    settings, server_settings = checkouts(work, content, token_file, shared)
    srv.mkdir(parents=True)
    first = laptop(settings, "publish", "--no-check")
    assert first.returncode == 0, first.stderr
    assert "view counts" not in first.stdout  # no token yet: nothing to fetch from
    home_page = BeautifulSoup((blog / "output" / "index.html").read_text(), "html.parser")
    assert home_page.select_one(".popular-posts h2").get_text(strip=True) == "Recent posts"

    replacements = installed(user, work, server_settings, service_port)
    program = Path(replacements["/srv/pathways/.venv/bin/pathways"])
    assert laptop(settings, "comments", "token").returncode == 0
    command = ["comments", "secret", "moderation-token", "--file", str(etc / "secrets.env")]
    written = subprocess.run(
        [str(program), *command],
        input=token_file.read_text(),
        capture_output=True,
        text=True,
        check=False,
    )
    assert written.returncode == 0, written.stderr
    site = nginx_site(srv / "current", port, service_port, logs)
    with (
        nginx(work / "nginx", site, port),
        unit(work / "service.log", user, replacements, service_port),
    ):
        # Readers: five browsers (one from a search), each post's repeats within 30 minutes,
        # a bot, another host's request, the old address (a redirect) and the service.
        readings = {"pacing": 5, "rest": 3, "sleep": 2, "quiet": 1}
        for slug, readers in readings.items():
            for reader in range(readers):
                agent = {"User-Agent": BROWSER.format(reader)}
                if reader == 0:
                    agent["Referer"] = "https://www.google.com/search?q=long+covid+pacing"
                for _ in range(2):  # a reload: one view
                    response, _ = fetch(
                        url, f"/posts/{slug}/", agent, source=f"127.0.0.{reader + 2}"
                    )
                    assert response.status == 200
        for slug in titles:
            fetch(url, f"/posts/{slug}/", {"User-Agent": BOT}, source="127.0.0.9")
        fetch(url, "/posts/quiet/", {"Host": "other.example", "User-Agent": BROWSER.format(9)})
        moved, _ = fetch(url, OLD_ADDRESS, {"User-Agent": BROWSER.format(8)}, source="127.0.0.8")
        assert moved.status == 301
        fetch(url, "/api/health", {"User-Agent": BROWSER.format(7)}, source="127.0.0.7")

        # The log is the site's own, and only the adm group may read it.
        lines = log.read_text().splitlines()
        assert lines and all(
            re.match(rf"(127\.0\.0\.1|other\.example):{port} ", line) for line in lines
        )
        assert not any("/api/" in line for line in lines)
        assert not can(user, ["cat", str(log)])
        assert can(user, ["cat", str(log)], ("adm",))

        counted = count_as_the_unit_says(user, replacements)
        assert counted.returncode == 0, counted.stderr
        assert "Problem" not in counted.stderr and "Missing" not in counted.stderr

        published = laptop(settings, "publish", "--no-check")
        assert published.returncode == 0, published.stderr
        assert "Fetched the server's view counts" in published.stdout
        assert "/api/" not in log.read_text()  # the counts were fetched through nginx, unlogged

    # The laptop's widget ranks as `views report` on the server's log does.
    ranked = run_pathways(
        "views", "--settings", str(settings), "report", "--source", str(log), "--today", today
    )
    assert ranked.returncode == 0, ranked.stderr
    expected = report(ranked.stdout)
    assert expected["Last 7 days"] == [(titles[slug], views) for slug, views in readings.items()]
    assert expected["All time"] == expected["Last 7 days"]
    assert widget(blog / "output" / "index.html") == expected
    assert widget(srv / "current" / "index.html") == expected  # as nginx serves it

    # Counts only reached the laptop: no reader's address or user agent in any of its files.
    views = (content / "data" / "server-views.csv").read_text()
    assert views.splitlines()[0] == "path,date,views"
    sites = (content / "data" / "server-sites.csv").read_text().splitlines()
    assert sites[1:] == [f"{today},Google,{len(readings)}"]
    traces = ["Zq9Tab", "Zq9Bot", "covid+pacing", *[f"127.0.0.{n}" for n in range(2, 10)]]
    patterns = [f"--regexp={trace}" for trace in traces]
    found = subprocess.run(
        ["grep", "-rlF", *patterns, str(blog), str(logs)], capture_output=True, text=True
    )
    assert found.stdout.splitlines() == [str(log)]  # in the server's log, and only there

    # The units wrote nothing but their state directory.
    owned = wrote_only_its_state(work, user)
    assert work / "state" / "pathways-comments" / "views.sqlite3" in owned


@pytest.mark.build
def test_counts_need_the_token_and_an_answer_that_is_not_counts_changes_nothing(tmp_path):
    """The counts behind the moderation token; a damaged answer (here a database with a row
    that is no count) is refused row by row, leaves the blog's file as it was, stops an
    interactive publish and never a scheduled one."""
    port = free_port()
    content = tmp_path / "content"
    for slug in ("first", "second"):
        write_post(content, f"{slug}.md", post(slug.title(), summary=f"On {slug}."))
    settings = write_settings(
        tmp_path,
        content,
        publish=True,
        CHECK_LIVE_ADDRESSES=False,
        COMMENTS_ENDPOINT=f"http://127.0.0.1:{port}",
        COMMENTS_DB=str(tmp_path / "server" / "comments.sqlite3"),
        DEPLOY={"target": "folder", "path": str(tmp_path / "www")},
        POPULAR_POSTS_TODAY="2024-06-11",
    )
    (tmp_path / "server").mkdir()
    token = {"PATHWAYS_MODERATION_TOKEN": "a-token-of-the-writer"}
    store = DailyCounts(tmp_path / "server" / "views.sqlite3")
    rows = [("/posts/first", "2024-06-10", 2), ("/posts/second", "2024-06-10", 5)]
    with sqlite3.connect(store.path) as db:
        db.executemany("INSERT INTO post_views (path, day, views) VALUES (?, ?, ?)", rows)
    with running_service(settings, None, port=port, env=token) as url:
        refused = urllib.request.Request(f"{url}/views/daily.csv")
        with pytest.raises(urllib.error.HTTPError) as answer:
            urllib.request.urlopen(refused, timeout=10)
        assert answer.value.code == 401

        published = run_pathways("publish", "--settings", str(settings), env=token)
        assert published.returncode == 0, published.stderr
        views = content / "data" / "server-views.csv"
        kept = views.read_text()
        assert kept == "path,date,views\n/posts/first,2024-06-10,2\n/posts/second,2024-06-10,5\n"
        assert widget_titles(tmp_path / "www" / "index.html") == ["Second", "First"]

        with sqlite3.connect(store.path) as db:
            db.execute("INSERT INTO post_views VALUES ('/posts/first', '2024-06-11', 'many')")
        stopped = run_pathways("publish", "--settings", str(settings), env=token)
        assert stopped.returncode == 1
        assert "The server's view counts not fetched" in stopped.stderr
        assert "/views/daily.csv: row 4 is not counts" in stopped.stderr
        assert "PUBLISH_FLAGS=--no-pull" in stopped.stderr
        assert views.read_text() == kept

        scheduled = run_pathways("publish", "--scheduled", "--settings", str(settings), env=token)
        assert scheduled.returncode == 1
        assert "The server's view counts could not be fetched" in scheduled.stderr
        assert "Fetched 0 newly approved comment(s)" in scheduled.stdout
        assert views.read_text() == kept
        assert widget_titles(tmp_path / "www" / "index.html") == ["Second", "First"]


def widget_titles(page: Path) -> list[str]:
    soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
    window = soup.select_one(".popular-posts details") or soup.select_one(".popular-posts")
    return [link.get_text(strip=True) for link in window.select("li a")]
