"""`pathways new-blog PATH` (`make new-blog BLOG=PATH`): make a writer's blog, a folder of her own.

It takes the site's name, author, subtitle, address and time zone, and makes the folder:
`content/` with the two pages every site needs, short settings files with her values alone
(every other setting comes from the engine), the engine's version pinned, places for her
own templates and plugins, and the engine's files (see `pathways.blog.layout`), in a git
repository with a first commit when git is installed. The result builds and passes
`make check`. A writer moving from Blogger runs it before the import.
"""

import argparse
import json
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pathways import engine
from pathways.blog.channel import installed_from, record
from pathways.blog.layout import (
    CONTENT_FOLDERS,
    OVERRIDES,
    OWN_PLUGINS,
    write_engine_files,
)
from pathways.site.checks import placeholder_or_loopback

NOT_FOUND_PAGE = """\
Title: Page not found
Slug: not-found
Status: hidden
Template: 404
Save_as: 404.html
URL: 404.html
Summary: The page you were looking for is not here.

Sorry, there is nothing at this address. It may have moved, or the link may have a typo.
"""


class NewBlogError(Exception):
    """What the writer gave cannot make a blog; the message says what to change."""


def _text(option: str, value: str, required: bool = True) -> str:
    value = " ".join(value.split())
    if required and not value:
        raise NewBlogError(f"--{option}: this cannot be empty")
    return value


def _siteurl(value: str) -> str:
    siteurl = value.strip().rstrip("/")
    if not siteurl.startswith(("https://", "http://")) or "//" not in siteurl[:8]:
        raise NewBlogError(f"--siteurl {siteurl!r}: give the full address, https://…")
    wrong = placeholder_or_loopback(siteurl)
    if wrong:
        raise NewBlogError(f"--siteurl {siteurl} is {wrong} address: give the blog's own address")
    return siteurl


def _timezone(value: str) -> str:
    try:
        ZoneInfo(value.strip())
    except (ZoneInfoNotFoundError, ValueError):
        raise NewBlogError(
            f"--timezone {value!r} is not a time zone: use a name like Europe/Berlin"
        ) from None
    return value.strip()


# Each answer: its option, the question, its default (None: required) and its check.
QUESTIONS: tuple[tuple[str, str, str | None, Callable[[str], str]], ...] = (
    ("name", "The site's name", None, lambda v: _text("name", v)),
    ("author", "Your name as the author", None, lambda v: _text("author", v)),
    ("subtitle", "A line under the name (may be empty)", "", lambda v: _text("subtitle", v, False)),
    ("siteurl", "The blog's address, https://…", None, _siteurl),
    ("timezone", "Your time zone", "UTC", _timezone),
)


def checked(name: str, author: str, subtitle: str, siteurl: str, timezone: str) -> dict:
    """The settings the answers give, or NewBlogError naming the answer to change."""
    answers = (name, author, subtitle, siteurl, timezone)
    name, author, subtitle, siteurl, timezone = (
        check(answer) for (_, _, _, check), answer in zip(QUESTIONS, answers, strict=True)
    )
    return {
        "preview": {
            "SITENAME": name,
            "AUTHOR": author,
            "SITESUBTITLE": subtitle,
            "TIMEZONE": timezone,
            # The engine's footer speaks of medical advice; hers says nothing until she sets it.
            "FOOTER_TEXT": "",
        },
        "publish": {"SITEURL": siteurl},
    }


def python_value(value: Any) -> str:
    """`value` as Python source, strings in double quotes as in the settings files."""
    return json.dumps(value, ensure_ascii=False) if isinstance(value, str) else repr(value)


def _assignments(values: dict[str, Any]) -> str:
    return "".join(f"{name} = {python_value(value)}\n" for name, value in values.items())


PREVIEW_SETTINGS = '''"""Your blog's settings for the preview (`make html`, `make devserver`).

Every setting starts at the engine's default (its README, "Settings", lists them): set here
only what is yours. A name the engine does not know is named when you build.
"""

from pathways.defaults import *  # noqa: F403

'''

