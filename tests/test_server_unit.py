"""The comment server as a writer installs it, in the README's order, run from the shipped
systemd unit itself: its ExecStart, Environment= and EnvironmentFile= are read from
`server/pathways-comments.service` and the service runs as a user made for the test, as
DynamicUser= does, behind nginx with the shipped site config; the writer moderates from a
second checkout (her laptop); then an unattended publish with the service stopped still
deploys.

No systemd runs here as PID 1, so the test imitates what it would do (the README lists it):
- DynamicUser=: a system user of its own, made with useradd, removed after;
- StateDirectory= (mode 0700): the only folder that user owns and may write; everything
  else it sees is root's and read-only to it, as under ProtectSystem=strict;
- ProtectHome=: the writer's home (her token) is a folder only root may enter;
- EnvironmentFile=: read by the test as root (systemd reads it before it drops privileges),
  from a file only root can read;
- the environment systemd gives a service with User= (HOME, PATH), nothing else.
"""

import os
import pwd
import secrets
import shlex
import shutil
import stat
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlencode

import pytest

from tests.comment_helpers import environment_file
from tests.daemons import need, nginx, running
from tests.sites import ROOT, free_port, post, run_pathways, write_post, write_settings
from tests.test_server import fetch, nginx_site, unit_service

pytestmark = [pytest.mark.build, pytest.mark.server]

SECRETS_FILE = "/etc/pathways-comments/secrets.env"


@pytest.fixture
def work() -> Iterator[Path]:
    """A folder every user may enter (pytest's own are root's only)."""
    folder = Path(tempfile.mkdtemp(prefix="pathways-unit-"))
    folder.chmod(0o755)
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def service_user() -> Iterator[pwd.struct_passwd]:
    """A system user made for the test, as systemd's DynamicUser= makes one."""
    if os.geteuid() != 0:
        pytest.skip("runs the service as a user of its own: needs root to make one (useradd)")
    need("useradd", "passwd")
    need("setpriv", "util-linux")
    name = f"pwc-{secrets.token_hex(4)}"
    subprocess.run(
        ["useradd", "--system", "--user-group", "--no-create-home", "--home-dir", "/",
         "--shell", "/usr/sbin/nologin", name],
        check=True,
    )  # fmt: skip
    try:
        yield pwd.getpwnam(name)
    finally:
        subprocess.run(["userdel", name], check=False)


def as_user(user: pwd.struct_passwd, command: list[str], groups: tuple[str, ...] = ()) -> list[str]:
    """`command` run as `user`, with `groups` (SupplementaryGroups=) and no other."""
    supplementary = f"--groups={','.join(groups)}" if groups else "--clear-groups"
    return [
        "setpriv", f"--reuid={user.pw_uid}", f"--regid={user.pw_gid}", supplementary,
        "--no-new-privs", "--", *command,
    ]  # fmt: skip


def can(user: pwd.struct_passwd, command: list[str], groups: tuple[str, ...] = ()) -> bool:
    run = subprocess.run(as_user(user, command, groups), capture_output=True, check=False)
    return run.returncode == 0


def program_for(user: pwd.struct_passwd, work: Path) -> Path:
    """`pathways` as installed in /srv/pathways/.venv on a server: a Python the service user
    may run, with this checkout's packages (its own venv may sit in root's home)."""
    version = f"python{sys.version_info.major}.{sys.version_info.minor}"
    interpreter = next(
        (
            candidate
            for candidate in (Path(sys.executable).resolve(), Path("/usr/bin") / version)
            if candidate.exists() and can(user, [str(candidate), "-c", "pass"])
        ),
        None,
    )
    if interpreter is None:
        pytest.skip(f"no {version} that a user other than root may run")
    venv = work / "venv"
    subprocess.run([str(interpreter), "-m", "venv", "--without-pip", str(venv)], check=True)
    packages = ROOT / ".venv" / "lib" / version / "site-packages"
    site = venv / "lib" / version / "site-packages"
    (site / "checkout.pth").write_text(f"import site; site.addsitedir({str(packages)!r})\n")
    program = venv / "bin" / "pathways"
    program.write_text(
        f"#!{venv}/bin/python\nimport sys\nfrom pathways.cli import main\nsys.exit(main())\n"
    )
    program.chmod(0o755)
    return program


