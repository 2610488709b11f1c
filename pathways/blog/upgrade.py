"""`pathways upgrade [VERSION]` (`make upgrade`): move a blog to another engine version.

It finds the version (the newest, without one) in the blog's release channel (see
`pathways.blog.channel`), moves the pin in its `requirements.txt`, installs that version
from the channel, and then, run by the version just installed (`--finish`): writes the
engine's files anew showing what changed (see `pathways.blog.layout`), renames settings that
changed name with a message for each (`pathways.blog.renamed`), prints what the changelog
says of the versions between, and builds and checks the site. It never touches `content/`,
`templates/` or `plugins/`.
"""

import argparse
import re
import subprocess
import sys
from pathlib import Path

from pathways import __version__, engine
from pathways.blog.channel import (
    FILE,
    ChannelError,
    install_command,
    record,
    recorded,
    releases,
    version_key,
)
from pathways.blog.layout import write_engine_files
from pathways.blog.renamed import rename_settings

SETTINGS_FILES = ("pelicanconf.py", "publishconf.py")
PIN = re.compile(rf"^{re.escape(engine.DISTRIBUTION)}\s*==\s*(\S+)\s*$", re.MULTILINE)
VERSION = re.compile(r"^\d+(\.\d+)*$")


class UpgradeError(Exception):
    """The blog could not be moved; the message says what to do."""


def pinned(requirements: Path) -> str | None:
    found = PIN.search(requirements.read_text(encoding="utf-8"))
    return found.group(1) if found else None


def _pin(requirements: Path, version: str) -> None:
    text = requirements.read_text(encoding="utf-8")
    line = f"{engine.DISTRIBUTION}=={version}"
    text = PIN.sub(line, text) if PIN.search(text) else text.rstrip("\n") + f"\n{line}\n"
    requirements.write_text(text, encoding="utf-8")


def _pip(*command: str) -> subprocess.CompletedProcess:
    return subprocess.run(command, capture_output=True, text=True, check=False)


def newest(channel: str, version: str | None) -> str:
    """`version` when the channel has it, else the channel's newest; UpgradeError when the
    channel cannot be read, is empty or lacks `version`."""
    try:
        found = releases(channel)
    except ChannelError as error:
        raise UpgradeError(str(error)) from None
    if not found:
        raise UpgradeError(f"{channel} has no release of {engine.DISTRIBUTION}")
    if version is not None and version not in found:
        raise UpgradeError(
            f"{channel} has no {engine.DISTRIBUTION} {version} (it has {', '.join(found)})"
        )
    return version or found[-1]


def install(root: Path, version: str, channel: str) -> str:
    """Pin `version` and install it from `channel` (the engine from there alone, then the
    blog's requirements); returns it."""
    requirements = root / "requirements.txt"
    before = requirements.read_text(encoding="utf-8")
    _pin(requirements, version)
    for command in (
        install_command(sys.executable, channel, version),
        [sys.executable, "-m", "pip", "install", "--quiet", "-r", str(requirements)],
    ):
        result = _pip(*command)
        if result.returncode != 0:
            requirements.write_text(before, encoding="utf-8")
            raise UpgradeError(
                f"{engine.DISTRIBUTION} {version} could not be installed from {channel}"
                f" (requirements.txt is as it was):\n{result.stderr.strip()}"
            )
    return version


def changes_between(old: str, new: str, changelog: str) -> str:
    """The changelog's sections of the versions after `old` up to `new`."""
    sections = re.split(r"^## ", changelog, flags=re.MULTILINE)[1:]
    kept = []
    for section in sections:
        version = section.split("\n", 1)[0].strip()
        if VERSION.match(version) and (version_key(old) < version_key(version) <= version_key(new)):
            kept.append(f"## {section.rstrip()}")
    return "\n\n".join(kept)


def _run(root: Path, *command: str) -> bool:
    print(f"$ pathways {' '.join(command)}", flush=True)
    return subprocess.run([sys.executable, "-m", "pathways", *command], cwd=root).returncode == 0


def finish(root: Path, old: str) -> int:
    """The steps the new engine takes in the blog at `root`, upgraded from `old`."""
    for change in write_engine_files(root):
        print(change)
    for name in SETTINGS_FILES:
        if (root / name).exists():
            for message in rename_settings(root / name):
                print(message)
    if engine.CHANGELOG.exists():
        news = changes_between(old, __version__, engine.CHANGELOG.read_text(encoding="utf-8"))
        if news:
            print(f"\nWhat changed since {old}:\n\n{news}\n")
    built = _run(root, "build") and _run(root, "build", "--publish") and _run(root, "check")
    if not built:
        print(
            f"The blog is on {engine.DISTRIBUTION} {__version__}, but it did not build or pass"
            " its checks: fix what is named above, then run make check.",
            file=sys.stderr,
        )
        return 1
    print(f"Upgraded from {old} to {__version__}: built and checked.")
    return 0


def run(args: argparse.Namespace, settings_file: Path) -> int:
    root = Path.cwd()
    if args.finish:
        return finish(root, args.finish)
    requirements = root / "requirements.txt"
    if not requirements.exists() or pinned(requirements) is None:
        print(
            f"upgrade: {root} has no requirements.txt pinning {engine.DISTRIBUTION}: run it in"
            " a blog made by new-blog (or move-blog).",
            file=sys.stderr,
        )
        return 2
    if args.version is not None and not VERSION.match(args.version):
        print(f"upgrade: {args.version!r} is not a version such as 0.2.0", file=sys.stderr)
        return 2
    old = pinned(requirements) or __version__
    channel = args.releases or recorded(root)
    if not channel:
        print(
            f"upgrade: {root} does not say where the engine's releases are: give --releases"
            " (a folder or page of its wheels, or git+ and its repository's address)",
            file=sys.stderr,
        )
        return 2
    try:
        new = newest(channel, args.version)
        if args.version is None and version_key(new) <= version_key(old):
            print(
                f"The blog is already on {engine.DISTRIBUTION} {old}, the newest in {channel}."
                " Nothing was changed."
            )
            return 0
        install(root, new, channel)
    except UpgradeError as error:
        print(f"upgrade: {error}", file=sys.stderr)
        return 1
    if recorded(root) is None:
        record(root, channel)
    print(f"Installed {engine.DISTRIBUTION} {new} (was {old}).", flush=True)
    # The version just installed takes the next steps: this process still runs the old one.
    command = [sys.executable, "-m", "pathways", "upgrade", "--finish", old]
    return subprocess.run(command, cwd=root).returncode


def add_parser(commands: argparse._SubParsersAction) -> argparse.ArgumentParser:
    upgrade = commands.add_parser(
        "upgrade", help="move this blog to another engine version, then build and check it"
    )
    upgrade.add_argument("version", nargs="?", help="the version (default: the newest)")
    upgrade.add_argument(
        "--releases",
        help="where the engine's releases are: a folder or page of its wheels, or git+ and"
        f" its repository's address (default: the blog's {FILE} file)",
    )
    upgrade.add_argument("--finish", metavar="OLD", help=argparse.SUPPRESS)
    return upgrade
