"""Deploying: to a folder, to a git branch (a local bare repository), with rsync; and
`pathways publish`, which deploys only a site that built and passed its checks."""

import os
import shutil
import subprocess
import time

import pytest

from pathways.site.deploy import deploy_folder, deploy_git, deploy_rsync
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


@pytest.mark.skipif(
    shutil.which("rsync") is None and not os.environ.get("CI"), reason="needs rsync"
)
def test_rsync_deploy_switches_a_current_link_to_a_complete_release(tmp_path, site):
    destination = tmp_path / "srv"
    deploy_rsync(site, str(destination))
    current = destination / "current"
    assert current.is_symlink() and (current / "index.html").exists()
    first = os.readlink(current)
    (site / "index.html").write_text((site / "index.html").read_text() + "<!-- v2 -->")
    time.sleep(1.1)  # release folders are named by the second
    deploy_rsync(site, str(destination))
    assert os.readlink(current) != first
    assert (current / "index.html").read_text().endswith("<!-- v2 -->")
    assert len(list((destination / "releases").iterdir())) == 2


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
    assert f"deployed to {destination}" in result.stdout
    assert (destination / "posts" / "hello" / "index.html").exists()


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
