"""`pathways comments …`: run the comment service and moderate what it received."""

import argparse
import logging
import os
import sys
from datetime import timedelta
from pathlib import Path

from pathways.comments.model import CommentError, make_comment, write_comment_file
from pathways.comments.settings import COMMENTS
from pathways.comments.store import STATUSES, CommentStore
from pathways.settings import read
from pathways.site.build import load_settings

PREVIEW_ORIGINS = ("http://127.0.0.1:8000", "http://localhost:8000")


def database_path(settings: dict, settings_file: Path) -> Path:
    """`PATHWAYS_COMMENTS_DB`, else the `COMMENTS_DB` setting, relative to the settings file."""
    configured = os.environ.get("PATHWAYS_COMMENTS_DB") or settings["COMMENTS_DB"]
    return (settings_file.resolve().parent / configured).resolve()


def comments_folder(settings: dict) -> Path:
    return Path(settings["PATH"]) / settings["COMMENTS_PATH"]


def service_config(settings: dict, settings_file: Path, args: argparse.Namespace):
    from pathways.comments.service import ServiceConfig

    comments = read(settings, COMMENTS)
    site_url = args.site_url or settings.get("SITEURL") or PREVIEW_ORIGINS[0]
    origins = tuple(comments["COMMENTS_ALLOWED_ORIGINS"]) or (site_url,)
    if not settings.get("SITEURL"):
        origins += PREVIEW_ORIGINS
    limit, seconds = comments["COMMENTS_RATE_LIMIT"]
    return ServiceConfig(
        db_path=database_path(settings, settings_file),
        site_dir=Path(args.site or settings["OUTPUT_PATH"]),
        site_url=site_url,
        index_path=comments["COMMENTS_INDEX_SAVE_AS"],
        allowed_origins=origins,
        rate_limit=limit,
        rate_window=timedelta(seconds=seconds),
        min_seconds=comments["COMMENTS_MIN_SECONDS"],
        max_links=comments["COMMENTS_MAX_LINKS"],
        trust_proxy=comments["COMMENTS_TRUST_PROXY"],
        smtp=comments["COMMENTS_SMTP"],
    )


def cmd_serve(args: argparse.Namespace, settings: dict, settings_file: Path) -> int:
    import uvicorn

    from pathways.comments.service import JsonLogFormatter, create_app

    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonLogFormatter())
    logging.basicConfig(level=logging.INFO, handlers=[handler], force=True)
    config = service_config(settings, settings_file, args)
    logging.getLogger(__name__).info(
        "comment service starting",
        extra={"event": "start", "host": args.host, "port": args.port, "db": str(config.db_path)},
    )
    uvicorn.run(create_app(config), host=args.host, port=args.port, log_config=None)
    return 0


def cmd_list(args: argparse.Namespace, store: CommentStore, settings: dict) -> int:
    status = None if args.status == "all" else args.status
    submissions = store.list(status)
    if not submissions:
        print(f"No {args.status} comments." if status else "No comments.")
    for item in submissions:
        comment = item.comment
        reply = f" (reply to {comment.parent})" if comment.parent else ""
        print(f"{comment.id}  [{item.status}]  {comment.post_slug}{reply}")
        print(f"  {comment.author}, {comment.date:%Y-%m-%d %H:%M} UTC")
        if item.spam_reason:
            print(f"  held as spam: {item.spam_reason}")
        text = " ".join(comment.body.split())
        print(f"  {text[:200]}{'…' if len(text) > 200 else ''}\n")
    return 0


def approve(store: CommentStore, comment_id: str, folder: Path) -> str:
    submission = store.get(comment_id)
    if submission is None:
        raise CommentError(f"{comment_id}: no such comment")
    stored = submission.comment
    comment = make_comment(
        post_slug=stored.post_slug,
        author=stored.author,
        body=stored.body,
        date=stored.date,
        parent=stored.parent,
        website=stored.website,
        comment_id=stored.id,
    )
    try:
        path = write_comment_file(folder, comment)
    except FileExistsError:
        raise CommentError(f"{comment_id}: its file already exists; not overwritten") from None
    store.set_status(comment_id, "approved")
    return f"approved {comment_id}: wrote {path}"


def decide(args: argparse.Namespace, store: CommentStore, settings: dict) -> int:
    failures = 0
    for comment_id in args.ids:
        try:
            if args.action == "approve":
                print(approve(store, comment_id, comments_folder(settings)))
            elif args.action == "delete":
                if not store.delete(comment_id):
                    raise CommentError(f"{comment_id}: no such comment")
                print(f"deleted {comment_id}")
            else:
                if not store.set_status(comment_id, "rejected"):
                    raise CommentError(f"{comment_id}: no such comment")
                print(f"rejected {comment_id}")
        except CommentError as error:
            print(error, file=sys.stderr)
            failures += 1
    if args.action == "approve" and failures < len(args.ids):
        print("Rebuild and publish the site to show approved comments.")
    return 1 if failures else 0


def run(args: argparse.Namespace, settings_file: Path) -> int:
    settings = load_settings(settings_file)
    if args.comments_command == "serve":
        return cmd_serve(args, settings, settings_file)
    store = CommentStore(database_path(settings, settings_file))
    if args.comments_command == "list":
        return cmd_list(args, store, settings)
    args.action = args.comments_command
    return decide(args, store, settings)


def add_parser(commands: argparse._SubParsersAction) -> argparse.ArgumentParser:
    comments = commands.add_parser("comments", help="run the comment service and moderate")
    comments.add_argument("--settings", help="a Pelican settings file to use instead")
    actions = comments.add_subparsers(dest="comments_command", required=True)
    serve = actions.add_parser("serve", help="receive comments (binds to 127.0.0.1)")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8081)
    serve.add_argument("--site", help="the built site folder (default: OUTPUT_PATH)")
    serve.add_argument("--site-url", help="where readers are sent back (default: SITEURL)")
    listing = actions.add_parser("list", help="show comments waiting for moderation")
    listing.add_argument("--status", choices=[*STATUSES, "all"], default="pending")
    for action, text in (
        ("approve", "publish comments: write their files into content/comments/"),
        ("reject", "refuse comments (kept in the database as rejected)"),
        ("delete", "remove comments from the database"),
    ):
        actions.add_parser(action, help=text).add_argument("ids", nargs="+", metavar="ID")
    return comments
