"""`pathways stats`: write the private stats page into the blog (`stats/index.html`) and open it.

Without `--settings`, it uses the production settings (`publishconf.py`) when they name a
comment service (a laptop that publishes to a server of its own), else the preview's. When
the blog has a comment service, it first fetches the server's counts as `make publish`
does (`pathways.views.pull`), and the subscribers per month when readers follow by e-mail
(`pathways.follow.cli`); when it cannot, it says so and writes the page from what the blog has.
"""

import argparse
import sys
import webbrowser
from pathlib import Path
from typing import TYPE_CHECKING

from pathways.comments.model import CommentError
from pathways.follow.cli import confirmed_per_month, remote
from pathways.follow.settings import FOLLOW
from pathways.settings import read
from pathways.site.build import load_settings
from pathways.views.cli import _today
from pathways.views.pull import counts_before_publish

if TYPE_CHECKING:
    from pathways.stats.page import Subscribers

STATS_FILE = Path("stats") / "index.html"


def stats_path(settings_file: Path) -> Path:
    """Where the stats page goes: `stats/index.html` beside the settings file, outside the
    published site."""
    return settings_file.resolve().parent / STATS_FILE


def site_links(settings: dict) -> str | None:
    """The live site's address for links to posts, when the settings have one."""
    siteurl = str(settings.get("SITEURL") or "")
    return siteurl.rstrip("/") + "/" if siteurl.startswith(("https://", "http://")) else None


def pull_counts(settings: dict, settings_file: Path) -> None:
    """The server's counts into the blog, as `make publish` fetches them; when they cannot
    be fetched, say so: the page is then written from what the blog has."""
    try:
        pulled = counts_before_publish(settings, settings_file)
    except CommentError as error:
        print(
            f"The server's view counts could not be fetched: {error}\n"
            "The stats page is written from the counts the blog already has.",
            file=sys.stderr,
        )
        return
    if pulled:
        print(pulled)


def subscribers(settings: dict, settings_file: Path) -> "Subscribers | None":
    """How many readers confirmed following by e-mail in each month, from the service's
    token API (None when following is off); no address leaves this function."""
    from pathways.stats.page import Subscribers

    if not read(settings, FOLLOW)["FOLLOW_EMAIL"]:
        return None
    try:
        listed = remote(settings, settings_file).listing("confirmed")["subscribers"]
    except CommentError as error:
        print(f"The subscribers could not be fetched: {error}", file=sys.stderr)
        return Subscribers(problem=f"the comment service could not be asked ({error})")
    return Subscribers(confirmed_per_month(listed))


def chosen_settings(args: argparse.Namespace, settings_file: Path) -> Path:
    """The settings file given; without one, the production settings beside the preview's
    when they name a comment service (they also name the files of the server's counts)."""
    from pathways.cli import PUBLISH_SETTINGS

    production = settings_file.with_name(PUBLISH_SETTINGS)
    if args.settings or not production.is_file():
        return settings_file
    return production if load_settings(production).get("COMMENTS_ENDPOINT") else settings_file


def run(args: argparse.Namespace, settings_file: Path) -> int:
    from pathways.stats.page import stats_html

    settings_file = chosen_settings(args, settings_file)
    if not settings_file.is_file():
        print(f"pathways stats: no settings file {settings_file}", file=sys.stderr)
        return 2
    settings = load_settings(settings_file)
    links = site_links(settings) if args.links is None else args.links
    following = None
    if not args.no_pull:
        pull_counts(settings, settings_file)
        following = subscribers(settings, settings_file)
    page = stats_html(settings, today=args.today, links=links, subscribers=following)
    if args.output == "-":
        sys.stdout.write(page)
        return 0
    output = Path(args.output) if args.output else stats_path(settings_file)
    output.parent.mkdir(parents=True, exist_ok=True)
    partial = output.with_name(output.name + ".partial")
    partial.write_text(page, encoding="utf-8")
    partial.replace(output)
    print(f"Wrote the stats page to {output}")
    if not args.no_open and not webbrowser.open(output.resolve().as_uri()):
        print(f"Open {output.resolve().as_uri()} in a browser to see it.", file=sys.stderr)
    return 0


def add_parser(commands: argparse._SubParsersAction) -> argparse.ArgumentParser:
    stats = commands.add_parser("stats", help="write the private stats page and open it")
    stats.add_argument(
        "--settings",
        help="a Pelican settings file to use instead (default: publishconf.py when it sets "
        "COMMENTS_ENDPOINT, else pelicanconf.py)",
    )
    stats.add_argument(
        "--output", help=f"file to write, - for standard output (default: {STATS_FILE} in the blog)"
    )
    stats.add_argument(
        "--links", help="where links to posts start (default: SITEURL, when it is a web address)"
    )
    stats.add_argument(
        "--no-pull",
        action="store_true",
        help="do not ask the comment service for the server's counts and the subscribers",
    )
    stats.add_argument("--no-open", action="store_true", help="write the page, do not open it")
    stats.add_argument(
        "--today",
        type=_today,
        help="where counting ends: 2026-11-20 (end of that day) or 2026-11-20T23:59:59Z",
    )
    return stats
