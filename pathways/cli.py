"""The `pathways` command line: build, preview, write, comments, views, stats, import, check,
publish."""

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

from pathways import PROJECT_ROOT
from pathways.site.build import BuildError, build_site, held_back, init_logging, load_settings
from pathways.site.hot_reload import capture

PREVIEW_SETTINGS = "pelicanconf.py"
PUBLISH_SETTINGS = "publishconf.py"


def blog_folder() -> Path:
    """The blog the command works on: the folder it runs in, or this source tree's sample
    blog when it runs from the tree elsewhere."""
    here = Path.cwd()
    if not (here / PREVIEW_SETTINGS).exists() and (PROJECT_ROOT / PREVIEW_SETTINGS).exists():
        return PROJECT_ROOT
    return here


def _settings_file(args: argparse.Namespace) -> Path:
    if getattr(args, "settings", None):
        return Path(args.settings)
    name = PUBLISH_SETTINGS if getattr(args, "publish", False) else PREVIEW_SETTINGS
    return blog_folder() / name


def cmd_build(args: argparse.Namespace) -> int:
    init_logging(verbose=args.verbose)
    overrides: dict[str, object] = {}
    if args.output:
        overrides["OUTPUT_PATH"] = str(Path(args.output).resolve())
    if args.no_precompress:
        overrides["PRECOMPRESS"] = False
    try:
        with capture() as generators:
            output = build_site(_settings_file(args), overrides, production=args.publish)
    except BuildError as error:
        print(f"Build failed: {error}\nThe previous site was left as it was.", file=sys.stderr)
        return 1
    print(f"Built the site into {output}")
    waiting = held_back(generators)
    if waiting:
        posts = "is a scheduled post" if len(waiting) == 1 else "are scheduled posts"
        print(
            f"{len(waiting)} of the drafts counted above {posts}, published by the first build "
            f"after its time: {', '.join(waiting)}"
        )
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    from pathways.site.preview import serve

    init_logging()
    settings_file = _settings_file(args)
    serve(load_settings(settings_file), settings_file, args.host, args.port)
    return 0


def cmd_new(args: argparse.Namespace) -> int:
    from pathways.site.newpost import create_page, create_post

    settings = load_settings(_settings_file(args))
    kind = "page" if args.page else "post"
    try:
        if args.page:
            path = create_page(args.title, settings, summary=args.summary)
        else:
            path = create_post(args.title, settings, tags=args.tags, summary=args.summary)
    except FileExistsError as error:
        print(f"Not overwriting {error.filename}: a {kind} with that slug exists.", file=sys.stderr)
        return 1
    except ValueError as error:
        print(f"Cannot create the {kind}: {error}", file=sys.stderr)
        return 1
    print(path)
    from pathways.site.photo_locations import located_photos  # reads images: only here

    located = located_photos(Path(settings["PATH"]))
    if located:
        photos = "1 photo" if len(located) == 1 else f"{len(located)} photos"
        names = ", ".join(p.name for p in located[:3]) + (" …" if len(located) > 3 else "")
        print(
            f"Note: where it was taken (GPS) is still in {photos} in content/ ({names}); "
            "`make strip-locations` removes it before you commit them.",
            file=sys.stderr,
        )
    return 0


# The commands defined here: `pathways build` (run for every publish) imports only what a
# build needs, not the comment service, the importer or the checker.
OWN_COMMANDS = ("build", "serve", "new")


def subcommands() -> tuple[ModuleType, ...]:
    """The subcommands with a module of their own: each has add_parser(commands) and
    run(args, settings_file)."""
    from pathways.blog import move as move_cli
    from pathways.blog import new as new_blog_cli
    from pathways.blog import server as server_cli
    from pathways.blog import upgrade as upgrade_cli
    from pathways.blogger import cli as import_cli
    from pathways.comments import cli as comments_cli
    from pathways.follow import cli as subscribers_cli
    from pathways.site import check as check_cli
    from pathways.site import photo_locations as photo_locations_cli
    from pathways.site import publish as publish_cli
    from pathways.stats import cli as stats_cli
    from pathways.views import cli as views_cli

    return (
        comments_cli,
        subscribers_cli,
        views_cli,
        stats_cli,
        import_cli,
        check_cli,
        publish_cli,
        new_blog_cli,
        upgrade_cli,
        move_cli,
        photo_locations_cli,
        server_cli,
    )


def _run_module(module: ModuleType) -> Callable[[argparse.Namespace], int]:
    return lambda args: module.run(args, _settings_file(args))


def parser(own_commands_only: bool = False) -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="pathways", description=__doc__)
    commands = top.add_subparsers(dest="command", required=True)

    build = commands.add_parser("build", help="build the site into the output folder")
    build.add_argument("--publish", action="store_true", help="use publishconf.py")
    build.add_argument("--settings", help="a Pelican settings file to use instead")
    build.add_argument("--output", help="output folder (default: the settings' OUTPUT_PATH)")
    build.add_argument(
        "--no-precompress",
        action="store_true",
        help="no .gz and .br copies, for hosts that compress what they serve (GitHub Pages)",
    )
    build.add_argument("-v", "--verbose", action="store_true")
    build.set_defaults(run=cmd_build)

    serve = commands.add_parser("serve", help="preview with rebuild and live reload")
    serve.add_argument("--settings", help="a Pelican settings file to use instead")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.set_defaults(run=cmd_serve)

    new = commands.add_parser("new", help="create a new draft post (or page) and print its path")
    new.add_argument("title")
    new.add_argument("--page", action="store_true", help="a page (About, Contact …), not a post")
    new.add_argument("--tags", default="", help="comma-separated tags")
    new.add_argument("--summary", default="", help="one or two sentences for listings")
    new.add_argument("--settings", help="a Pelican settings file to use instead")
    new.set_defaults(run=cmd_new)

    for module in () if own_commands_only else subcommands():
        module.add_parser(commands).set_defaults(run=_run_module(module))
    return top


# Commands that make or move a blog, and read no settings of one.
WITHOUT_SETTINGS = ("new-blog", "upgrade", "move-blog", "server")


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    args = parser(own_commands_only=bool(argv) and argv[0] in OWN_COMMANDS).parse_args(argv)
    if args.command not in WITHOUT_SETTINGS:
        # Read (and kept for every later step) once, here: a broken file is one line.
        settings_file = _settings_file(args)
        try:
            load_settings(settings_file)
        except Exception as error:
            print(f"Cannot read the settings in {settings_file}: {error}", file=sys.stderr)
            return 1
    return args.run(args)
