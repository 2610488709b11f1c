"""`pathways check`: check the built production site; the exit code says pass or fail."""

import argparse
import sys
from pathlib import Path

from pathways.site.build import load_settings
from pathways.site.checks import check_site, vnu_for
from pathways.site.problems import Kind, report


def run(args: argparse.Namespace, settings_file: Path) -> int:
    settings = load_settings(settings_file)
    output = Path(args.output or settings["OUTPUT_PATH"])
    if not (output / "index.html").exists():
        print(
            f"Nothing to check in {output}: build the site first (make publish).", file=sys.stderr
        )
        return 1
    problems = check_site(
        output,
        settings,
        None if args.skip_html else vnu_for(settings_file),
        args.external,
        settings_file,
    )
    if args.skip_html:
        problems = [p for p in problems if p.kind is not Kind.NOT_VALIDATED]
    pages = sum(1 for _ in output.rglob("*.html"))
    if not report(problems, output):
        print(f"All checks passed ({pages} pages in {output}).")
        return 0
    return 1


def add_parser(commands: argparse._SubParsersAction) -> argparse.ArgumentParser:
    check = commands.add_parser("check", help="check the built site: links, HTML, feeds, sitemap")
    check.add_argument("--settings", help="settings file (default: publishconf.py)")
    check.add_argument("--output", help="the built site (default: the settings' OUTPUT_PATH)")
    check.add_argument("--skip-html", action="store_true", help="do not run the Nu HTML checker")
    check.add_argument("--external", action="store_true", help="also check links to other sites")
    check.set_defaults(publish=True)
    return check
