"""Deploy the built site: to a folder, to a git branch (GitHub Pages) or with rsync.

Each target is chosen in `publishconf.py` (`DEPLOY = {"target": …}`) and is atomic from a
reader's point of view where the target allows: a folder is swapped in with one rename, a
branch moves with one commit, rsync fills a new release folder and then switches a
`current` symlink.
"""

import os
import re
import shlex
import shutil
import subprocess
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from pathways.files import swap_in
from pathways.site.deploy_config import SITE_MARK, deploy_problems


class DeployError(Exception):
    """The deploy did not happen; the message says why. Nothing was half-replaced."""


def deploy_folder(output: Path, destination: Path) -> str:
    """Copy the site next to `destination`, then swap it in with renames."""
    destination = destination.expanduser().resolve()
    destination.parent.mkdir(parents=True, exist_ok=True)
    incoming = Path(
        tempfile.mkdtemp(prefix=f".{destination.name}-incoming-", dir=destination.parent)
    )
    try:
        shutil.copytree(output, incoming, dirs_exist_ok=True)
        (incoming / SITE_MARK).write_text("Published by pathways; replaced whole by the next.\n")
        incoming.chmod(0o755)
    except OSError as error:
        shutil.rmtree(incoming, ignore_errors=True)
        raise DeployError(f"could not copy the site: {error}") from error
    swap_in(incoming, destination)
    return f"deployed to {destination}"


def _git(*args: str, cwd: Path, env: dict | None = None) -> str:
    result = subprocess.run(
        ["git", *args], cwd=cwd, capture_output=True, text=True, env=env, check=False
    )
    if result.returncode != 0:
        raise DeployError(f"git {args[0]} failed: {result.stderr.strip() or result.stdout.strip()}")
    return result.stdout.strip()


def deploy_git(output: Path, repository: str, branch: str = "gh-pages", cname: str = "") -> str:
    """One commit with the whole site on `branch` of `repository`, pushed in one step.

    Adds `.nojekyll` (GitHub Pages serves the files as they are) and `CNAME` when given.
    The branch's history is kept: the new commit's parent is the branch's last commit.
    """
    with tempfile.TemporaryDirectory(prefix="pathways-deploy-") as scratch:
        work = Path(scratch)
        _git("init", "--quiet", cwd=work)
        shutil.copytree(output, work, dirs_exist_ok=True, ignore=shutil.ignore_patterns(".git"))
        (work / ".nojekyll").write_text("")
        if cname:
            (work / "CNAME").write_text(cname.strip() + "\n")
        env = {
            **os.environ,
            "GIT_AUTHOR_NAME": "pathways",
            "GIT_AUTHOR_EMAIL": "pathways@localhost",
            "GIT_COMMITTER_NAME": "pathways",
            "GIT_COMMITTER_EMAIL": "pathways@localhost",
        }
        _git("add", "--all", "--force", ".", cwd=work)
        tree = _git("write-tree", cwd=work)
        parents = []
        fetched = subprocess.run(
            ["git", "fetch", "--quiet", "--depth=1", repository, branch],
            cwd=work, capture_output=True, text=True, check=False,
        )  # fmt: skip
        if fetched.returncode == 0:
            parents = ["-p", _git("rev-parse", "FETCH_HEAD", cwd=work)]
            if _git("rev-parse", "FETCH_HEAD^{tree}", cwd=work) == tree:
                return f"{repository} {branch}: already up to date"
        stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
        message = f"Publish the site ({stamp})"
        commit = _git("commit-tree", tree, *parents, "-m", message, cwd=work, env=env)
        _git("push", "--quiet", repository, f"{commit}:refs/heads/{branch}", cwd=work)
    return f"pushed {commit[:12]} to {repository} {branch}"


def ssh_command(port: int = 22, identity: str = "", known_hosts: str = "") -> list[str]:
    """The ssh command line for the deploy: the server's port, the key to log in with and,
    when given, the only host keys to accept (for a CI job with no `~/.ssh`)."""
    command = ["ssh", "-p", str(port)]
    if identity:
        command += ["-i", str(Path(identity).expanduser()), "-o", "IdentitiesOnly=yes"]
    if known_hosts:
        path = Path(known_hosts).expanduser()
        command += ["-o", f"UserKnownHostsFile={path}", "-o", "StrictHostKeyChecking=yes"]
    return command


