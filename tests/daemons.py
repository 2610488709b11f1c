"""Real nginx and sshd for the tests, started unprivileged from a temporary folder on a
loopback port, as the README tells a writer to run them on her server.

Without the program a test is skipped locally, saying what to install, and fails in CI
(`CI=true`), where `.ci/run` installs it.
"""

import getpass
import os
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.sites import free_port

BROTLI_STATIC = Path("/usr/lib/nginx/modules/ngx_http_brotli_static_module.so")
PRIVILEGE_SEPARATION = Path("/run/sshd")


def need(program: str, package: str) -> str:
    """The path of `program`; skips the test without it (fails in CI)."""
    path = shutil.which(program) or shutil.which(program, path="/usr/sbin:/sbin")
    if path is None:
        missing(f"{program} is not installed (apt-get install {package})")
    return path


def missing(reason: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(reason)
    pytest.skip(reason)


def wait_for_port(port: int, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"exited with {process.returncode}: {log.read_text()}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"not listening on 127.0.0.1:{port}: {log.read_text()}")


@contextmanager
def running(command: list[str], port: int, log: Path, **popen: object) -> Iterator[None]:
    """`command` in the foreground as a subprocess, until it listens on `port`; stopped after."""
    with log.open("ab") as output:
        process = subprocess.Popen(command, stdout=output, stderr=subprocess.STDOUT, **popen)
    try:
        wait_for_port(port, process, log)
        yield
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def nginx_main_config(work: Path, site_config: Path) -> str:
    """What Debian's `/etc/nginx/nginx.conf` is to a site config, with every path in `work`."""
    user = "user root;\n" if os.geteuid() == 0 else ""  # or workers cannot read pytest's 0700
    temp = work / "tmp"
    return (
        f"{user}daemon off;\npid {work}/nginx.pid;\nerror_log {work}/error.log;\n"
        f"worker_processes 1;\nload_module {BROTLI_STATIC};\nevents {{}}\n"
        "http {\n"
        "    include /etc/nginx/mime.types;\n"
        "    default_type application/octet-stream;\n"
        f"    access_log {work}/access.log;\n"
        + "".join(
            f"    {kind}_temp_path {temp}/{kind};\n"
            for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
        )
        + f"    include {site_config};\n}}\n"
    )


@contextmanager
def nginx(work: Path, site_config: str, port: int) -> Iterator[str]:
    """nginx serving `site_config` (a server-block config, listening on `port`); yields its
    address. The config is checked with `nginx -t` first."""
    program = need("nginx", "nginx-light libnginx-mod-http-brotli-static")
    if not BROTLI_STATIC.exists():
        missing(
            "nginx's brotli module is missing (apt-get install libnginx-mod-http-brotli-static)"
        )
    (work / "tmp").mkdir(parents=True, exist_ok=True)
    site = work / "site.conf"
    site.write_text(site_config, encoding="utf-8")
    main = work / "nginx.conf"
    main.write_text(nginx_main_config(work, site), encoding="utf-8")
    checked = subprocess.run(
        [program, "-t", "-c", str(main), "-p", str(work)], capture_output=True, text=True
    )
    assert checked.returncode == 0, checked.stderr
    with running([program, "-c", str(main), "-p", str(work)], port, work / "nginx.out"):
        yield f"http://127.0.0.1:{port}"


@dataclass(frozen=True)
class Sshd:
    """An sshd on 127.0.0.1 that lets `user` in with `identity`; `known_hosts` holds its key."""

    port: int
    user: str
    identity: Path
    known_hosts: Path


@contextmanager
def sshd(work: Path) -> Iterator[Sshd]:
    program = need("sshd", "openssh-server")
    need("ssh", "openssh-client")
    if os.geteuid() == 0 and not PRIVILEGE_SEPARATION.is_dir():
        missing(f"sshd needs {PRIVILEGE_SEPARATION} (mkdir -p {PRIVILEGE_SEPARATION})")
    work.mkdir(parents=True, exist_ok=True)
    for key in ("host_key", "user_key"):
        subprocess.run(
            ["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(work / key)], check=True
        )
    shutil.copy(work / "user_key.pub", work / "authorized_keys")
    port = free_port()
    host_key = (work / "host_key.pub").read_text().split()
    (work / "known_hosts").write_text(f"[127.0.0.1]:{port} {host_key[0]} {host_key[1]}\n")
    config = work / "sshd_config"
    config.write_text(
        f"ListenAddress 127.0.0.1\nPort {port}\nHostKey {work}/host_key\n"
        f"AuthorizedKeysFile {work}/authorized_keys\nPidFile {work}/sshd.pid\n"
        "PermitRootLogin prohibit-password\nPasswordAuthentication no\n"
        "KbdInteractiveAuthentication no\nStrictModes no\nUsePAM no\n"
    )
    checked = subprocess.run([program, "-t", "-f", str(config)], capture_output=True, text=True)
    assert checked.returncode == 0, checked.stderr
    with running([program, "-D", "-e", "-f", str(config)], port, work / "sshd.log"):
        yield Sshd(port, getpass.getuser(), work / "user_key", work / "known_hosts")