PUBLISH_SETTINGS = '''"""Your blog's settings for production (`make check`, `make publish`): the
preview's, then the engine's production defaults, then yours.
"""

import os
import sys

# This blog's pelicanconf.py, whatever else Python has found or loaded by that name.
sys.path.insert(0, os.path.dirname(__file__))
sys.modules.pop("pelicanconf", None)
# The order matters (the preview's settings, then production's): imports are not sorted here.
# isort: off
from pelicanconf import *  # noqa: F403
from pathways.defaults.production import *  # noqa: F403
from pathways.plugin_order import production_plugins
# isort: on

PLUGINS = production_plugins(PLUGINS)  # noqa: F405

'''

PUBLISH_AFTER = """FEED_DOMAIN = SITEURL

# Where `make publish` deploys after building and checking (the engine's README, "Publishing"):
#   {"target": "folder", "path": "/srv/blog"}
#   {"target": "git", "repository": "git@github.com:me/me.github.io.git", "branch": "gh-pages"}
#   {"target": "rsync", "destination": "me@host:/srv/blog"}
DEPLOY = {}
"""

README = """# {name}

My blog, built with the pathways engine (the version in `requirements.txt`).

    make new TITLE="My post"   start a post in content/posts/ (a draft until Status: draft goes)
    make devserver             preview on http://127.0.0.1:8000/, updated as I save
    make html                  build the preview into output/
    make test                  build for production and check it (and test my own plugins)
    make publish               build, check and put the site online (DEPLOY in publishconf.py)
    make upgrade               move to the engine's newest version (VERSION=x.y.z for another)

What is mine: `content/` (posts, pages, images, comments), `pelicanconf.py` and
`publishconf.py` (only what differs from the engine's defaults), `templates/` (my versions of
the theme's templates: a file here with a template's name is used instead of it) and
`plugins/` (my own Pelican plugins: add them with `PLUGINS = [*PLUGINS, "mine"]`).
`engine-releases` says where the engine's releases are (`make` installs it from there,
`make upgrade` looks there for the newest).
The Makefile, `.github/workflows/`, `publishing/` and the npm manifest belong to the engine:
`make upgrade` writes them anew and shows what changed.
"""


def requirements(version: str = engine.__version__) -> str:
    return (
        "# The engine this blog is built with: `make upgrade` moves the pin.\n"
        f"{engine.DISTRIBUTION}=={version}\n"
    )


def channel_for(given: str | None) -> str:
    """The release channel a new blog records: `given`, else where this engine came from (a
    folder as an absolute path)."""
    releases = given or installed_from()
    return releases if "://" in releases else str(Path(releases).expanduser().resolve())


def make_blog(root: Path, settings: dict, releases: str) -> list[str]:
    """Make the blog at `root` (a new or empty folder), its engine installed from the channel
    `releases` (see `pathways.blog.channel`); returns what was done."""
    content = root / "content"
    for folder in CONTENT_FOLDERS:
        (content / folder).mkdir(parents=True, exist_ok=True)
    (content / "pages" / "404.md").write_text(NOT_FOUND_PAGE, encoding="utf-8")
    for folder in (OVERRIDES, OWN_PLUGINS):
        (root / folder).mkdir(exist_ok=True)
        (root / folder / ".gitkeep").touch()
    preview = PREVIEW_SETTINGS + _assignments(settings["preview"])
    (root / "pelicanconf.py").write_text(preview, encoding="utf-8")
    publish = PUBLISH_SETTINGS + _assignments(settings["publish"]) + PUBLISH_AFTER
    (root / "publishconf.py").write_text(publish, encoding="utf-8")
    (root / "requirements.txt").write_text(requirements(), encoding="utf-8")
    record(root, releases)
    gitignore = (engine.BLOG_FILES / "gitignore").read_text(encoding="utf-8")
    (root / ".gitignore").write_text(gitignore, encoding="utf-8")
    readme = README.format(name=settings["preview"]["SITENAME"])
    (root / "README.md").write_text(readme, encoding="utf-8")
    write_engine_files(root)
    return [
        f"made {root}: content/, pelicanconf.py, publishconf.py (name, author, address,"
        f" time zone), requirements.txt ({engine.DISTRIBUTION} {engine.__version__}),"
        f" engine-releases (the engine's releases: {releases}),"
        " templates/, plugins/, the Makefile, publishing/ (systemd timer, cron line),"
        " .github/workflows/publish.yml"
    ]


