"""`pathways comments …`: run the comment service and moderate what it received.

Moderation works next to the database, or from anywhere over HTTP when the settings have a
`COMMENTS_ENDPOINT` and a moderation token is at hand (`PATHWAYS_MODERATION_TOKEN` or
`COMMENTS_TOKEN_FILE`). Either way, an approved comment's file is written into this
checkout's `content/comments/<slug>/`, whole and never over an existing file.
"""

import argparse
import getpass
import sys
from datetime import timedelta
from pathlib import Path

from pathways.comments.credentials import (
    MODERATION_TOKEN,
    SECRETS,
    SERVER_SECRETS,
    SMTP_PASSWORD,
    smtp_settings,
    write_secret,
)
from pathways.comments.model import (
    CommentError,
    is_valid_id,
)
from pathways.comments.moderation import ACTIONS, comment_from_json
from pathways.comments.moderator import moderator_for, pull
from pathways.comments.remote import make_token, read_token, token_file
from pathways.comments.settings import COMMENTS
from pathways.comments.store import STATUSES, database_path
from pathways.follow.settings import follow_config
from pathways.plugin_support import blog_timezone
from pathways.settings import read
from pathways.site.build import load_settings
from pathways.terminal import inert
from pathways.views.daily import counts_database


def service_config(settings: dict, settings_file: Path, args: argparse.Namespace):
    from pathways.comments.service import ServiceConfig

    comments = read(settings, COMMENTS)
    preview = not settings["SITEURL"]
    site_url = args.site_url or settings["SITEURL"] or "http://127.0.0.1:8000"
    origins = tuple(comments["COMMENTS_ALLOWED_ORIGINS"]) or (site_url,)
    limit, seconds = comments["COMMENTS_RATE_LIMIT"]
    database = database_path(settings, settings_file)
    on_approve = None
    if comments["COMMENTS_PUBLISH_ON_APPROVE"]:
        from pathways.comments.autopublish import PublishOnApprove

        on_approve = PublishOnApprove(settings_file, database)
    return ServiceConfig(
        db_path=database,
        # Not resolved: a `current` symlink must be followed anew after each deploy.
        site_dir=Path(args.site or settings["OUTPUT_PATH"]).absolute(),
        site_url=site_url,
        index_path=comments["COMMENTS_INDEX_SAVE_AS"],
        allowed_origins=origins,
        allow_loopback=preview,
        rate_limit=limit,
        rate_window=timedelta(seconds=seconds),
        min_seconds=comments["COMMENTS_MIN_SECONDS"],
        max_links=comments["COMMENTS_MAX_LINKS"],
        trust_proxy=comments["COMMENTS_TRUST_PROXY"],
        smtp=smtp_settings(comments["COMMENTS_SMTP"]),
        public_url=comments["COMMENTS_ENDPOINT"] or f"http://{args.host}:{args.port}",
        moderation_token=read_token(settings, settings_file),
        link_days=comments["COMMENTS_LINK_DAYS"],
        author=settings.get("AUTHOR") or "The author",
        timezone=blog_timezone(settings),
        on_approve=on_approve,
        beacon=bool(settings.get("POPULAR_POSTS_BEACON")),
        counts_db=counts_database(settings, settings_file),
        follow=follow_config(settings),
    )


