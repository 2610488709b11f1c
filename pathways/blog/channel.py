"""Where a blog's engine comes from: its release channel, recorded in the blog.

A channel lists every release of the engine: a folder of its wheels, the address of a page
linking to them, or `git+` and the address of its repository (a release is a tag `vX.Y.Z`).
`new-blog` records the channel the engine was installed from in the blog's `engine-releases`
file; the Makefile installs the engine from there and `upgrade` looks there for the newest.
The engine itself is only ever installed from the channel (never by its name from a package
index, where anyone may publish a higher version under it); its dependencies come from the
blog's requirements as usual.
"""

import json
import os
import re
import subprocess
from html.parser import HTMLParser
from importlib import metadata
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit
from urllib.request import url2pathname, urlopen

from pathways import engine

FILE = "engine-releases"
GIT = "git+"
# A release's wheel, as `pip wheel` names it.
WHEEL = re.compile(rf"^{engine.DISTRIBUTION.replace('-', '_')}-(\d+(?:\.\d+)*)-[^/]*\.whl$")
TAG = re.compile(r"^[0-9a-f]+\s+refs/tags/v(\d+(?:\.\d+)*)$")
HEADER = """\
# Where this blog's engine comes from (its releases): a folder of its wheels, the address of
# a page linking to them, or git+ and the address of its repository. `make` installs the
# engine from here, `make upgrade` looks here for the newest. Change it to move.
"""


class ChannelError(Exception):
    """The channel cannot be read; the message names it and says why."""


def version_key(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in version.split("."))


def installed_from() -> str:
    """The channel the running engine was installed from: the folder of the wheel file or the
    git repository pip recorded (direct_url.json), else `ENGINE_RELEASES`, else the engine's
    repository."""
    try:
        recorded = metadata.distribution(engine.DISTRIBUTION).read_text("direct_url.json")
    except metadata.PackageNotFoundError:
        recorded = None
    if recorded:
        direct = json.loads(recorded)
        url = direct.get("url", "")
        if "vcs_info" in direct and direct["vcs_info"].get("vcs") == "git":
            return GIT + url
        if url.startswith("file:") and url.endswith(".whl"):
            return str(Path(url2pathname(urlsplit(url).path)).parent)
    return os.environ.get("ENGINE_RELEASES") or GIT + engine.REPOSITORY


def recorded(root: Path) -> str | None:
    """The channel recorded in the blog at `root`, or None."""
    path = root / FILE
    if not path.exists():
        return None
    lines = path.read_text(encoding="utf-8").splitlines()
    found = [line.strip() for line in lines if line.strip() and not line.startswith("#")]
    return found[0] if found else None


def record(root: Path, channel: str) -> None:
    (root / FILE).write_text(f"{HEADER}{channel}\n", encoding="utf-8")


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            self.hrefs.extend(value for name, value in attrs if name == "href" and value)


def _names(channel: str) -> list[str]:
    """The file names the channel (a folder, or a page) lists."""
    if "://" not in channel:
        folder = Path(channel).expanduser()
        if not folder.is_dir():
            raise ChannelError(f"{channel}: no such folder of the engine's wheels")
        return [path.name for path in folder.iterdir()]
    try:
        with urlopen(channel, timeout=60) as page:
            html = page.read(10_000_000).decode("utf-8", "replace")
    except (OSError, ValueError) as error:
        raise ChannelError(f"{channel}: cannot be read ({error})") from None
    links = _Links()
    links.feed(html)
    return [
        unquote(urlsplit(urljoin(channel, href)).path.rsplit("/", 1)[-1]) for href in links.hrefs
    ]


def _tags(repository: str) -> list[str]:
    result = subprocess.run(
        ["git", "ls-remote", "--tags", "--refs", repository],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    if result.returncode != 0:
        raise ChannelError(f"{GIT}{repository}: cannot be read ({result.stderr.strip()})")
    return result.stdout.splitlines()


def releases(channel: str) -> list[str]:
    """Every version the channel has, oldest first."""
    if channel.startswith(GIT):
        found = (TAG.match(line) for line in _tags(channel.removeprefix(GIT)))
    else:
        found = (WHEEL.match(name) for name in _names(channel))
    return sorted({match.group(1) for match in found if match}, key=version_key)


def install_command(python: str, channel: str, version: str) -> list[str]:
    """The pip command that installs the engine `version` from `channel` alone, without its
    dependencies (the blog's requirements bring them)."""
    pip = [python, "-m", "pip", "install", "--quiet", "--no-deps"]
    if channel.startswith(GIT):
        return [*pip, f"{engine.DISTRIBUTION} @ {channel}@v{version}"]
    return [*pip, "--no-index", "--find-links", channel, f"{engine.DISTRIBUTION}=={version}"]
