"""A mistake in `DEPLOY` stops `make publish` before anything is built, with one line that
names the key and what to write, never a traceback or a deploy to a mistyped folder."""

import pytest

from tests.sites import run_pathways, write_settings

# Seconds each (the command line in a process of its own, or many inputs): left out of
# `make test-fast`.
pytestmark = pytest.mark.slow


def publish(tmp_path, deploy: object):
    (tmp_path / "content").mkdir(exist_ok=True)
    settings = write_settings(tmp_path, tmp_path / "content", publish=True, DEPLOY=deploy)
    return run_pathways("publish", "--settings", str(settings))


@pytest.mark.parametrize(
    ("deploy", "message"),
    [
        (
            {"target": "folder", "pth": "/srv/blog"},
            "site_publish.py: DEPLOY has an unknown key 'pth' for target 'folder' "
            "(did you mean 'path'?)",
        ),
        ({"target": "folder"}, "site_publish.py: DEPLOY needs 'path' for target 'folder'"),
        (
            {"target": "ftp", "path": "/srv"},
            "site_publish.py: DEPLOY target 'ftp' is not one of 'folder', 'git', 'rsync'",
        ),
        (
            {"target": "rsync", "destination": "me@host:/srv/blog", "keep": "3"},
            "site_publish.py: DEPLOY 'keep' must be a whole number of 1 or more, not '3'",
        ),
        ("/srv/blog", "site_publish.py: DEPLOY must be a dict such as"),
    ],
)
def test_a_mistyped_deploy_is_one_line_before_building(tmp_path, deploy, message):
    result = publish(tmp_path, deploy)
    assert result.returncode == 1
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    assert "Nothing was built or published." in result.stderr
    assert not (tmp_path / "output").exists()


def test_a_folder_under_a_file_is_refused(tmp_path):
    (tmp_path / "site.txt").write_text("a file")
    result = publish(tmp_path, {"target": "folder", "path": str(tmp_path / "site.txt" / "www")})
    assert result.returncode == 1
    assert f"DEPLOY 'path': {tmp_path / 'site.txt'} is a file, not a folder" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_mistyped_folder_is_not_created(tmp_path):
    target = tmp_path / "srv" / "blgo" / "www"
    result = publish(tmp_path, {"target": "folder", "path": str(target)})
    assert result.returncode == 1
    assert f"{target.parent} does not exist: create it first" in result.stderr
    assert not target.parent.exists()


@pytest.mark.parametrize("where", [".", "content", "output"])
def test_a_folder_deploy_never_replaces_the_project_its_content_or_its_build(tmp_path, where):
    (tmp_path / "content").mkdir()
    (tmp_path / "content" / "draft.md").write_text("Title: Mine\n\nWords.\n")
    result = publish(tmp_path, {"target": "folder", "path": str(tmp_path / where)})
    assert result.returncode == 1
    assert "which a deploy would delete: choose another folder" in result.stderr
    assert (tmp_path / "content" / "draft.md").exists()


def test_a_folder_of_other_files_is_never_emptied(tmp_path):
    target = tmp_path / "documents"
    target.mkdir()
    (target / "important.txt").write_text("keep me")
    result = publish(tmp_path, {"target": "folder", "path": str(target)})
    assert result.returncode == 1
    assert "already holds files that are not a site published here" in result.stderr
    assert (target / "important.txt").read_text() == "keep me"


@pytest.mark.build
def test_a_folder_in_the_home_folder_is_written_with_a_tilde(tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    (tmp_path / "content").mkdir()
    (tmp_path / "content" / "hello.md").write_text(
        "Title: Hello\nDate: 2024-01-02 10:00+00:00\nSummary: Hi.\n\nHello.\n"
    )
    settings = write_settings(
        tmp_path,
        tmp_path / "content",
        publish=True,
        DEPLOY={"target": "folder", "path": "~/site"},
        CHECK_LIVE_ADDRESSES=False,
    )
    result = run_pathways(
        "publish", "--settings", str(settings), "--no-check", env={"HOME": str(home)}
    )
    assert result.returncode == 0, result.stderr
    assert (home / "site" / "index.html").exists()
    assert not (tmp_path / "~").exists()
