"""`make publish` as a writer meets it the first times, and under a timer: a publish never
waits on the comment service, a deploy setting that deploys nowhere fails, a first SSH
connection and a mistyped server folder are explained."""

import shlex
import subprocess
from pathlib import Path

import pytest

from pathways.site.deploy import DeployError, deploy_rsync
from tests.daemons import need, sshd
from tests.servers import mail_server
from tests.sites import free_port, post, run_pathways, write_post, write_settings

# Seconds each (the command line in a process of its own, or many inputs): left out of
# `make test-fast`.
pytestmark = pytest.mark.slow


def small_site(tmp_path, **settings):
    content = tmp_path / "content"
    write_post(content, "hello.md", post("Hello", summary="A first post."))
    return write_settings(tmp_path, content, publish=True, CHECK_LIVE_ADDRESSES=False, **settings)


@pytest.mark.parametrize("extra", [{}, {"DEPOLY": {"target": "folder", "path": "/srv/blog"}}])
def test_a_publish_with_no_deploy_target_fails_and_points_to_make_check(tmp_path, extra):
    settings = small_site(tmp_path, **extra)
    result = run_pathways("publish", "--settings", str(settings), "--no-pull")
    assert result.returncode == 1
    assert "no DEPLOY target is set" in result.stderr and "`make check`" in result.stderr
    if extra:
        assert "DEPOLY is set: did you mean DEPLOY?" in result.stderr
    assert not (tmp_path / "output").exists()  # nothing was built


def test_a_deploy_folder_missing_on_the_server_is_an_error_not_a_new_folder(tmp_path):
    need("rsync", "rsync")
    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text("<!doctype html><title>x</title>")
    mistyped = tmp_path / "srv" / "blgo"
    with pytest.raises(DeployError, match=f"the deploy folder {mistyped} does not exist here"):
        deploy_rsync(site, str(mistyped))
    assert not mistyped.exists()


@pytest.mark.server
def test_a_first_ssh_connection_is_explained(tmp_path):
    need("rsync", "rsync")
    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text("<!doctype html><title>x</title>")
    empty = tmp_path / "known_hosts"
    empty.write_text("")
    with sshd(tmp_path / "ssh") as server:
        host = f"{server.user}@127.0.0.1"
        ssh = {"port": server.port, "identity": str(server.identity)}
        with pytest.raises(DeployError) as unknown:
            deploy_rsync(site, f"{host}:{tmp_path}", **ssh, known_hosts=str(empty))
        assert "Host key verification failed" in str(unknown.value)
        assert f"ssh-keyscan -p {server.port} 127.0.0.1 >> {empty}" in str(unknown.value)
        # The command to connect once logs in with the deploy's key, into its known_hosts:
        # answered yes, the next publish goes through.
        assert connect_once(str(unknown.value), host).returncode == 0
        assert "deployed release" in deploy_rsync(
            site, f"{host}:{tmp_path}", **ssh, known_hosts=str(empty)
        )
        # Without a known_hosts file of its own, ssh asks, and there is nobody to answer.
        with pytest.raises(DeployError) as first:
            deploy_rsync(site, f"{host}:{tmp_path}", **ssh)
        assert f"connect once with `ssh -p {server.port} -i {server.identity}" in str(first.value)
        answered = connect_once(str(first.value), host, tmp_path / "own_known_hosts")
        assert answered.returncode == 0, answered.stderr


def connect_once(message: str, host: str, known_hosts: Path | None = None):
    """Run the command `message` says to connect once with, answering yes for the writer
    (into `known_hosts` rather than this user's own, when given)."""
    command = shlex.split(message.partition("connect once with `")[2].partition("`")[0])
    assert command[-1] == host
    answer = ["-o", "BatchMode=yes", "-o", "StrictHostKeyChecking=accept-new"]
    if known_hosts:
        answer += ["-o", f"UserKnownHostsFile={known_hosts}"]
    # ssh takes the first value given for an option: the answer comes first.
    return subprocess.run(
        [command[0], *answer, *command[1:], "true"], capture_output=True, text=True, timeout=30
    )


def unreachable_comments(tmp_path, **settings):
    """A site whose comment service is down, with a token at hand and a folder to deploy to."""
    return small_site(
        tmp_path,
        COMMENTS_ENDPOINT=f"http://127.0.0.1:{free_port()}/api",
        DEPLOY={"target": "folder", "path": str(tmp_path / "www")},
        **settings,
    )


@pytest.mark.build
def test_an_interactive_publish_stops_and_says_which_make_command_publishes_anyway(tmp_path):
    settings = unreachable_comments(tmp_path)
    env = {"PATHWAYS_MODERATION_TOKEN": "token"}
    result = run_pathways("publish", "--settings", str(settings), env=env)
    assert result.returncode == 1
    assert "cannot reach the comment service" in result.stderr
    assert "make publish PUBLISH_FLAGS=--no-pull" in result.stderr
    assert not (tmp_path / "www").exists()


@pytest.mark.build
@pytest.mark.server
def test_a_scheduled_publish_deploys_then_fails_and_emails_the_writer(tmp_path):
    with mail_server() as mailbox:
        smtp = {"host": "127.0.0.1", "port": mailbox.port, "to": "writer@example.org"}
        settings = unreachable_comments(tmp_path, COMMENTS_SMTP=smtp)
        env = {"PATHWAYS_MODERATION_TOKEN": "token"}
        result = run_pathways("publish", "--scheduled", "--settings", str(settings), env=env)
        assert result.returncode == 1
        assert (tmp_path / "www" / "posts" / "hello" / "index.html").exists()
        assert "Comments could not be fetched" in result.stderr
        assert "E-mailed writer@example.org" in result.stderr
        message = mailbox.wait(1)
    assert "published without new comments" in message["Subject"]
    assert "cannot reach the comment service" in message.get_content()
