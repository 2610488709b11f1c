"""Deploy the built site: to a folder, to a git branch (GitHub Pages) or with rsync.

Each target is chosen in `publishconf.py` (`DEPLOY = {"target": …}`) and is atomic from a
reader's point of view where the target allows: a folder is swapped in with one rename, a
branch moves with one commit, rsync fills a new release folder and then switches a
`current` symlink.
"""

import os
import shlex
import shutil
import subprocess
import tempfile
from datetime import UTC, datetime
from pathlib import Path


class DeployError(Exception):
    """The deploy did not happen; the message says why. Nothing was half-replaced."""


def deploy_folder(output: Path, destination: Path) -> str:
    """Copy the site next to `destination`, then swap it in with renames."""
    destination = destination.resolve()
    destination.parent.mkdir(parents=True, exist_ok=True)
    incoming = Path(
        tempfile.mkdtemp(prefix=f".{destination.name}-incoming-", dir=destination.parent)
    )
    try:
        shutil.copytree(output, incoming, dirs_exist_ok=True)
        incoming.chmod(0o755)
    except OSError as error:
        shutil.rmtree(incoming, ignore_errors=True)
        raise DeployError(f"could not copy the site: {error}") from error
    previous = destination.with_name(f".{destination.name}-previous-{os.getpid()}")
    if destination.exists():
        destination.rename(previous)
    incoming.rename(destination)
    shutil.rmtree(previous, ignore_errors=True)
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


def deploy_rsync(output: Path, destination: str, keep: int = 3) -> str:
    """rsync into `destination/releases/<time>/`, then point `destination/current` at it.

    `destination` is `user@host:/srv/blog` (over SSH) or a local path. Serve `current/`.
    Unchanged files are hard-linked from the previous release, so only changes travel.
    """
    if shutil.which("rsync") is None:
        raise DeployError("rsync is not installed")
    host, _, root = destination.rpartition(":") if ":" in destination else ("", "", destination)
    release = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")

    def remote(command: str) -> None:
        args = ["ssh", host, command] if host else ["sh", "-c", command]
        result = subprocess.run(args, capture_output=True, text=True, check=False)
        if result.returncode != 0:
            raise DeployError(f"{command!r} failed: {result.stderr.strip()}")

    quoted = shlex.quote(root)
    remote(f"mkdir -p {quoted}/releases")
    target = f"{host + ':' if host else ''}{root}/releases/{release}/"
    result = subprocess.run(
        ["rsync", "-a", "--delete", "--link-dest", "../../current/", f"{output}/", target],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    if result.returncode != 0:
        raise DeployError(f"rsync failed: {result.stderr.strip()}")
    remote(
        f"cd {quoted} && ln -sfn releases/{release} current.new && mv -Tf current.new current"
        f" && ls -1d releases/* | head -n -{keep} | xargs -r rm -rf"
    )
    return f"deployed release {release} to {destination}/current"


def deploy(output: Path, config: dict) -> str:
    """Deploy `output` as `config` (the `DEPLOY` setting) says; returns what was done."""
    target = config.get("target")
    if target == "folder":
        return deploy_folder(output, Path(config["path"]))
    if target == "git":
        branch, cname = config.get("branch", "gh-pages"), config.get("cname", "")
        return deploy_git(output, config["repository"], branch, cname)
    if target == "rsync":
        return deploy_rsync(output, config["destination"], int(config.get("keep", 3)))
    raise DeployError("set DEPLOY in publishconf.py: a target of 'folder', 'git' or 'rsync'")
