"""`pathways server install` / `pathways server upgrade [VERSION]`: put the engine's server
files on the writer's server and restart what uses them.

Run on the server, in the blog's folder. `upgrade` first installs the engine version (the
one `requirements.txt` pins, or VERSION) from the blog's release channel. Both then write
each file of the engine's `server/` folder where it belongs, showing what changed: systemd
units (`*.service`, `*.timer`) into /etc/systemd/system/, nginx sites (`*.conf`) into
/etc/nginx/sites-available/ (enabled by a link in sites-enabled/), with the example domain
replaced by the blog's (its `SITEURL` in publishconf.py). A file changed on the server since
it was installed (certbot's HTTPS lines in the nginx site) is kept, the new version written
beside it to merge (`pathways.blog.conffile`). Then reload systemd, restart the services
(enable and start the timers, which start theirs), test nginx's configuration and reload it.
"""

import argparse
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

from pathways import engine
from pathways.blog import conffile
from pathways.blog.channel import recorded
from pathways.blog.upgrade import UpgradeError, install, pinned
from pathways.site.build import load_settings

UNITS = (".service", ".timer")
NGINX_SITES = ".conf"
# The domain the engine's nginx site is written for, replaced by the blog's own.
EXAMPLE_DOMAIN = "blog.example.org"
# What each file's version last installed was (see `pathways.blog.conffile`), under the root.
RECORD = Path("var/lib/pathways/server-files.json")
# The blog's folder on the server, as the README sets it up, with the engine in its .venv.
SERVER_FOLDER = "/srv/pathways"


def upgrade_command(version: str) -> str:
    """The command that moves the server to `version`, as it is typed there."""
    return f"cd {SERVER_FOLDER} && sudo {SERVER_FOLDER}/.venv/bin/pathways server upgrade {version}"


def places(root: Path) -> dict[Path, Path]:
    """Where each of the engine's server files goes, under the file system `root`."""
    found = {}
    for source in sorted(engine.SERVER.iterdir()):
        if source.suffix in UNITS:
            found[source] = root / "etc" / "systemd" / "system" / source.name
        elif source.suffix == NGINX_SITES:
            name = "blog" if source.stem == "nginx-site" else source.stem
            found[source] = root / "etc" / "nginx" / "sites-available" / name
    return found


def blog_domain(folder: Path) -> str | None:
    """The host name of the blog's address, from its production settings in `folder`."""
    settings_file = folder / "publishconf.py"
    if not settings_file.exists():
        return None
    return urlsplit(load_settings(settings_file).get("SITEURL", "")).hostname


def install_files(root: Path, domain: str | None) -> tuple[list[str], list[Path]]:
    """Write the server files under `root` for the blog at `domain`; returns what changed and
    the units written."""
    changes, units = [], []
    record = conffile.Record(root / RECORD)
    for source, target in places(root).items():
        text = source.read_text(encoding="utf-8")
        if domain and target.suffix not in UNITS:
            text = text.replace(EXAMPLE_DOMAIN, domain)
        change = conffile.install(target, text, record)
        if change:
            changes.append(change)
        if target.suffix in UNITS:
            units.append(target)
        else:
            enabled = target.parent.parent / "sites-enabled" / target.name
            if not enabled.is_symlink():
                enabled.parent.mkdir(parents=True, exist_ok=True)
                enabled.symlink_to(Path("..") / target.parent.name / target.name)
                changes.append(f"enabled {enabled} -> {target}")
    record.save()
    return changes, units


def restart_commands(units: list[Path]) -> list[list[str]]:
    """Reload systemd, restart each service a timer does not start, enable and start each
    timer (its service then runs when the timer says), then reload nginx."""
    timers = [unit.name for unit in units if unit.suffix == ".timer"]
    timed = {Path(name).stem for name in timers}
    services = [unit.name for unit in units if unit.suffix == ".service" and unit.stem not in timed]
    return [
        ["systemctl", "daemon-reload"],
        *(["systemctl", "restart", name] for name in services),
        *(["systemctl", "enable", "--now", name] for name in timers),
        ["nginx", "-t"],
        ["systemctl", "reload", "nginx"],
    ]


def run(args: argparse.Namespace, settings_file: Path) -> int:
    folder = Path.cwd()
    if args.action == "upgrade":
        requirements = folder / "requirements.txt"
        pin = pinned(requirements) if requirements.exists() else None
        if not (args.version or pin):
            print(
                f"server upgrade: run it in the blog's folder (its requirements.txt pins"
                f" {engine.DISTRIBUTION}), or give the version",
                file=sys.stderr,
            )
            return 2
        channel = args.releases or recorded(folder)
        if not channel:
            print(
                "server upgrade: the blog does not say where the engine's releases are: give"
                " --releases (a folder or page of its wheels, or git+ and its repository)",
                file=sys.stderr,
            )
            return 2
        try:
            version = install(folder, args.version or pin, channel)
        except UpgradeError as error:
            print(f"server upgrade: {error}", file=sys.stderr)
            return 1
        print(f"Installed {engine.DISTRIBUTION} {version}.", flush=True)
        # The version just installed writes its own files.
        command = [sys.executable, "-m", "pathways", "server", "install", "--root", args.root]
        return subprocess.run([*command, *(["--no-restart"] if args.no_restart else [])]).returncode
    changes, units = install_files(Path(args.root), blog_domain(folder))
    print("\n".join(changes) if changes else "The server's files were up to date.")
    commands = restart_commands(units)
    if args.no_restart:
        print("Not restarted; to use them, run:")
        print("\n".join("  " + " ".join(command) for command in commands))
        return 0
    for command in commands:
        if subprocess.run(command).returncode != 0:
            print(f"server: `{' '.join(command)}` failed (see above)", file=sys.stderr)
            return 1
    print(f"The server runs {engine.DISTRIBUTION} {engine.__version__}.")
    return 0


def add_parser(commands: argparse._SubParsersAction) -> argparse.ArgumentParser:
    server = commands.add_parser(
        "server", help="install or upgrade the comment service and nginx site on this server"
    )
    server.add_argument("action", choices=("install", "upgrade"))
    server.add_argument("version", nargs="?", help="upgrade: the version (default: the pin)")
    server.add_argument("--root", default="/", help="the file system to write into")
    server.add_argument("--no-restart", action="store_true", help="write the files only")
    server.add_argument(
        "--releases", help="upgrade: where the engine's releases are (default: engine-releases)"
    )
    return server