def ssh_problem(stderr: str, host: str, port: int, identity: str, known_hosts: str) -> str:
    """ssh's complaint, with what to do when it is the first connection to the server: the
    command to connect once names the deploy's key (and its known_hosts file), so that it
    logs in as the deploy will."""
    stderr = stderr.strip()
    if "Host key verification failed" not in stderr:
        return stderr
    once = ssh_command(port, identity)
    if known_hosts:
        once += ["-o", f"UserKnownHostsFile={Path(known_hosts).expanduser()}"]
    connect = (
        f"connect once with `{shlex.join([*once, host])}` and answer yes if the key is your"
        " server's"
    )
    if known_hosts:
        return (
            f"{stderr} The server's key is not in {known_hosts}: add it with "
            f"`ssh-keyscan -p {port} {host.rpartition('@')[2]} >> {known_hosts}`, after checking "
            f"it is your server's (or {connect}), then publish again."
        )
    return (
        f"{stderr} This computer has not connected to {host} before: {connect} (or set DEPLOY "
        "'known_hosts', see the README), then publish again."
    )


def _count(stats: str, pattern: str) -> int:
    """A number from rsync's `--stats`, such as `Number of files: 1,234 (reg: 1,200, …)`."""
    match = re.search(rf"^{pattern}([\d,]+)", stats, re.MULTILINE)
    return int(match.group(1).replace(",", "")) if match else 0


def deploy_rsync(
    output: Path,
    destination: str,
    keep: int = 3,
    *,
    port: int = 22,
    identity: str = "",
    known_hosts: str = "",
) -> str:
    """rsync into `destination/releases/<time>/`, then point `destination/current` at it.

    `destination` is `user@host:/srv/blog` (over SSH) or a local path. Serve `current/`.
    Every build writes fresh files, so files are compared by content (`--checksum`), not by
    time: a file whose content did not change is not sent but hard-linked to the previous
    release, keeping its time (and so its `Last-Modified` and `ETag` in the web server).
    """
    if shutil.which("rsync") is None:
        raise DeployError("rsync is not installed")
    host, _, root = destination.rpartition(":") if ":" in destination else ("", "", destination)
    release = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    ssh = ssh_command(port, identity, known_hosts)

    def remote(command: str) -> str:
        args = [*ssh, host, command] if host else ["sh", "-c", command]
        result = subprocess.run(args, capture_output=True, text=True, check=False)
        if result.returncode != 0:
            problem = ssh_problem(result.stderr, host, port, identity, known_hosts)
            raise DeployError(f"{command!r} failed: {problem}")
        return result.stdout.strip()

    quoted = shlex.quote(root)
    where = f"on {host}" if host else "here"
    # The folder is made once by the writer: a mistyped path must not become a new folder.
    if remote(f"test -d {quoted} && echo yes || echo no") != "yes":
        raise DeployError(
            f"the deploy folder {root} does not exist {where}: correct DEPLOY 'destination', "
            f"or make the folder once (`mkdir {root}`, owned by the user you deploy as)"
        )
    remote(f"mkdir -p {quoted}/releases")
    target = f"{host + ':' if host else ''}{root}/releases/{release}/"
    result = subprocess.run(
        ["rsync", "--archive", "--no-times", "--checksum", "--delete", "--stats",
         "--rsh", shlex.join(ssh), "--link-dest", "../../current/", f"{output}/", target],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    if result.returncode != 0:
        raise DeployError(
            f"rsync failed: {ssh_problem(result.stderr, host, port, identity, known_hosts)}"
        )
    sent = _count(result.stdout, "Number of regular files transferred: ")
    total = _count(result.stdout, r"Number of files: .*reg: ")
    # Nothing sent: each file is the one at its place in `current`. With as many files
    # there, the site is the same, and a release that changes nothing would only push the
    # oldest one worth going back to out of `keep` (a publish on a timer runs hourly).
    if sent == 0:
        there = remote(f"cd {quoted} && find current/ -type f 2>/dev/null | wc -l")
        if there == str(total):
            remote(f"cd {quoted} && rm -rf releases/{release}")
            return f"{destination}/current is up to date: nothing changed, no new release"
    remote(
        f"cd {quoted} && ln -sfn releases/{release} current.new && mv -Tf current.new current"
        f" && ls -1d releases/* | head -n -{keep} | xargs -r rm -rf"
    )
    if sent == total:
        return f"deployed release {release} to {destination}/current: all {total} files sent"
    return (
        f"deployed release {release} to {destination}/current: {sent} of {total} files sent,"
        " the others unchanged"
    )


def deploy(output: Path, config: dict) -> str:
    """Deploy `output` as `config` (the `DEPLOY` setting) says; returns what was done."""
    if not config:
        raise DeployError("set DEPLOY in publishconf.py: a target of 'folder', 'git' or 'rsync'")
    problems = deploy_problems(config)
    if problems:
        raise DeployError("; ".join(problems))
    target = config.get("target")
    if target == "folder":
        return deploy_folder(output, Path(config["path"]))
    if target == "git":
        branch, cname = config.get("branch", "gh-pages"), config.get("cname", "")
        return deploy_git(output, config["repository"], branch, cname)
    options = {key: config[key] for key in ("port", "identity", "known_hosts") if key in config}
    return deploy_rsync(output, config["destination"], config.get("keep", 3), **options)
