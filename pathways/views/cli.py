"""`pathways views …`: the Popular Posts ranking from the command line, and the beacon export."""

import argparse
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from markupsafe import Markup

from pathways.comments.settings import COMMENTS
from pathways.comments.store import database_path
from pathways.plugin_support import blog_timezone
from pathways.settings import read
from pathways.site.build import load_settings
from pathways.views.daily import (
    DailyCounts,
    count_days,
    counts_database,
    site_posts,
    site_redirects,
)
from pathways.views.ranking import (
    build_resolver,
    rank_windows,
    reference_time,
    site_hosts,
    whole_days,
    window_label,
)
from pathways.views.rules import Tally, Views, window_start
from pathways.views.settings import POPULAR_POSTS, check_window, parse_today, view_sources
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
        config["POPULAR_POSTS_WINDOWS"] = args.window
    zone = blog_timezone(settings)
    today = args.today or config["POPULAR_POSTS_TODAY"]
    now = reference_time(today, zone)
    sources = args.source or view_sources(config, settings)
    base = Path(settings["PATH"])
    articles = load_articles(settings)
    titles = {article.slug: Markup(article.title).striptags() for article in articles}
    if args.explain and args.explain not in titles:
        print(f"views report: no post has the slug {args.explain!r}", file=sys.stderr)
        return 2
    resolve = build_resolver(articles, config["POPULAR_POSTS_REDIRECTS"])
    files, _, _ = expand_sources(sources, base)
    windows = list(dict.fromkeys([*config["POPULAR_POSTS_WINDOWS"], "all"]))
    with ProgressBar([path for path, _ in files]) as progress:
        views = read_sources(
            sources,
            resolve,
            now,
            windows,
            base=base,
            timezone=zone,
            whole_days=whole_days(today),
            hosts=site_hosts(config["POPULAR_POSTS_HOSTS"], settings.get("SITEURL") or ""),
            explain=args.explain,
            progress=progress.advance,
        )
    print(f"Windows end at {_when(now.timestamp())}.\n")
    for window, entries in rank_windows(articles, views, config, now):
        total = sum(views.in_window(window).values())
        print(f"{window_label(window)} ({window}): {total:,} views")
        for position, entry in enumerate(entries, 1):
            print(f"  {position:>2}. {entry.views:>8,} views  {titles[entry.key]}")
        if not entries:
            print("  no views recorded")
    print()
    if views.logs.read or not views.rows.read:
        _accounting("Access logs", "lines", views.logs, views.log_files)
    if views.rows.read:
        _accounting("CSV exports", "rows", views.rows, views.csv_files)
        print(f"  views in the counted rows {views.rows.views:>9,}")
    print(
        f"\nViews counted: {views.total():,} ({views.logs.views:,} from logs, "
        f"{views.rows.views:,} from CSV rows), the All time window's total."
    )
    for note in views.notes:
        print(f"Note: {note}")
    if views.not_posts:
        print(_not_posts(views, len(articles), settings["PATH"]))
    for source in views.missing:
        print(f"Missing source: nothing matches {source}", file=sys.stderr)
    for problem in views.problems:
        print(f"Problem: {problem}", file=sys.stderr)
    if args.explain:
        _explain(views, args.explain, titles[args.explain], windows)
    return 0


def accounting(tally: Tally) -> list[tuple[str, int]]:
    """Every line (or row) read, in exactly one of the rules' outcomes: (outcome, how many)."""
    return [
        ("malformed (not in a format read)", tally.malformed),
        ("not a page view (assets, other pages, errors, redirects, HEAD, POST …)", tally.not_views),
        ("bots (crawlers, scripts, empty user agent)", tally.bots),
        ("after the reference time", tally.future),
        ("repeats (same reader and post within 30 minutes)", tally.repeats),
        ("counted", tally.counted),
    ]


def _accounting(kind: str, unit: str, tally: Tally, files: int) -> None:
    """Every line (or row) read, in exactly one of the rules' outcomes, and their sum."""
    parts = accounting(tally)
    print(f"{kind}: {tally.read:,} {unit} read from {files} file(s)")
    for label, count in parts:
        print(f"  {count:>10,}  {label}")
    print(f"  {sum(count for _, count in parts):>10,}  in all")
    if unit == "lines":
        print(
            f"  {tally.counted_304:>10,}  of the counted were 304 Not Modified "
            "(a browser reopening its cached copy: still a reading)"
        )


def _not_posts(views: Views, posts: int, content: str) -> str:
    """Why views of pages were "not a page view": their paths are no post's."""
    asked = sum(views.not_posts.values())
    common = ", ".join(f"{path} ({n:,})" for path, n in views.not_posts.most_common(5))
    if posts:
        site = f"the site has {posts:,} published post(s)"
    else:
        site = f"the site has no published post: none was found in {content}"
    return (
        f"Note: {asked:,} of the lines or rows not a page view asked for a page that is no "
        f"post ({site}; an old address counts through Old-URLs: or POPULAR_POSTS_REDIRECTS); "
        f"the most asked: {common}."
    )


