"""A mistake in `DEPLOY` stops `make publish` before anything is built, with one line that
names the key and what to write, never a traceback or a deploy to a mistyped folder."""

import pytest

from tests.sites import run_pathways, write_settings


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
