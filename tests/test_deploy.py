"""Deploying: to a folder, to a git branch (a local bare repository), with rsync to a local
folder and over SSH to a real sshd; and `pathways publish`, which deploys only a site that
built and passed its checks."""

import os
import re
import shutil
import subprocess
import time
from pathlib import Path

import pytest

from pathways.site.deploy import DeployError, deploy, deploy_folder, deploy_git, deploy_rsync
from tests.daemons import need, sshd
from tests.sites import post, run_pathways, write_post, write_settings


@pytest.fixture
def site(tmp_path, production_site):
    output = tmp_path / "site"
    shutil.copytree(production_site, output)
    return output


def git(*args, cwd):
    return subprocess.run(
        ["git", *args], cwd=cwd, capture_output=True, text=True, check=True
    ).stdout


def test_folder_deploy_replaces_the_old_site_whole(tmp_path, site):
    destination = tmp_path / "www"
    destination.mkdir()
    (destination / "stale.html").write_text("old")
    deploy_folder(site, destination)
    assert (destination / "posts" / "ketamine" / "index.html").exists()
    assert not (destination / "stale.html").exists()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".www")] == []


def test_git_deploy_makes_one_commit_per_publish_with_nojekyll_and_cname(tmp_path, site):
    remote = tmp_path / "pages.git"
    git("init", "--bare", "--quiet", str(remote), cwd=tmp_path)
    assert "pushed" in deploy_git(site, str(remote), "gh-pages", "blog.example.org")
    files = git("ls-tree", "-r", "--name-only", "gh-pages", cwd=remote).split()
    assert {".nojekyll", "CNAME", "index.html", "posts/ketamine/index.html"} <= set(files)
    assert git("show", "gh-pages:CNAME", cwd=remote) == "blog.example.org\n"

    assert "already up to date" in deploy_git(site, str(remote), "gh-pages", "blog.example.org")
    (site / "new.html").write_text("<!doctype html><title>n</title>")
    deploy_git(site, str(remote), "gh-pages", "blog.example.org")
    assert len(git("log", "--oneline", "gh-pages", cwd=remote).splitlines()) == 2


def test_rsync_deploy_switches_a_current_link_to_a_complete_release(tmp_path, site):
    need("rsync", "rsync")
    destination = tmp_path / "srv"
    destination.mkdir()
    deploy_rsync(site, str(destination))
    current = destination / "current"
    assert current.is_symlink() and (current / "index.html").exists()
    first = os.readlink(current)
    (site / "index.html").write_text((site / "index.html").read_text() + "<!-- v2 -->")
    deploy_rsync(site, str(destination))
    assert os.readlink(current) != first
    assert (current / "index.html").read_text().endswith("<!-- v2 -->")
    assert len(list((destination / "releases").iterdir())) == 2


def test_an_rsync_publish_that_changes_nothing_keeps_the_releases_as_they_are(tmp_path, site):
    need("rsync", "rsync")
    destination = tmp_path / "srv"
    destination.mkdir()
    deploy_rsync(site, str(destination), keep=2)
    first = os.readlink(destination / "current")
    assert "up to date: nothing changed" in deploy_rsync(site, str(destination), keep=2)
    assert [p.name for p in (destination / "releases").iterdir()] == [Path(first).name]
    assert os.readlink(destination / "current") == first

    (site / "robots.txt").unlink()  # nothing to send, one file fewer
    deploy_rsync(site, str(destination), keep=2)
    assert os.readlink(destination / "current") != first
    assert not (destination / "current" / "robots.txt").exists()
    assert (destination / first / "robots.txt").exists()


@pytest.mark.build
def test_publish_builds_checks_and_deploys(tmp_path):
    content = tmp_path / "content"
    write_post(content, "hello.md", post("Hello", summary="A first post."))
    destination = tmp_path / "www"
    settings = write_settings(
        tmp_path,
        content,
        publish=True,
        DEPLOY={"target": "folder", "path": str(destination)},
        CHECK_LIVE_ADDRESSES=False,
    )
    result = run_pathways("publish", "--settings", str(settings))
    assert result.returncode == 0, result.stderr
    assert "All checks passed (" in result.stdout
    assert f"deployed to {destination}" in result.stdout
    assert (destination / "posts" / "hello" / "index.html").exists()


@pytest.mark.build
def test_publishing_to_github_pages_sends_no_compressed_copies(tmp_path):
    content = tmp_path / "content"
    write_post(content, "hello.md", post("Hello", summary="A first post."))
    remote = tmp_path / "pages.git"
    git("init", "--bare", "--quiet", str(remote), cwd=tmp_path)
    settings = write_settings(
        tmp_path,
        content,
        publish=True,
        DEPLOY={"target": "git", "repository": str(remote)},
        CHECK_LIVE_ADDRESSES=False,
    )
    result = run_pathways("publish", "--settings", str(settings))
    assert result.returncode == 0, result.stderr
    files = git("ls-tree", "-r", "--name-only", "gh-pages", cwd=remote).split()
    assert {"index.html", "posts/hello/index.html", "sitemap.xml"} <= set(files)
    assert [name for name in files if name.endswith((".gz", ".br"))] == []


@pytest.mark.build
def test_publish_refuses_a_site_that_fails_its_checks(tmp_path):
    content = tmp_path / "content"
    write_post(content, "bare.md", post("Bare"))
    destination = tmp_path / "www"
    settings = write_settings(
        tmp_path, content, publish=True, DEPLOY={"target": "folder", "path": str(destination)}
    )
    result = run_pathways("publish", "--settings", str(settings))
    assert result.returncode == 1
    assert "Not published" in result.stderr and "no Summary" in result.stderr
    assert not destination.exists()


