"""`pathways server install`, run in a blog's folder: the engine's server files are written
where systemd and nginx read them, for the blog's own domain, showing what changed."""

import subprocess
import sys
from pathlib import Path

import pytest

from tests.sites import ROOT

# Seconds each (the command line in a process of its own, or many inputs): left out of
# `make test-fast`.
pytestmark = pytest.mark.slow

ANSWERS = ["--name", "Slow Days", "--author", "Mira", "--siteurl", "https://slowdays.blog"]


def pathways(cwd: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "pathways", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
        stdin=subprocess.DEVNULL,
    )


def test_server_install_writes_the_unit_and_the_site_and_shows_what_changed(tmp_path):
    blog = tmp_path / "blog"
    assert pathways(tmp_path, "new-blog", str(blog), *ANSWERS).returncode == 0
    root = tmp_path / "server"
    install = ["server", "install", "--root", str(root), "--no-restart"]
    result = pathways(blog, *install)
    assert result.returncode == 0, result.stderr
    unit = root / "etc" / "systemd" / "system" / "pathways-comments.service"
    site = root / "etc" / "nginx" / "sites-available" / "blog"
    assert unit.read_text() == (ROOT / "server" / "pathways-comments.service").read_text()
    shipped = (ROOT / "server" / "nginx-site.conf").read_text()
    assert site.read_text() == shipped.replace("blog.example.org", "slowdays.blog")
    assert (site.parent.parent / "sites-enabled" / "blog").resolve() == site
    assert f"new file {unit}" in result.stdout
    assert "systemctl restart pathways-comments.service" in result.stdout
    # The view counts run when their timer says, not at each install.
    timer = unit.with_name("pathways-views.timer")
    assert timer.read_text() == (ROOT / "server" / "pathways-views.timer").read_text()
    assert "systemctl enable --now pathways-views.timer" in result.stdout
    assert "restart pathways-views" not in result.stdout

    assert "were up to date" in pathways(blog, *install).stdout
    unit.write_text(unit.read_text().replace("Restart=on-failure", "Restart=no"))
    result = pathways(blog, *install)
    assert "-Restart=no\n+Restart=on-failure" in result.stdout
    assert unit.read_text() == (ROOT / "server" / "pathways-comments.service").read_text()
