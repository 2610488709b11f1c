"""`pathways server install`, run in a blog's folder: the engine's server files are written
where systemd and nginx read them, for the blog's own domain, showing what changed."""

from pathlib import Path

import pytest

from pathways.blog.server import install_files
from tests.sites import ROOT, run_pathways

ANSWERS = ["--name", "Slow Days", "--author", "Mira", "--siteurl", "https://slowdays.blog"]


# Seconds (the command line in a process of its own): left out of `make test-fast`.
@pytest.mark.slow
def test_server_install_writes_the_unit_and_the_site_and_shows_what_changed(tmp_path):
    blog = tmp_path / "blog"
    assert run_pathways("new-blog", str(blog), *ANSWERS, cwd=tmp_path).returncode == 0
    root = tmp_path / "server"
    install = ["server", "install", "--root", str(root), "--no-restart"]
    result = run_pathways(*install, cwd=blog)
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

    assert "were up to date" in run_pathways(*install, cwd=blog).stdout
    # Her change to a file is hers: the same engine version installs again without undoing it.
    unit.write_text(unit.read_text().replace("Restart=on-failure", "Restart=no"))
    result = run_pathways(*install, cwd=blog)
    assert result.returncode == 0, result.stderr
    assert "Restart=no" in unit.read_text()


CERTBOT = (
    "    listen 443 ssl; # managed by Certbot\n"
    "    ssl_certificate /etc/letsencrypt/live/slowdays.blog/fullchain.pem; # managed by Certbot\n"
)


def certbot(site: Path) -> None:
    """What `certbot --nginx` does to the site: HTTPS lines in its server block."""
    text = site.read_text()
    site.write_text(
        text.replace(
            "    server_name slowdays.blog;\n", f"    server_name slowdays.blog;\n{CERTBOT}"
        )
    )


def test_a_site_certbot_changed_survives_every_install_and_a_new_version_waits_beside_it(
    tmp_path,
):
    root = tmp_path / "server"
    install_files(root, "slowdays.blog")
    site = root / "etc" / "nginx" / "sites-available" / "blog"
    certbot(site)
    changes, _ = install_files(root, "slowdays.blog")
    assert changes == []
    assert CERTBOT in site.read_text()
    # A new version of the engine's site (here: for the blog's new domain).
    changes, _ = install_files(root, "slowdays.org")
    assert CERTBOT in site.read_text() and "server_name slowdays.blog;" in site.read_text()
    beside = site.with_name("blog.pathways-new")
    shipped = (ROOT / "server" / "nginx-site.conf").read_text()
    assert beside.read_text() == shipped.replace("blog.example.org", "slowdays.org")
    [change] = changes
    assert change.startswith(f"kept {site}: it was changed since it was installed")
    assert f"merge what you need of it into {site}" in change
    assert (
        "-    server_name slowdays.blog;\n" in change
        and "+    server_name slowdays.org;\n" in change
    )
    assert "-    listen 443 ssl; # managed by Certbot\n" in change
    # Merged by hand: the file stays hers, and nothing is asked again.
    site.write_text(
        beside.read_text().replace(
            "    server_name slowdays.org;\n", f"    server_name slowdays.org;\n{CERTBOT}"
        )
    )
    beside.unlink()
    assert install_files(root, "slowdays.org")[0] == []
    assert CERTBOT in site.read_text() and not beside.exists()


def test_a_file_nobody_changed_is_replaced_by_the_new_version_showing_the_difference(tmp_path):
    root = tmp_path / "server"
    install_files(root, "slowdays.blog")
    site = root / "etc" / "nginx" / "sites-available" / "blog"
    changes, _ = install_files(root, "slowdays.org")
    shipped = (ROOT / "server" / "nginx-site.conf").read_text()
    assert site.read_text() == shipped.replace("blog.example.org", "slowdays.org")
    [change] = changes
    assert "-    server_name slowdays.blog;\n+    server_name slowdays.org;" in change
    assert not site.with_name("blog.pathways-new").exists()


def test_a_site_installed_before_versions_were_recorded_is_kept_if_it_differs(tmp_path):
    site = tmp_path / "etc" / "nginx" / "sites-available" / "blog"
    site.parent.mkdir(parents=True)
    shipped = (ROOT / "server" / "nginx-site.conf").read_text()
    site.write_text(shipped.replace("blog.example.org", "slowdays.blog"))
    certbot(site)
    [change] = install_files(tmp_path, "slowdays.blog")[0][:1]
    assert change.startswith(f"kept {site}")
    assert CERTBOT in site.read_text()
