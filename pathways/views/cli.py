"""`pathways views …`: the Popular Posts ranking from the command line, and the beacon export."""

import argparse
import sys
import tempfile
from pathlib import Path

from markupsafe import Markup

from pathways.comments.cli import database_path
from pathways.settings import read
from pathways.site.build import load_settings
from pathways.views.ranking import (
    build_resolver,
    rank_windows,
    window_label,
)
from pathways.views.settings import POPULAR_POSTS, check_window
from pathways.views.sources import expand_sources, read_sources
from pathways.views.store import ViewStore

BIG_INPUT = 20_000_000


def load_articles(settings: dict) -> list:
    """The site's published posts, read by Pelican with the site's plugins (nothing written)."""
    from pelican import Pelican
    from pelican.generators import ArticlesGenerator

    pelican = Pelican(settings)
    context = settings.copy()
    context.update(generated_content={}, static_links=set(), static_content={})
    context["localsiteurl"] = settings["SITEURL"]
    with tempfile.TemporaryDirectory() as scratch:
        generator = ArticlesGenerator(
            context=context,
            settings=settings,
            path=pelican.path,
            theme=pelican.theme,
            output_path=scratch,
        )
        generator.generate_context()
    return generator.articles


class ProgressBar:
    """A progress bar over the bytes of all sources, on a terminal and for big inputs only."""

    def __init__(self, files: list[Path]) -> None:
        self.total = sum(path.stat().st_size for path in files)
        self.bar = None
        self.finished = 0
        self.last = 0
        if sys.stderr.isatty() and self.total > BIG_INPUT:
            from rich.progress import Progress

            self.bar = Progress(transient=True)
            self.task = self.bar.add_task("Reading view data", total=self.total)

    def __enter__(self) -> "ProgressBar":
        if self.bar:
            self.bar.start()
        return self

    def __exit__(self, *exc_info) -> None:
        if self.bar:
            self.bar.stop()

    def advance(self, offset: int) -> None:
        """Called with the byte offset within the current file."""
        if offset < self.last:
            self.finished += self.last
        self.last = offset
        if self.bar:
            self.bar.update(self.task, completed=self.finished + offset)


def cmd_report(args: argparse.Namespace, settings: dict) -> int:
    config = read(settings, POPULAR_POSTS)
    if args.window:
        config["POPULAR_POSTS_WINDOWS"] = [check_window(window) for window in args.window]
    sources = args.source or config["POPULAR_POSTS_SOURCES"]
    base = Path(settings["PATH"])
    articles = load_articles(settings)
    resolve = build_resolver(articles, config["POPULAR_POSTS_REDIRECTS"])
    files, _ = expand_sources(sources, base)
    with ProgressBar(files) as progress:
        counts, stats = read_sources(sources, resolve, base, progress.advance)
    titles = {article.slug: Markup(article.title).striptags() for article in articles}
    for window, entries in rank_windows(articles, counts, config, settings):
        print(f"{window_label(window)} ({window}):")
        for position, entry in enumerate(entries, 1):
            print(f"  {position:>2}. {entry.views:>8,} views  {titles[entry.key]}")
        if not entries:
            print("  no views recorded")
    print(
        f"\nRead {stats.read:,} lines or rows from {stats.files} file(s): {stats.counted:,} views "
        f"counted; skipped {stats.bots:,} from bots, {stats.repeats:,} repeats within 30 "
        f"minutes, {stats.not_views:,} other requests (not a successful GET), "
        f"{stats.unmatched:,} not of a post, {stats.unparseable:,} unparseable."
    )
    for pattern in stats.missing:
        print(f"Missing source: nothing matches {pattern}", file=sys.stderr)
    for problem in stats.damaged:
        print(f"Damaged source: {problem}", file=sys.stderr)
    return 0


def cmd_export(args: argparse.Namespace, settings: dict, settings_file: Path) -> int:
    store = ViewStore(database_path(settings, settings_file))
    if args.output:
        with open(args.output, "w", encoding="utf-8", newline="") as stream:
            rows = store.export_csv(stream)
        print(f"Wrote {rows} rows to {args.output}", file=sys.stderr)
    else:
        store.export_csv(sys.stdout)
    return 0


def run(args: argparse.Namespace, settings_file: Path) -> int:
    settings = load_settings(settings_file)
    if args.views_command == "report":
        return cmd_report(args, settings)
    return cmd_export(args, settings, settings_file)


def add_parser(commands: argparse._SubParsersAction) -> argparse.ArgumentParser:
    views = commands.add_parser("views", help="Popular Posts: report views, export the beacon's")
    views.add_argument("--settings", help="a Pelican settings file to use instead")
    actions = views.add_subparsers(dest="views_command", required=True)
    report = actions.add_parser("report", help="rank posts per window from the view sources")
    report.add_argument("--source", action="append", help="a log or CSV (default: the settings')")
    report.add_argument("--window", action="append", help="7d, 30d, 365d, all (default: settings')")
    export = actions.add_parser("export", help="the beacon's counts as a path,date,views CSV")
    export.add_argument("--output", help="file to write (default: standard output)")
    return views
