"""`pathways upgrade [VERSION]` (`make upgrade`): move a blog to another engine version.

It moves the pin in the blog's `requirements.txt`, installs that version, and then, run by
the version just installed (`--finish`): writes the engine's files anew showing what
changed (see `pathways.blog.layout`), renames settings that changed name with a message for
each (`pathways.blog.renamed`), prints what the changelog says of the versions between, and
builds and checks the site. It never touches `content/`, `templates/` or `plugins/`.
"""

import argparse
import re
import subprocess
import sys
from pathlib import Path

from pathways import __version__, engine
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


def _pip(*args: str, find_links: list[str]) -> subprocess.CompletedProcess:
    links = [option for link in find_links for option in ("--find-links", link)]
    return subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", *links, *args],
        capture_output=True,
        text=True,
        check=False,
    )


def _installed_version() -> str:
    return subprocess.run(
        [sys.executable, "-c", "import pathways; print(pathways.__version__)"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()


def install(root: Path, version: str | None, find_links: list[str]) -> str:
    """Pin `version` (the newest one found, without one) and install it; returns it."""
    requirements = root / "requirements.txt"
    before = requirements.read_text(encoding="utf-8")
    if version is None:
        result = _pip("--upgrade", engine.DISTRIBUTION, find_links=find_links)
        if result.returncode != 0:
            raise UpgradeError(f"pip could not find a newer engine:\n{result.stderr.strip()}")
        version = _installed_version()
    _pin(requirements, version)
    result = _pip("-r", str(requirements), find_links=find_links)
    if result.returncode != 0:
        requirements.write_text(before, encoding="utf-8")
        raise UpgradeError(
            f"{engine.DISTRIBUTION} {version} could not be installed (requirements.txt is as"
            f" it was):\n{result.stderr.strip()}"
        )
    return version


def _version_key(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in version.split(".") if part.isdigit())


def changes_between(old: str, new: str, changelog: str) -> str:
    """The changelog's sections of the versions after `old` up to `new`."""
    sections = re.split(r"^## ", changelog, flags=re.MULTILINE)[1:]
    kept = []
    for section in sections:
        version = section.split("\n", 1)[0].strip()
        if VERSION.match(version) and (
            _version_key(old) < _version_key(version) <= _version_key(new)
        ):
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
    try:
        new = install(root, args.version, args.find_links)
    except UpgradeError as error:
        print(f"upgrade: {error}", file=sys.stderr)
        return 1
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
        "--find-links",
        action="append",
        default=[],
        help="where to find the engine's releases (a folder or a page of links; pip's option)",
    )
    upgrade.add_argument("--finish", metavar="OLD", help=argparse.SUPPRESS)
    return upgrade