@contextmanager
def unit(log: Path, user: pwd.struct_passwd, replacements: dict[str, str], port: int):
    """The service as systemd starts it from the shipped unit, its output into `log`."""
    service = unit_service(replacements)
    environment = dict(line.split("=", 1) for line in service["Environment"])
    (optional,) = service["EnvironmentFile"]
    secrets_file = Path(optional.removeprefix("-"))
    if secrets_file.exists():
        environment.update(environment_file(secrets_file.read_text()))
    environment.update(HOME="/", USER=user.pw_name, PATH="/usr/local/bin:/usr/bin:/bin")
    (command,) = service["ExecStart"]
    with running(
        as_user(user, shlex.split(command)),
        port,
        log,
        cwd=service["WorkingDirectory"][0],
        env=environment,
    ):
        yield log


def checkouts(work: Path, content: Path, token_file: Path, shared: dict) -> tuple[Path, Path]:
    """The writer's settings (on her laptop, beside `content`) and the server's checkout
    (/srv/pathways, readable by all) with the same settings and posts."""
    settings = write_settings(
        content.parent, content, publish=True, COMMENTS_TOKEN_FILE=str(token_file), **shared
    )
    server_checkout = work / "srv" / "pathways"
    shutil.copytree(content, server_checkout / "content")
    server_settings = write_settings(
        server_checkout, server_checkout / "content", publish=True, **shared
    )
    return settings, server_settings


def installed(
    user: pwd.struct_passwd, work: Path, server_settings: Path, service_port: int
) -> dict[str, str]:
    """The units as installed: their state directory made for their user (0700), and what
    their paths are here (`work`: srv/blog, state, etc)."""
    state = work / "state"
    (state / "pathways-comments").mkdir(parents=True)
    os.chown(state / "pathways-comments", user.pw_uid, user.pw_gid)
    (state / "pathways-comments").chmod(0o700)
    return {
        "/srv/pathways/.venv/bin/pathways": str(program_for(user, work)),
        "/srv/pathways": str(ROOT),
        "publishconf.py": str(server_settings),
        "/srv/blog/current": str(work / "srv" / "blog" / "current"),
        "%S": str(state),
        "--port 8081": f"--port {service_port}",
        SECRETS_FILE: str(work / "etc" / "pathways-comments" / "secrets.env"),
    }


def wrote_only_its_state(work: Path, user: pwd.struct_passwd) -> list[Path]:
    """What `user` owns in `work`, after checking it is all in its state directory."""
    owned = subprocess.run(
        ["find", str(work), "-user", user.pw_name], capture_output=True, text=True, check=True
    ).stdout.split()
    state = work / "state" / "pathways-comments"
    assert owned and all(Path(path).is_relative_to(state) for path in owned), owned
    return [Path(path) for path in owned]


def laptop(settings: Path, *args: str) -> subprocess.CompletedProcess:
    return run_pathways(*args, "--settings", str(settings), env={"PATHWAYS_MODERATION_TOKEN": ""})