def cmd_serve(args: argparse.Namespace, settings: dict, settings_file: Path) -> int:
    import uvicorn

    from pathways.comments.logs import log_json_to_stderr, service_logger
    from pathways.comments.service import create_app, uvicorn_options

    log_json_to_stderr()
    config = service_config(settings, settings_file, args)
    logger = service_logger(__name__)
    logger.info(
        "comment service starting",
        extra={
            "event": "start",
            "host": args.host,
            "port": args.port,
            "db": str(config.db_path),
            "site": str(config.site_dir),
            "settings": str(settings_file),
            "moderation": "on" if config.moderation_token else "off (no token)",
        },
    )
    if not config.moderation_token:
        started = Path(sys.argv[0])
        program = started.absolute() if started.name == "pathways" else "pathways"
        logger.warning(
            f"moderation is off: no moderation token in ${MODERATION_TOKEN.variable}. Write "
            f"it with `sudo {program} comments secret "
            f"{MODERATION_TOKEN.name}` into {SERVER_SECRETS} (the unit's EnvironmentFile=), "
            "then restart the service",
            extra={"event": "moderation-off"},
        )
    if config.smtp.get("username") and not config.smtp["password"]:
        logger.warning(
            f"e-mail: COMMENTS_SMTP has a username but ${SMTP_PASSWORD.variable} is not set; "
            f"write it with `comments secret {SMTP_PASSWORD.name}` into {SERVER_SECRETS}",
            extra={"event": "smtp-no-password"},
        )
    uvicorn.run(create_app(config), host=args.host, port=args.port, **uvicorn_options())
    return 0


def print_comments(items: list[dict], status: str) -> None:
    """The comments, each field made inert: a reader's text must not act on the terminal."""
    if not items:
        print(f"No {status} comments." if status != "all" else "No comments.")
    for raw in items:
        text = inert(" ".join(str(raw["body"]).split()))
        item = {key: inert(v) if isinstance(v, str) else v for key, v in raw.items()}
        reply_to = f" (reply to {item['parent']})" if item["parent"] else ""
        print(f"{item['id']}  [{item['status']}]  {item['post_slug']}{reply_to}")
        contact = " · ".join(x for x in (item["email"], item["website"]) if x)
        print(f"  {item['author']}{f' <{contact}>' if contact else ''}, {item['date']}")
        if item["spam_reason"]:
            print(f"  held as spam: {item['spam_reason']}")
        print(f"  {text[:200]}{'…' if len(text) > 200 else ''}\n")


def cmd_secret(args: argparse.Namespace) -> int:
    """Write one of the service's secrets into its environment file, read from standard
    input (typed without echo on a terminal)."""
    secret = SECRETS[args.name]
    if sys.stdin.isatty():
        value = getpass.getpass(f"{secret.name} ({secret.what}): ")
    else:
        value = sys.stdin.readline()
    path = Path(args.file)
    try:
        write_secret(path, secret, value)
    except ValueError as error:
        raise CommentError(str(error)) from None
    except OSError as error:
        raise CommentError(f"cannot write {path}: {error} (run it with sudo)") from None
    print(f"Wrote {secret.name} into {path}; restart the service to use it:")
    print("  sudo systemctl restart pathways-comments")
    return 0


def run_moderation(args: argparse.Namespace, settings: dict, settings_file: Path) -> int:
    if args.comments_command == "token":
        path = token_file(settings)
        if path.exists() and not args.new:
            print(f"The moderation token is in {path} (--new makes another).")
            return 0
        print(
            f"Wrote a new moderation token to {make_token(settings)}; copy this file to the "
            "same place on every computer you moderate from, and give it to the service on "
            f"the server: `sudo /srv/pathways/.venv/bin/pathways comments secret "
            f"{MODERATION_TOKEN.name}` there (paste the token)."
        )
        return 0
    moderator = moderator_for(settings, settings_file, args.local)
    where = f"the service at {settings['COMMENTS_ENDPOINT']}" if moderator.remote else "here"
    if args.comments_command == "list":
        print_comments(moderator.listing(args.status), args.status)
        return 0
    if args.comments_command == "pull":
        written, present = pull(moderator)
        print(f"{written} comment(s) written from {where}; {present} already here.")
        return 0
    if args.comments_command == "reply":
        body = args.text if args.text != "-" else sys.stdin.read()
        items = moderator.act(args.id, "reply", body=body)
        for item in items:
            print(inert(moderator.write(comment_from_json(item))[1]))
        print("Publish the site (make publish) to show your answer.")
        return 0
    failures = 0
    for comment_id in args.ids:
        try:
            if not is_valid_id(comment_id):
                raise CommentError(f"{comment_id!r}: not a comment id")
            [item] = moderator.act(comment_id, args.comments_command)
            if args.comments_command == "approve":
                outcome, message = moderator.write(comment_from_json(item))
                if outcome == "kept":
                    raise CommentError(message)
                print(inert(message))
            elif args.comments_command == "delete":
                print(f"deleted {comment_id}{moderator.remove_file(item)}")
            else:
                # A comment approved earlier and refused now leaves the site too.
                removed = moderator.remove_file(item)
                print(f"{ACTIONS[args.comments_command]} {comment_id}{removed}")
        except CommentError as error:
            print(inert(str(error)), file=sys.stderr)
            failures += 1
    if args.comments_command == "approve" and failures < len(args.ids):
        print("Publish the site (make publish) to show approved comments.")
    return 1 if failures else 0


