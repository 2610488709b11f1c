"""`pathways import blogger EXPORT.xml`: move a Blogger blog into `content/`."""

import argparse
import sys
import time
from pathlib import Path

from pathways.site.build import load_settings


def run(args: argparse.Namespace, settings_file: Path) -> int:
    from pathways.blogger.export import ExportError
    from pathways.blogger.importer import BLOGGER_IMAGE_HOSTS, ImportOptions, import_blogger

    settings = load_settings(settings_file)
    options = ImportOptions(
        content=Path(settings["PATH"]),
        comments_path=settings["COMMENTS_PATH"],
        keep_blogger_urls=args.keep_blogger_urls,
        download_images=not args.no_images,
        image_hosts=BLOGGER_IMAGE_HOSTS + tuple(args.image_host or ()),
        dry_run=args.dry_run,
    )
    started = time.monotonic()
    try:
        report = import_blogger(Path(args.export), options)
    except ExportError as error:
        print(f"Cannot import: {error}", file=sys.stderr)
        return 1
    for line in report.lines(args.dry_run):
        print(line)
    note = "; dry run, nothing written" if args.dry_run else ""
    print(f"({time.monotonic() - started:.1f} s{note})")
    return 0


def add_parser(commands: argparse._SubParsersAction) -> argparse.ArgumentParser:
    importer = commands.add_parser("import", help="import a blog from another platform")
    importer.add_argument("--settings", help="a Pelican settings file to use instead")
    sources = importer.add_subparsers(dest="platform", required=True)
    blogger = sources.add_parser("blogger", help="a Blogger export (Back up content / Takeout)")
    blogger.add_argument("export", help="the exported .xml (or .atom) file")
    blogger.add_argument("--dry-run", action="store_true", help="report what would be done")
    blogger.add_argument(
        "--keep-blogger-urls",
        action="store_true",
        help="publish posts at their Blogger addresses (/YYYY/MM/slug.html) instead of redirects",
    )
    blogger.add_argument("--no-images", action="store_true", help="keep images on Blogger")
    blogger.add_argument(
        "--image-host", action="append", help="another host whose images are downloaded"
    )
    return importer