def _explain(views: Views, slug: str, title: str, windows: list[str]) -> None:
    hits = sorted(views.explained, key=lambda hit: (hit.start, hit.source, hit.line))
    print(f"\n{sum(hit.views for hit in hits):,} views of “{title}” ({slug}) counted from:")
    floors = {window: window_start(window, views.now, views.days_of) for window in windows}
    for hit in hits:
        inside = [window for window, floor in floors.items() if floor is None or hit.start > floor]
        if hit.start == float("-inf"):
            when = "totals without a period"
        elif hit.start == hit.end:
            when = _when(hit.start)
        else:
            when = f"{_when(hit.start)} to {_when(hit.end)}"
        print(
            f"  {hit.source}:{hit.line}  {when}  {hit.status or 'row'}  {hit.views} view(s)  "
            f"in {', '.join(inside)}"
        )


def _when(moment: float) -> str:
    return datetime.fromtimestamp(moment, UTC).isoformat(sep=" ", timespec="seconds")


def _window(value: str) -> str:
    try:
        return check_window(value)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error).removeprefix("has an ")) from None


def _today(value: str) -> str:
    try:
        parse_today(value)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None
    return value


def cmd_export(args: argparse.Namespace, settings: dict, settings_file: Path) -> int:
    store = ViewStore(database_path(settings, settings_file))
    if args.output:
        with open(args.output, "w", encoding="utf-8", newline="") as stream:
            rows = store.export_csv(stream)
        print(f"Wrote {rows} rows to {args.output}", file=sys.stderr)
    else:
        store.export_csv(sys.stdout)
    return 0


def cmd_count(args: argparse.Namespace, settings: dict, settings_file: Path) -> int:
    """On the server: count the site's logs per day into the database, and export the counts."""
    config = read(settings, POPULAR_POSTS)
    site = Path(args.site or settings["OUTPUT_PATH"])
    index = site / read(settings, COMMENTS)["COMMENTS_INDEX_SAVE_AS"]
    try:
        redirects = {**site_redirects(site), **config["POPULAR_POSTS_REDIRECTS"]}
        posts = site_posts(index, redirects)
    except ValueError as error:
        print(f"views count: {error}", file=sys.stderr)
        return 1
    store = DailyCounts(Path(args.db) if args.db else counts_database(settings, settings_file))
    state = store.state()
    zone = blog_timezone(settings)
    now = reference_time(args.now, zone) if args.now else datetime.now(UTC)
    counts = count_days(
        state,
        args.source or config["POPULAR_POSTS_SERVER_LOGS"],
        posts.get,
        now,
        base=Path(settings["PATH"]),
        timezone=zone,
        hosts=site_hosts(config["POPULAR_POSTS_HOSTS"], settings.get("SITEURL") or ""),
    )
    store.record(counts, state)
    views = counts.accounting
    _accounting("Access logs", "lines", views.logs, views.log_files)
    for source in views.missing:
        print(f"Missing source: nothing matches {source}", file=sys.stderr)
    for problem in views.problems:
        print(f"Problem: {problem}", file=sys.stderr)
    for path, export in ((args.views, store.export_views), (args.sites, store.export_sites)):
        if path:
            with open(path, "w", encoding="utf-8", newline="") as stream:
                print(f"Wrote {export(stream)} rows to {path}", file=sys.stderr)
    return 0


def run(args: argparse.Namespace, settings_file: Path) -> int:
    settings = load_settings(settings_file)
    if args.views_command == "report":
        return cmd_report(args, settings)
    if args.views_command == "count":
        return cmd_count(args, settings, settings_file)
    return cmd_export(args, settings, settings_file)


def add_parser(commands: argparse._SubParsersAction) -> argparse.ArgumentParser:
    views = commands.add_parser("views", help="Popular Posts: report views, export the beacon's")
    views.add_argument("--settings", help="a Pelican settings file to use instead")
    actions = views.add_subparsers(dest="views_command", required=True)
    report = actions.add_parser("report", help="rank posts per window from the view sources")
    report.add_argument("--source", action="append", help="a log or CSV (default: the settings')")
    report.add_argument(
        "--window",
        action="append",
        type=_window,
        help="7d, 30d, 365d, all, <n>d (default: settings')",
    )
    report.add_argument(
        "--today",
        type=_today,
        help="where windows end: 2026-11-20 (end of that day) or 2026-11-20T23:59:59Z",
    )
    report.add_argument("--explain", metavar="SLUG", help="list the views behind one post's count")
    count = actions.add_parser(
        "count", help="on the server: count the site's logs per day, for all time, and export"
    )
    count.add_argument("--source", action="append", help="a log (default: the settings')")
    count.add_argument("--site", help="the built site (default: OUTPUT_PATH)")
    count.add_argument("--db", help="the counts' database (default: views.sqlite3 by COMMENTS_DB)")
    count.add_argument(
        "--now", type=_today, help="count up to this day's end or instant (default: now)"
    )
    count.add_argument("--views", help="write the views per post and day (path,date,views)")
    count.add_argument("--sites", help="write the referring sites per day (date,site,views)")
    export = actions.add_parser("export", help="the beacon's counts as a path,date,views CSV")
    export.add_argument("--output", help="file to write (default: standard output)")
    return views
