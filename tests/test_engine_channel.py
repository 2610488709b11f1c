"""A blog's release channel: where its engine comes from, every release it lists (a folder or
a page of wheels, the tags of a git repository), `new-blog` recording it, `upgrade` finding
the newest there or saying the blog is on it, and the engine installed from it alone."""

import functools
import json
import os
import subprocess
import sys
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from pathways import __version__
from pathways.blog.channel import FILE, ChannelError, install_command, recorded, releases
from pathways.blog.layout import engine_files
from pathways.comments.moderator import version_warning
from tests.sites import ROOT
from tests.test_new_blog import ANSWERS, new_blog

WHEELS = (
    "pathways_blog-0.9.0-py3-none-any.whl",
    "pathways_blog-0.10.0-py3-none-any.whl",
    "pathways_blog-0.2.0-py3-none-any.whl",
    "pathways-0.99.0-py3-none-any.whl",  # another project's
    "notes.txt",
)


def _wheels(folder: Path, names=WHEELS) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name in names:
        (folder / name).write_bytes(b"")
    return folder


def test_a_folder_lists_every_release_newest_last(tmp_path):
    assert releases(str(_wheels(tmp_path / "releases"))) == ["0.2.0", "0.9.0", "0.10.0"]


def test_a_missing_folder_is_named(tmp_path):
    with pytest.raises(ChannelError, match=r"releases: no such folder of the engine's wheels"):
        releases(str(tmp_path / "releases"))


def test_a_page_of_links_lists_every_release(tmp_path):
    folder = _wheels(tmp_path / "releases")
    handler = functools.partial(SimpleHTTPRequestHandler, directory=str(folder))
    handler.log_message = lambda *args: None
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        assert releases(f"http://127.0.0.1:{server.server_port}/") == ["0.2.0", "0.9.0", "0.10.0"]
    finally:
        server.shutdown()
        server.server_close()


def test_a_git_repository_lists_its_version_tags(tmp_path):
    repository = tmp_path / "engine"
    repository.mkdir()
    git = ["git", "-C", str(repository), "-c", "user.name=E", "-c", "user.email=e@example.org"]
    subprocess.run([*git, "init", "-q"], check=True)
    for tag in ("v0.1.0", "v0.3.0", "v0.2.0", "nightly"):
        subprocess.run([*git, "commit", "-q", "--allow-empty", "-m", tag], check=True)
        subprocess.run([*git, "tag", "-a", "-m", tag, tag], check=True)
    assert releases(f"git+file://{repository}") == ["0.1.0", "0.2.0", "0.3.0"]


def test_the_engine_is_installed_from_the_channel_alone():
    folder = install_command("python", "/srv/wheels", "0.3.0")
    assert folder[-4:] == ["--no-index", "--find-links", "/srv/wheels", "pathways-blog==0.3.0"]
    assert "--no-deps" in folder
    git = install_command("python", "git+https://example.org/engine", "0.3.0")
    assert git[-1] == "pathways-blog @ git+https://example.org/engine@v0.3.0"


def _upgrade(blog: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "pathways", "upgrade", *args],
        cwd=blog, capture_output=True, text=True, check=False, stdin=subprocess.DEVNULL,
    )  # fmt: skip


@pytest.mark.slow
def test_upgrade_says_plainly_when_the_blog_is_on_the_newest_release(tmp_path):
    blog = tmp_path / "blog"
    blog.mkdir()
    requirements = blog / "requirements.txt"
    requirements.write_text(f"pathways-blog=={__version__}\n")
    channel = _wheels(tmp_path / "releases", [f"pathways_blog-{__version__}-py3-none-any.whl"])
    (blog / FILE).write_text(f"# where\n{channel}\n")
    result = _upgrade(blog)
    assert result.returncode == 0, result.stderr
    assert result.stdout == (
        f"The blog is already on pathways-blog {__version__}, the newest in {channel}."
        " Nothing was changed.\n"
    )
    result = _upgrade(blog, "0.30.0")
    assert result.returncode == 1
    assert f"{channel} has no pathways-blog 0.30.0 (it has {__version__})" in result.stderr
    assert requirements.read_text() == f"pathways-blog=={__version__}\n"


@pytest.mark.slow
def test_new_blog_records_where_its_engine_comes_from(tmp_path):
    given = tmp_path / "given"
    assert new_blog(given, *ANSWERS, "--releases", "git+https://example.org/engine").returncode == 0
    assert recorded(given) == "git+https://example.org/engine"
    # The engine run from a source tree: ENGINE_RELEASES says where its releases are.
    blog = tmp_path / "blog"
    env = {"ENGINE_RELEASES": "wheels"}
    result = subprocess.run(
        [sys.executable, "-m", "pathways", "new-blog", str(blog), *ANSWERS],
        cwd=tmp_path, capture_output=True, text=True, check=False, stdin=subprocess.DEVNULL,
        env={**os.environ, **env},
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert recorded(blog) == str(tmp_path / "wheels")
    assert f"engine-releases (the engine's releases: {tmp_path / 'wheels'})" in result.stdout


def test_a_blogs_npm_manifest_holds_the_html_checker_alone(tmp_path):
    files = engine_files(tmp_path)
    manifest = json.loads(files[Path("package.json")])
    assert manifest["devDependencies"] == {"vnu-jar": "26.9.27"}
    locked = json.loads(files[Path("package-lock.json")])["packages"]
    assert sorted(locked) == ["", "node_modules/vnu-jar"]
    engine_lock = json.loads((ROOT / "package-lock.json").read_text())["packages"]
    assert locked["node_modules/vnu-jar"] == engine_lock["node_modules/vnu-jar"]


def test_the_version_warning_gives_the_command_as_typed_on_the_server():
    warning = version_warning("https://blog.example.org/api", "0.1.0")
    command = (
        f"cd /srv/pathways && sudo /srv/pathways/.venv/bin/pathways server upgrade {__version__}"
    )
    assert warning.endswith(f"on the server, run `{command}`.")
    assert version_warning("https://blog.example.org/api", __version__) is None
    readme = (ROOT / "README.md").read_text()
    assert "/srv/pathways && sudo make .venv/.requirements-installed" in readme
