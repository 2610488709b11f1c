"""`pathways publish` (`make publish`): build for production, check, then deploy."""

import argparse
import sys
from pathlib import Path

from pathways.comments.model import CommentError
from pathways.comments.moderator import pull_before_publish
from pathways.site.build import BuildError, build_site, init_logging, load_settings
from pathways.site.checks import check_site, vnu_for
from pathways.site.deploy import DeployError, deploy
from pathways.site.deploy_config import deploy_problems
from pathways.site.problems import report


def protected_folders(settings: dict, settings_file: Path) -> tuple[Path, ...]:
    """What a folder deploy must never replace: the project, its content and its build."""
    return (settings_file.resolve().parent, Path(settings["PATH"]), Path(settings["OUTPUT_PATH"]))


def run(args: argparse.Namespace, settings_file: Path) -> int:
    init_logging()
    settings = load_settings(settings_file)
    if not args.no_pull:
        try:
            pulled = pull_before_publish(settings, settings_file)
        except CommentError as error:
            print(
                f"Comments not fetched: {error}\nNothing was published "
                "(`pathways publish --no-pull` publishes without them).",
                file=sys.stderr,
            )
            return 1
        if pulled:
            print(pulled)
    config = settings["DEPLOY"]
    problems = deploy_problems(config, protected_folders(settings, settings_file))
    if problems:
        for problem in problems:
            print(f"{settings_file.name}: {problem}", file=sys.stderr)
        print("Nothing was built or published.", file=sys.stderr)
        return 1
    try:
        output = build_site(settings_file, production=True)
    except BuildError as error:
        print(f"Build failed: {error}\nNothing was published.", file=sys.stderr)
        return 1
    if settings["PUBLISH_CHECK"] and not args.no_check:
        problems = check_site(output, settings, vnu_for(settings_file), settings_file=settings_file)
        if report(problems, output):
            print("Not published: fix the problems above and publish again.", file=sys.stderr)
            return 1
        print(f"All checks passed ({sum(1 for _ in output.rglob('*.html'))} pages).")
    if not config:
        print(f"Built and checked {output}; no DEPLOY target is set in {settings_file.name}.")
        return 0
    try:
        print(deploy(output, config))
    except (DeployError, OSError) as error:
        print(f"Deploy failed: {error}", file=sys.stderr)
        return 1
    return 0


def add_parser(commands: argparse._SubParsersAction) -> argparse.ArgumentParser:
    publish = commands.add_parser("publish", help="build for production, check, deploy")
    publish.add_argument("--settings", help="settings file (default: publishconf.py)")
    publish.add_argument("--no-check", action="store_true", help="deploy without the checks")
    publish.add_argument(
        "--no-pull",
        action="store_true",
        help="do not fetch comments approved on the comment service first",
    )
    publish.set_defaults(publish=True)
    return publish