def run(args: argparse.Namespace, settings_file: Path) -> int:
    if args.comments_command == "secret":
        try:
            return cmd_secret(args)
        except CommentError as error:
            print(f"pathways comments: {error}", file=sys.stderr)
            return 1
    settings = load_settings(settings_file)
    try:
        if args.comments_command == "serve":
            return cmd_serve(args, settings, settings_file)
        return run_moderation(args, settings, settings_file)
    except CommentError as error:
        print(inert(f"pathways comments: {error}"), file=sys.stderr)
        return 1


def add_parser(commands: argparse._SubParsersAction) -> argparse.ArgumentParser:
    comments = commands.add_parser("comments", help="run the comment service and moderate")
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--settings",
        default=argparse.SUPPRESS,
        help="a Pelican settings file (default: publishconf.py)",
    )
    common.add_argument(
        "--preview",
        action="store_false",
        dest="publish",
        default=argparse.SUPPRESS,
        help="use pelicanconf.py (the preview's settings)",
    )
    comments.add_argument("--settings", help="a Pelican settings file (default: publishconf.py)")
    comments.add_argument(
        "--preview", action="store_false", dest="publish", help="use pelicanconf.py"
    )
    actions = comments.add_subparsers(dest="comments_command", required=True)
    serve = actions.add_parser(
        "serve", parents=[common], help="receive comments (binds to 127.0.0.1)"
    )
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8081)
    serve.add_argument("--site", help="the built site folder (default: OUTPUT_PATH)")
    serve.add_argument("--site-url", help="where readers are sent back (default: SITEURL)")
    moderation = argparse.ArgumentParser(add_help=False, parents=[common])
    moderation.add_argument(
        "--local", action="store_true", help="use the database here, not the service"
    )
    listing = actions.add_parser(
        "list", parents=[moderation], help="show comments waiting, with e-mail addresses"
    )
    listing.add_argument("--status", choices=[*STATUSES, "all"], default="pending")
    for action, text in (
        ("approve", "publish comments: write their files into content/comments/"),
        ("reject", "refuse comments (kept in the database as rejected)"),
        ("spam", "mark comments as spam (kept in the database)"),
        ("delete", "remove comments from the database and their files from content/"),
    ):
        actions.add_parser(action, parents=[moderation], help=text).add_argument(
            "ids", nargs="+", metavar="ID"
        )
    answer = actions.add_parser(
        "reply",
        parents=[moderation],
        help="answer a comment (approved too): writes your answer's file, shown after make publish",
    )
    answer.add_argument("id", metavar="ID")
    answer.add_argument("text", help="your answer (- reads it from standard input)")
    actions.add_parser(
        "pull", parents=[moderation], help="write comments approved on the service into content/"
    )
    token = actions.add_parser(
        "token", parents=[common], help="make the moderation token (COMMENTS_TOKEN_FILE)"
    )
    token.add_argument("--new", action="store_true", help="replace an existing token")
    secret = actions.add_parser(
        "secret", help="on the server: write a secret of the service (read from standard input)"
    )
    secret.add_argument("name", choices=sorted(SECRETS))
    secret.add_argument(
        "--file", default=str(SERVER_SECRETS), help="the service's environment file"
    )
    comments.set_defaults(local=False, publish=True)
    return comments