@pytest.mark.parametrize(
    ("config", "message"),
    [
        ({"target": "ftp"}, "DEPLOY target 'ftp' is not one of 'folder', 'git', 'rsync'"),
        ({"target": "rsync"}, "DEPLOY needs 'destination' for target 'rsync'"),
        (
            {"target": "rsync", "destination": "me@host:/srv/blog", "port": "2222"},
            "DEPLOY 'port' must be a number from 1 to 65535, not '2222'",
        ),
        (
            {"target": "rsync", "destination": "me@host:/srv/blog", "identity": 42},
            "DEPLOY 'identity' must be text, not 42",
        ),
        (
            {"target": "folder", "path": "/tmp/blog", "identity": "~/.ssh/id"},
            "DEPLOY has an unknown key 'identity' for target 'folder'",
        ),
    ],
)
def test_a_deploy_setting_with_a_mistake_is_refused_in_one_line(tmp_path, config, message):
    with pytest.raises(DeployError) as refused:
        deploy(tmp_path, config)
    assert str(refused.value) == message


def regular_files(folder: Path) -> dict[str, Path]:
    return {str(p.relative_to(folder)): p for p in folder.rglob("*") if p.is_file()}


def timed_publish(settings: Path) -> tuple[str, float]:
    started = time.perf_counter()
    result = run_pathways("publish", "--settings", str(settings), "--no-check")
    assert result.returncode == 0, result.stderr
    return result.stdout, time.perf_counter() - started


@pytest.mark.build
@pytest.mark.server
def test_publish_over_ssh_sends_only_what_changed_and_keeps_three_releases(tmp_path):
    need("rsync", "rsync")
    content = tmp_path / "content"
    for number in range(6):
        body = f"Paragraph {number} of a long post about pacing.\n\n" * 20
        write_post(
            content,
            f"day-{number}.md",
            post(f"Day {number}", f"2024-01-0{number + 1} 10:00+00:00", body, summary="A day."),
        )
    root = tmp_path / "server" / "srv" / "blog"
    root.mkdir(parents=True)
    with sshd(tmp_path / "ssh") as server:
        config = {
            "target": "rsync",
            "destination": f"{server.user}@127.0.0.1:{root}",
            "port": server.port,
            "identity": str(server.identity),
            "known_hosts": str(server.known_hosts),
        }
        settings = write_settings(tmp_path, content, publish=True, DEPLOY=config)
        first_output, first_time = timed_publish(settings)
        first = (root / "current").resolve()
        assert (first / "posts" / "day-3" / "index.html").exists()
        total = len(regular_files(first))
        assert f"all {total} files sent" in first_output

        changed_post = content / "posts" / "day-3.md"
        changed_post.write_text(changed_post.read_text() + "\nRevisited.\n")
        second_output, second_time = timed_publish(settings)
        second = (root / "current").resolve()
        assert second != first and second.parent == first.parent == root / "releases"
        assert os.readlink(root / "current") == f"releases/{second.name}"
        assert "Revisited." in (root / "current/posts/day-3/index.html").read_text()

        before, after = regular_files(first), regular_files(second)
        linked, copied = [], []
        for name, path in after.items():
            same = name in before and before[name].read_bytes() == path.read_bytes()
            if same:
                assert path.stat().st_ino == before[name].stat().st_ino, name
            (linked if same else copied).append(name)
        sent, listed = map(int, re.search(r"(\d+) of (\d+) files sent", second_output).groups())
        assert (sent, listed) == (len(copied), len(after))
        assert "posts/day-3/index.html" in copied and "posts/day-4/index.html" in linked
        assert sent < len(after) / 2
        print(
            f"\nfirst publish: {total} files sent, {first_time:.1f} s; second publish (one post"
            f" changed): {sent} of {listed} files sent, {len(linked)} hard-linked,"
            f" {second_time:.1f} s"
        )

        output = tmp_path / "output"
        ssh = {key: config[key] for key in ("port", "identity", "known_hosts")}
        assert "nothing changed" in deploy_rsync(output, config["destination"], **ssh)
        for number in (4, 5):
            changed_post = content / "posts" / f"day-{number}.md"
            changed_post.write_text(changed_post.read_text() + "\nRevisited.\n")
            timed_publish(settings)
        releases = sorted(p.name for p in (root / "releases").iterdir())
        assert len(releases) == 3 and first.name not in releases and second.name in releases
        assert os.readlink(root / "current") == f"releases/{releases[-1]}"


@pytest.mark.build
def test_publish_refuses_a_preview_comment_service_address(tmp_path):
    content = tmp_path / "content"
    write_post(content, "hello.md", post("Hello", summary="A first post."))
    destination = tmp_path / "www"
    settings = write_settings(
        tmp_path,
        content,
        publish=True,
        SITEURL="https://my-own-blog.net",
        COMMENTS_ENDPOINT="http://127.0.0.1:8081",
        DEPLOY={"target": "folder", "path": str(destination)},
    )
    result = run_pathways("publish", "--settings", str(settings))
    assert result.returncode == 1
    assert (
        "site_publish.py: COMMENTS_ENDPOINT is http://127.0.0.1:8081, a loopback address: "
        "set COMMENTS_ENDPOINT to its public address"
    ) in result.stderr
    assert "Not published" in result.stderr
    assert not destination.exists()
