"""`pathways new-blog` (`make new-blog`): make a clone of this project someone's own blog.

It takes the site's name, author, subtitle, address and time zone; removes everything in
`content/` that belongs to the sample blog (posts, pages, glossary, images, the sample log,
comments) and the settings that name it; writes the two pages every site needs; and installs
what publishes on a schedule (`publishing/` and a GitHub Actions workflow). The result builds
and passes `make check`. A writer moving from Blogger runs it before the import.
"""

import argparse
import ast
import json
import shlex
import shutil
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pathways.site.checks import placeholder_or_loopback

AUTOMATION = Path(__file__).parent / "automation"
# What new-blog installs in the project (the files that publish on a schedule): once it is
# there, content/ is the writer's own.
PUBLISHING = "publishing"
# Folders of `content/` that hold the sample blog.
SAMPLE_FOLDERS = ("posts", "pages", "glossary", "images", "data", "comments", "extra")

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
            "PROFILE_TEXT": "",
            "FOOTER_TEXT": "",
            "DISCLAIMER_TAGS": [],
            "DISCLAIMER_CATEGORIES": [],
            "POPULAR_POSTS_SOURCES": [],
            "POPULAR_POSTS_TODAY": None,
        },
        "publish": {"SITEURL": siteurl},
    }


def _python(value: Any) -> str:
    """`value` as Python source, strings in double quotes as in the settings files."""
    return json.dumps(value, ensure_ascii=False) if isinstance(value, str) else repr(value)


def set_settings(path: Path, values: dict[str, Any]) -> None:
    """Rewrite the top-level assignments of `values`' names in a settings file (appending
    those it lacks), leaving everything else as it was."""
    text = path.read_text(encoding="utf-8")
    lines = text.splitlines(keepends=True)
    spans = {}
    for node in ast.parse(text).body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target = node.targets[0]
            if isinstance(target, ast.Name) and target.id in values:
                spans[target.id] = (node.lineno - 1, node.end_lineno)
    for name, (start, end) in sorted(spans.items(), key=lambda item: -item[1][0]):
        lines[start:end] = [f"{name} = {_python(values[name])}\n"]
    missing = [
        f"{name} = {_python(value)}\n" for name, value in values.items() if name not in spans
    ]
    path.write_text("".join(lines + missing), encoding="utf-8")


def sample_files(root: Path) -> list[Path]:
    content = root / "content"
    return [content / folder for folder in SAMPLE_FOLDERS if (content / folder).exists()]


def make_blog(root: Path, settings: dict) -> list[str]:
    """Turn the project at `root` into a new, empty blog; returns what was done."""
    done = []
    for folder in sample_files(root):
        shutil.rmtree(folder)
        done.append(f"removed {folder.relative_to(root)}/")
    pages = root / "content" / "pages"
    pages.mkdir(parents=True)
    (root / "content" / "posts").mkdir()
    (pages / "404.md").write_text(NOT_FOUND_PAGE, encoding="utf-8")
    set_settings(root / "pelicanconf.py", settings["preview"])
    set_settings(root / "publishconf.py", settings["publish"])
    done.append("wrote pelicanconf.py and publishconf.py (name, author, address, time zone)")
    publishing = root / PUBLISHING
    publishing.mkdir(exist_ok=True)
    # The folder as each file reads it: quoted for cron's shell (where % ends the command),
    # with systemd's % specifiers escaped.
    project = {
        "pathways-publish.service": str(root).replace("%", "%%"),
        "pathways-publish.timer": str(root),
        "crontab.txt": shlex.quote(str(root)).replace("%", "\\%"),
    }
    for template, folder in project.items():
        text = (AUTOMATION / template).read_text(encoding="utf-8")
        (publishing / template).write_text(text.replace("{project}", folder), encoding="utf-8")
    workflow = root / ".github" / "workflows" / "publish.yml"
    workflow.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(AUTOMATION / "github-publish.yml", workflow)
    done.append("installed publishing/ (systemd timer, cron line), .github/workflows/publish.yml")
    return done


NEXT_STEPS = """
Your blog is ready. Next:
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
            raise NewBlogError(f"give --{option} ({question})")
        return check(default)
    shown = f" [{default}]" if default else ""
    while True:
        try:
            return check(input(f"{question}{shown}: ").strip() or default or "")
        except NewBlogError as error:
            # Asked, not given: the message names the answer, not the option.
            print(f"  {str(error).removeprefix(f'--{option}').lstrip(': ')}", file=sys.stderr)


def run(args: argparse.Namespace, settings_file: Path) -> int:
    root = settings_file.resolve().parent
    if (root / PUBLISHING).is_dir() and sample_files(root):
        print(
            f"new-blog: this blog is yours already ({PUBLISHING}/ is there), and its content/ "
            "holds your posts, which new-blog would delete. To change the name, address or "
            "time zone, edit pelicanconf.py and publishconf.py. Nothing was changed.",
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
    removed = sample_files(root)
    if removed and not args.yes:
        listing = ", ".join(f"{path.relative_to(root)}/" for path in removed)
        if not sys.stdin.isatty():
            print(f"new-blog would remove {listing}: add --yes to go ahead.", file=sys.stderr)
            return 2
        try:
            answer = input(f"This removes {listing}. Type yes to go ahead: ").strip()
        except (EOFError, KeyboardInterrupt):
            answer = ""
        if answer != "yes":
            print("Nothing was changed.", file=sys.stderr)
            return 1
    for line in make_blog(root, settings):
        print(line)
    print(NEXT_STEPS)
    return 0


def add_parser(commands: argparse._SubParsersAction) -> argparse.ArgumentParser:
    new_blog = commands.add_parser(
        "new-blog", help="make this project your own, empty blog (removes the sample content)"
    )
    new_blog.add_argument("--name", help="the site's name (SITENAME)")
    new_blog.add_argument("--author", help="your name as the author (AUTHOR)")
    new_blog.add_argument("--subtitle", help="a line under the name (SITESUBTITLE)")
    new_blog.add_argument("--siteurl", help="the live address, https://… (SITEURL)")
    new_blog.add_argument("--timezone", help="your time zone, e.g. Europe/Berlin (TIMEZONE)")
    new_blog.add_argument("--yes", action="store_true", help="remove the sample without asking")
    new_blog.add_argument("--settings", help="the preview settings (default: pelicanconf.py)")
    return new_blog
