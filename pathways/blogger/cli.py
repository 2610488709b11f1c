"""`pathways import blogger EXPORT.xml`: move a Blogger blog into `content/`."""

import argparse
import sys
import time
from collections.abc import Callable
from contextlib import contextmanager
from pathlib import Path

from pathways.plugin_support import blog_timezone
from pathways.site.build import load_settings


@contextmanager
def _progress_bars():
    """Progress bars on the terminal (nothing when the output is not a terminal)."""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    console = Console(stderr=True)
    if not console.is_terminal:
        yield None
        return
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn())
    with Progress(*columns, console=console, transient=True) as progress:

        def start(label: str, total: int) -> Callable[[], None]:
            task = progress.add_task(label, total=total)
            return lambda: progress.advance(task)

        yield start


def _site_notes(export, settings: dict) -> list[str]:
    """What the export says about the blog that the site's settings say differently."""
    notes = []
    writers = (
        " ".join(entry.author.split()) for entry in export.entries if entry.kind != "comment"
    )
    author = export.author or next((name for name in writers if name), "")
    for name, value in (("SITENAME", export.title), ("AUTHOR", author)):
        if value and settings[name] != value:
            notes.append(
                f"The blog's {'name' if name == 'SITENAME' else 'author'} on Blogger is "
                f"{value!r}; this site's {name} is {settings[name]!r}. To use Blogger's, set "
                f"{name} = {value!r} in pelicanconf.py."
            )
    zone = blog_timezone(settings)
    if export.timezone and export.timezone != zone:
        notes.append(
            f"The blog's time zone on Blogger is {export.timezone}; dates are written in this "
            f"site's TIMEZONE, {zone}. Set TIMEZONE = {export.timezone!r} in "
            "pelicanconf.py (and import again) to keep Blogger's."
        )
    return notes


def run(args: argparse.Namespace, settings_file: Path) -> int:
    from pathways.blogger.export import ExportError
    from pathways.blogger.images import BLOGGER_IMAGE_HOSTS
    from pathways.blogger.importer import ImportOptions, import_blogger

    settings = load_settings(settings_file)
    started = time.monotonic()
    with _progress_bars() as progress:
        options = ImportOptions(
            content=Path(settings["PATH"]),
            comments_path=settings["COMMENTS_PATH"],
            timezone=blog_timezone(settings),
            keep_blogger_urls=args.keep_blogger_urls,
            download_images=not args.no_images,
            image_hosts=BLOGGER_IMAGE_HOSTS + tuple(args.image_host or ()),
            dry_run=args.dry_run,
            update=args.update,
            progress=progress,
        )
        try:
            report = import_blogger(Path(args.export), options)
        except ExportError as error:
            print(f"Cannot import: {error}", file=sys.stderr)
            return 1
    for line in report.lines(args.dry_run):
        print(line)
    for note in _site_notes(report.export, settings):
        print(note)
    note = "; dry run, nothing written" if args.dry_run else ""
    print(f"({time.monotonic() - started:.1f} s{note})")
    return 0


def add_parser(commands: argparse._SubParsersAction) -> argparse.ArgumentParser:
    importer = commands.add_parser("import", help="import a blog from another platform")
    importer.add_argument("--settings", help="a Pelican settings file to use instead")
    sources = importer.add_subparsers(dest="platform", required=True)
    blogger = sources.add_parser("blogger", help="a Blogger export (Back up content / Takeout)")
    blogger.add_argument("export", help="the exported .xml (or Takeout's feed.atom) file")
    blogger.add_argument("--dry-run", action="store_true", help="report what would be done")
    blogger.add_argument(
        "--keep-blogger-urls",
        action="store_true",
        help="publish posts at their Blogger addresses (/YYYY/MM/slug.html) instead of redirects",
    )
    blogger.add_argument(
        "--no-images", action="store_true", help="keep photos on Blogger (not downloaded)"
    )
    blogger.add_argument(
        "--update",
        action="store_true",
        help="take what changed on Blogger since the last import (files you edited stay)",
    )
    blogger.add_argument(
        "--image-host", action="append", help="another host whose images are downloaded"
    )
    return importer
