"""The service's secrets: written on the server by a command, never in a settings file, and a
moderation token missing or different on the server is named as the server's to fix."""

import json
import stat
import subprocess
import sys
import urllib.request
from urllib.parse import urlencode

import pytest

from pathways.comments.credentials import SECRETS, quoted
from pathways.site.checks import check_site
from tests.comment_helpers import environment_file, running_service
from tests.servers import mail_server
from tests.sites import ROOT, build, post, run_pathways, write_post, write_settings

# Seconds each (the command line in a process of its own, or many inputs): left out of
# `make test-fast`.
pytestmark = pytest.mark.slow


def write_secret(file, name: str, value: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "pathways", "comments", "secret", name, "--file", str(file)],
        input=value,
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )


def test_the_secret_command_writes_a_file_only_its_owner_reads(tmp_path):
    file = tmp_path / "etc" / "secrets.env"
    assert write_secret(file, "moderation-token", "tok-1\n").returncode == 0
    hard = 'pa"ss $HOME `x` \\n'
    written = write_secret(file, "smtp-password", hard + "\n")
    assert written.returncode == 0, written.stderr
    assert "sudo systemctl restart pathways-comments" in written.stdout
    assert stat.S_IMODE(file.stat().st_mode) == 0o600
    assert environment_file(file.read_text()) == {
        "PATHWAYS_MODERATION_TOKEN": "tok-1",
        "PATHWAYS_SMTP_PASSWORD": hard,
    }
    # A new token replaces the old line; the password stays.
    assert write_secret(file, "moderation-token", "tok-2").returncode == 0
    assert environment_file(file.read_text())["PATHWAYS_MODERATION_TOKEN"] == "tok-2"
    assert len(file.read_text().splitlines()) == 2
    refused = write_secret(file, "moderation-token", "a\x1b[2Jb")
    assert refused.returncode == 1 and "control characters" in refused.stderr
    assert environment_file(file.read_text())["PATHWAYS_MODERATION_TOKEN"] == "tok-2"


def test_every_registered_secret_round_trips_through_the_quoting():
    for value in ('"', "\\", "$1", "`", "plain"):
        assert environment_file(f"X={quoted(value)}") == {"X": value}
    assert {secret.variable for secret in SECRETS.values()} >= {
        "PATHWAYS_MODERATION_TOKEN",
        "PATHWAYS_SMTP_PASSWORD",
    }


@pytest.mark.build
def test_a_password_in_a_settings_file_fails_the_check(tmp_path):
    content = tmp_path / "content"
    write_post(content, "hello.md", post("Hello", summary="A first post."))
    smtp = {"host": "mail.example.org", "username": "me", "password": "hunter2", "to": "me@x.org"}
    settings = write_settings(tmp_path, content, publish=True, COMMENTS_SMTP=smtp)
    assert build(settings).returncode == 0
    checked = run_pathways("check", "--skip-html", "--settings", str(settings))
    assert checked.returncode == 1
    assert "COMMENTS_SMTP holds a 'password'" in checked.stderr + checked.stdout
    assert "comments secret smtp-password" in checked.stderr + checked.stdout
    without = {key: value for key, value in smtp.items() if key != "password"}
    settings = write_settings(tmp_path, content, publish=True, COMMENTS_SMTP=without)
    from pathways.site.build import load_settings

    problems = check_site(tmp_path / "output", load_settings(settings), None, False, settings)
    assert not [problem for problem in problems if "password" in problem.message]


@pytest.fixture
def served(tmp_path, production_site):
    """A service with the moderation token `server-token` (or none), and the laptop's
    settings pointing at it."""

    def start(token: str | None):
        settings = tmp_path / "server" / "service.py"
        settings.parent.mkdir()
        settings.write_text(
            f"from publishconf import *\nPATH = {str(ROOT / 'content')!r}\n"
            f"COMMENTS_TOKEN_FILE = {str(tmp_path / 'none')!r}\n"
            f"COMMENTS_DB = {str(tmp_path / 'comments.sqlite3')!r}\n"
        )
        environment = {"PATHWAYS_MODERATION_TOKEN": token or ""}
        log = (tmp_path / "service.log").open("w")
        return running_service(settings, production_site, log=log, env=environment)

    return start


def laptop(tmp_path, url: str, *args: str) -> subprocess.CompletedProcess:
    settings = tmp_path / "laptop" / "laptop.py"
    settings.parent.mkdir()
    settings.write_text(
        f"from publishconf import *\nPATH = {str(ROOT / 'content')!r}\n"
        f"COMMENTS_ENDPOINT = {url!r}\n"
        f"COMMENTS_TOKEN_FILE = {str(tmp_path / 'laptop-token')!r}\n"
    )
    (tmp_path / "laptop-token").write_text("laptop-token\n")
    environment = {"PATHWAYS_MODERATION_TOKEN": ""}
    return run_pathways("comments", "--settings", str(settings), *args, env=environment)


@pytest.mark.build
@pytest.mark.server
def test_a_service_without_a_token_says_so_and_the_laptop_is_told_what_to_fix(tmp_path, served):
    with served(None) as url:
        result = laptop(tmp_path, url, "list")
    assert result.returncode == 1
    assert "has no moderation token, so moderation is off there" in result.stderr
    assert "on the server 127.0.0.1" in result.stderr
    assert "/etc/pathways-comments/secrets.env" in result.stderr
    assert "comments secret moderation-token" in result.stderr
    log = (tmp_path / "service.log").read_text()
    assert '"moderation is off: no moderation token in $PATHWAYS_MODERATION_TOKEN' in log


@pytest.mark.build
@pytest.mark.server
def test_a_token_that_differs_on_the_server_names_both_places(tmp_path, served):
    with served("server-token") as url:
        result = laptop(tmp_path, url, "list")
    assert result.returncode == 1
    assert f"COMMENTS_TOKEN_FILE {tmp_path / 'laptop-token'}" in result.stderr
    assert "the server has another one" in result.stderr
    assert "/etc/pathways-comments/secrets.env" in result.stderr


@pytest.mark.build
@pytest.mark.server
# A login without TLS, which the test's mail server on loopback allows (and warns of).
@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")
def test_the_mail_servers_password_comes_from_the_services_environment(tmp_path, production_site):
    with mail_server(login=True) as mailbox:
        smtp = {"host": "127.0.0.1", "port": mailbox.port, "username": "writer", "to": "w@x.org"}
        settings = tmp_path / "server" / "service.py"
        settings.parent.mkdir()
        settings.write_text(
            f"from publishconf import *\nPATH = {str(ROOT / 'content')!r}\n"
            f"COMMENTS_DB = {str(tmp_path / 'comments.sqlite3')!r}\nCOMMENTS_MIN_SECONDS = 0\n"
            f"COMMENTS_SMTP = {smtp!r}\nCOMMENTS_ALLOWED_ORIGINS = ['https://blog.example.org']\n"
        )
        slug = next(
            iter(json.loads((production_site / "comments/posts.json").read_text())["posts"])
        )
        env = {"PATHWAYS_SMTP_PASSWORD": "from-the-environment"}
        with running_service(settings, production_site, env=env) as url:
            request = urllib.request.Request(
                f"{url}/comments",
                data=urlencode({"post": slug, "author": "Ana", "body": "Hello."}).encode(),
                headers={
                    "Content-Type": "application/x-www-form-urlencoded",
                    "Accept": "application/json",
                    "Origin": "https://blog.example.org",
                },
            )
            with urllib.request.urlopen(request, timeout=10) as response:
                assert response.status == 202
            mailbox.wait(1)
    assert mailbox.logins == [("writer", "from-the-environment")]