def test_the_server_set_up_as_the_readme_says_runs_from_the_unit_file(work, service_user):
    need("rsync", "rsync")
    user = service_user
    port, service_port = free_port(), free_port()
    url = f"http://127.0.0.1:{port}"
    srv = work / "srv" / "blog"
    state = work / "state"
    etc = work / "etc" / "pathways-comments"
    home = work / "home" / "writer"  # ProtectHome=: only root enters
    home.mkdir(parents=True)
    home.chmod(0o700)
    token_file = home / ".config" / "pathways" / "moderation-token"

    # The writer's checkout, on her laptop, with the settings the README gives.
    blog = home / "blog"
    content = blog / "content"
    write_post(content, "hello.md", post("Hello", "2024-01-02 10:00+00:00", summary="Hi."))
    shared = {
        "SITEURL": url,
        "COMMENTS_ENDPOINT": f"{url}/api",
        "COMMENTS_TRUST_PROXY": True,
        "COMMENTS_MIN_SECONDS": 0,
        "DEPLOY": {"target": "rsync", "destination": str(srv)},
        "CHECK_LIVE_ADDRESSES": False,
    }
    settings, server_settings = checkouts(work, content, token_file, shared)

    # 1. Publish once: the folder is made once on the server, then the site goes there.
    srv.mkdir(parents=True)
    first = laptop(settings, "publish", "--no-check")
    assert first.returncode == 0, first.stderr
    assert (srv / "current" / "posts" / "hello" / "index.html").exists()

    # 3. The unit, as installed.
    replacements = installed(user, work, server_settings, service_port)
    program = Path(replacements["/srv/pathways/.venv/bin/pathways"])
    # 2. nginx with the shipped site config.
    with nginx(work / "nginx", nginx_site(srv / "current", port, service_port), port):
        # Without its secrets the service runs, and says that moderation is off.
        log = work / "without-secrets.log"
        with unit(log, user, replacements, service_port):
            response, _ = fetch(url, "/api/health")
            assert response.status == 200
            made = laptop(settings, "comments", "token")
            assert made.returncode == 0 and token_file.exists()
            refused = laptop(settings, "comments", "list")
        assert "moderation is off" in log.read_text()
        assert refused.returncode == 1
        assert "on the server 127.0.0.1" in refused.stderr and SECRETS_FILE in refused.stderr
        assert not can(user, ["cat", str(token_file)])  # the home's token is out of its reach

        # The token reaches it the systemd way: a file only root reads, written by a command.
        token = token_file.read_text()
        command = ["comments", "secret", "moderation-token", "--file", str(etc / "secrets.env")]
        written = subprocess.run(
            [str(program), *command], input=token, capture_output=True, text=True, check=False
        )
        assert written.returncode == 0, written.stderr
        assert stat.S_IMODE((etc / "secrets.env").stat().st_mode) == 0o600
        assert not can(user, ["cat", str(etc / "secrets.env")])

        log = work / "with-secrets.log"
        with unit(log, user, replacements, service_port):
            form = {"post": "hello", "author": "Ana", "body": "Pacing helped me too."}
            headers = {
                "Content-Type": "application/x-www-form-urlencoded",
                "Accept": "application/json",
                "Origin": url,
            }
            answer, _ = fetch(
                url,
                "/api/comments",
                headers,
                method="POST",
                body=urlencode(form),
                source="127.0.0.5",
            )
            assert answer.status == 202
            listed = laptop(settings, "comments", "list")
            assert listed.returncode == 0, listed.stderr
            comment_id = next(
                line.split()[0] for line in listed.stdout.splitlines() if "[pending]" in line
            )
            approved = laptop(settings, "comments", "approve", comment_id)
            assert approved.returncode == 0, approved.stderr
            assert (content / "comments" / "hello" / f"{comment_id}.md").exists()
            published = laptop(settings, "publish", "--no-check")
            assert published.returncode == 0, published.stderr
        _, page = fetch(url, "/posts/hello/")
        assert b"Pacing helped me too." in page
        assert "moderation is off" not in log.read_text()

        # The service is down: the unattended publish still deploys, then says why it fails.
        write_post(content, "later.md", post("Later", "2024-02-01 10:00+00:00", summary="On."))
        scheduled = laptop(settings, "publish", "--scheduled", "--no-check")
        assert scheduled.returncode == 1
        assert "Comments could not be fetched" in scheduled.stderr
        response, _ = fetch(url, "/posts/later/")
        assert response.status == 200

    # It wrote nothing but its state directory (its database there).
    wrote_only_its_state(work, user)
    assert (state / "pathways-comments" / "comments.sqlite3").exists()