def first_commit(root: Path) -> str:
    """Make the blog at `root` a git repository (branch `main`, which the GitHub workflow
    publishes) with her files in a first commit; returns what was done, or why not."""
    if shutil.which("git") is None:
        return (
            "git is not installed: the blog is not a git repository yet (install git, then"
            " `git init -b main && git add -A && git commit -m 'A new blog'` in it)."
        )
    steps = (
        ["git", "init", "--quiet", "--initial-branch=main"],
        ["git", "add", "--all"],
        ["git", "commit", "--quiet", "-m", f"A new blog, made with {engine.DISTRIBUTION}"],
    )
    for step in steps:
        result = subprocess.run(step, cwd=root, capture_output=True, text=True, check=False)
        if result.returncode != 0:
            return (
                f"`{' '.join(step[:2])}` failed ({' '.join(result.stderr.split())}): make the"
                " first commit yourself, `git add -A && git commit -m 'A new blog'`."
            )
    return (
        "made it a git repository (branch main) with your files in a first commit: push it"
        " to a repository of your own (`git remote add origin <address> && git push -u origin"
        " main`)."
    )


NEXT_STEPS = """
Your blog is ready. Next, in {root}:
  make new TITLE="My first post"   write a post (a draft until you remove Status: draft)
  make devserver                   preview it on http://127.0.0.1:8000/
  make check                       build for production and check it
Set DEPLOY in publishconf.py, then `make publish`. To publish on a schedule, see publishing/.
"""


def _answer(
    args: argparse.Namespace, option: str, question: str, default: str | None, check
) -> str:
    """The option's value, checked; without it, the answer to `question` on a terminal, asked
    again until it passes its check (or the default, when there is no terminal)."""
    given = getattr(args, option)
    if given is not None:
        return check(given)
    if not sys.stdin.isatty():
        if default is None:
            flags = ", ".join(f"--{name}" for name, *_ in QUESTIONS)
            raise NewBlogError(
                f"give --{option} ({question}): without a terminal to ask on (answers piped"
                f" in, a script), new-blog reads no answers, only its options: {flags}"
            )
        return check(default)
    shown = f" [{default}]" if default else ""
    while True:
        try:
            return check(input(f"{question}{shown}: ").strip() or default or "")
        except NewBlogError as error:
            # Asked, not given: the message names the answer, not the option.
            print(f"  {str(error).removeprefix(f'--{option}').lstrip(': ')}", file=sys.stderr)


def run(args: argparse.Namespace, settings_file: Path) -> int:
    root = Path(args.path).resolve()
    if root.exists() and (not root.is_dir() or any(root.iterdir())):
        print(
            f"new-blog: {root} is not an empty folder; give a new one (nothing was changed)."
            " To change a blog's name, address or time zone, edit its pelicanconf.py and"
            " publishconf.py.",
            file=sys.stderr,
        )
        return 2
    try:
        settings = checked(*(_answer(args, *question) for question in QUESTIONS))
    except NewBlogError as error:
        print(f"new-blog: {error}", file=sys.stderr)
        return 2
    except (EOFError, KeyboardInterrupt):
        print("\nNothing was changed.", file=sys.stderr)
        return 1
    for line in make_blog(root, settings, channel_for(args.releases)):
        print(line)
    print(first_commit(root))
    print(NEXT_STEPS.format(root=root))
    return 0


def add_parser(commands: argparse._SubParsersAction) -> argparse.ArgumentParser:
    new_blog = commands.add_parser("new-blog", help="make a new blog in a folder of its own")
    new_blog.add_argument("path", help="the blog's folder (new, or empty)")
    new_blog.add_argument("--name", help="the site's name (SITENAME)")
    new_blog.add_argument("--author", help="your name as the author (AUTHOR)")
    new_blog.add_argument("--subtitle", help="a line under the name (SITESUBTITLE)")
    new_blog.add_argument("--siteurl", help="the live address, https://… (SITEURL)")
    new_blog.add_argument("--timezone", help="your time zone, e.g. Europe/Berlin (TIMEZONE)")
    new_blog.add_argument(
        "--releases",
        help="where the engine's releases are: a folder or page of its wheels, or git+ and its"
        " repository's address (default: where this engine was installed from)",
    )
    return new_blog
