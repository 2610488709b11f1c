"""`pathways subscribers …`: the writer's followers, from her laptop through the service's
token API (`COMMENTS_ENDPOINT` and the moderation token), as for comments.

`list`, `export` (CSV), `import` (FeedBurner's or Mailchimp's CSV of confirmed subscribers),
`remove`; `preview` shows a post's e-mail from the last build, `test` sends it to the writer.
"""

import argparse
import csv
import json
import sys
import tempfile
from collections import Counter
from pathlib import Path
from typing import Any

from pathways.comments.model import CommentError
from pathways.comments.remote import Remote, read_token
from pathways.follow.csvimport import ImportFileError, read_export
from pathways.follow.mailer import Letters
from pathways.follow.settings import FOLLOW
from pathways.settings import read
from pathways.site.build import load_settings

IMPORT_BATCH = 1000


class FollowRemote(Remote):
    """The service's `/follow/api` endpoints."""

    def __init__(self, endpoint: str, token: str, timeout: float = 60) -> None:
        super().__init__(endpoint, token, timeout)
        self.base = endpoint.rstrip("/") + "/follow/api"

    def listing(self, status: str) -> dict[str, Any]:
        """The subscribers, and how many messages the outbox holds in each state."""
        query = f"?status={status}" if status != "all" else ""
        return self._call("/subscribers" + query)

    def import_subscribers(self, rows: list[tuple[str, str]]) -> dict[str, Any]:
        return self._call("/subscribers/import", {"subscribers": json.dumps(rows)})

    def remove(self, address: str) -> bool:
        return self._call("/subscribers/remove", {"address": address})["removed"]

    def test(self, post: dict[str, Any]) -> str:
        return self._call("/test", {"post": json.dumps(post)})["sent_to"]


def confirmed_per_month(subscribers: list[dict[str, Any]]) -> Counter:
    """`YYYY-MM` -> how many of `subscribers` (as the service lists them) confirmed in it."""
    return Counter(item["confirmed_at"][:7] for item in subscribers if item["confirmed_at"])


def remote(settings: dict, settings_file: Path) -> FollowRemote:
    endpoint = settings.get("COMMENTS_ENDPOINT")
    token = read_token(settings, settings_file)
    if not endpoint or not token:
        raise CommentError(
            "needs COMMENTS_ENDPOINT in the settings and the moderation token "
            "(pathways comments token)"
        )
    return FollowRemote(endpoint, token)


def built_post(settings: dict, wanted: str) -> dict[str, Any]:
    """A post of the last build, by file, slug or address, as its e-mail shows it."""
    path = Path(settings["OUTPUT_PATH"]) / read(settings, FOLLOW)["FOLLOW_INDEX_SAVE_AS"]
    try:
        posts = json.loads(path.read_text(encoding="utf-8"))["posts"]
    except (OSError, ValueError, KeyError) as error:
        raise CommentError(f"{path}: no list of posts ({error}); build the site first") from None
    for post in posts:
        names = (post["id"], Path(post["id"]).stem, post["url"].strip("/"), post["url"])
        if wanted in names or wanted.strip("/") in names:
            return post
    raise CommentError(f"{wanted}: no such post in {path} (give its file, slug or address)")


def cmd_preview(settings: dict, post: dict[str, Any]) -> int:
    site_url = settings.get("SITEURL") or "http://127.0.0.1:8000"
    smtp = settings.get("COMMENTS_SMTP") or {}
    letters = Letters(
        settings.get("SITENAME") or "The blog",
        site_url,
        smtp.get("from") or "you@example.org",
    )
    message = letters.post("reader@example.org", post, f"{site_url}/unsubscribe-link")
    html = message.get_body(("html",)).get_content()
    with tempfile.NamedTemporaryFile(
        "w", suffix=".html", prefix="e-mail-", delete=False, encoding="utf-8"
    ) as stream:
        stream.write(html)
    print(f"Subject: {message['Subject']}\n\n{message.get_body(('plain',)).get_content()}")
    print(f"The HTML version is in {stream.name} (open it in a browser).")
    return 0


def cmd_import(service: FollowRemote, files: list[str]) -> int:
    failures = 0
    for name in files:
        try:
            export = read_export(Path(name))
        except ImportFileError as error:
            print(error, file=sys.stderr)
            failures += 1
            continue
        added = present = 0
        for start in range(0, len(export.subscribers), IMPORT_BATCH):
            result = service.import_subscribers(export.subscribers[start : start + IMPORT_BATCH])
            added, present = added + result["added"], present + result["present"]
            for refused in result["refused"]:
                print(f"{name}: {refused['row'][0]!r}: {refused['error']}", file=sys.stderr)
        for problem in export.problems:
            print(problem, file=sys.stderr)
        print(
            f"{name}: {added} subscriber(s) added, {present} already here, "
            f"{export.unconfirmed} not confirmed (left out), "
            f"{len(export.problems)} refused (named above)."
        )
        failures += bool(export.problems)
    return 1 if failures else 0


def run(args: argparse.Namespace, settings_file: Path) -> int:
    settings = load_settings(settings_file)
    try:
        if args.subscribers_command == "preview":
            return cmd_preview(settings, built_post(settings, args.post))
        service = remote(settings, settings_file)
        if args.subscribers_command == "list":
            answer = service.listing(args.status)
            items = answer["subscribers"]
            for item in items:
                since = item["confirmed_at"] or f"asked {item['asked_at']}"
                print(f"{item['address']}  [{item['status']}]  {since}")
            print(f"{len(items)} subscriber(s).")
            months = confirmed_per_month(items)
            if months:
                counts = ", ".join(f"{month}: {months[month]}" for month in sorted(months))
                print(f"Confirmed per month: {counts}.")
            outbox = answer["outbox"]
            if outbox:
                states = ("queued", "sent", "failed")
                print("Outbox: " + ", ".join(f"{outbox.get(s, 0)} {s}" for s in states) + ".")
        elif args.subscribers_command == "export":
            items = service.listing("all")["subscribers"]
            with (
                open(args.output, "w", newline="", encoding="utf-8") if args.output else sys.stdout
            ) as out:
                writer = csv.writer(out)
                writer.writerow(["Email", "Status", "Asked", "Confirmed"])
                for item in items:
                    writer.writerow(
                        [
                            item["address"],
                            item["status"],
                            item["asked_at"],
                            item["confirmed_at"] or "",
                        ]
                    )
        elif args.subscribers_command == "import":
            return cmd_import(service, args.files)
        elif args.subscribers_command == "remove":
            missing = [address for address in args.addresses if not service.remove(address)]
            for address in args.addresses:
                print(f"{address}: {'not a subscriber' if address in missing else 'removed'}")
            return 1 if missing else 0
        elif args.subscribers_command == "test":
            sent_to = service.test(built_post(settings, args.post))
            print(f"A test e-mail was sent to {sent_to}.")
        return 0
    except CommentError as error:
        print(f"pathways subscribers: {error}", file=sys.stderr)
        return 1


def add_parser(commands: argparse._SubParsersAction) -> argparse.ArgumentParser:
    subscribers = commands.add_parser("subscribers", help="readers who follow by e-mail")
    subscribers.add_argument("--settings", help="a Pelican settings file (default: publishconf.py)")
    subscribers.add_argument(
        "--preview", action="store_false", dest="publish", help="use pelicanconf.py"
    )
    actions = subscribers.add_subparsers(dest="subscribers_command", required=True)
    listing = actions.add_parser("list", help="who follows (and who has not confirmed yet)")
    listing.add_argument("--status", choices=["confirmed", "pending", "all"], default="all")
    export = actions.add_parser("export", help="the subscribers as CSV")
    export.add_argument("--output", help="a file (default: standard output)")
    imports = actions.add_parser(
        "import", help="confirmed subscribers from a FeedBurner or Mailchimp CSV export"
    )
    imports.add_argument("files", nargs="+", metavar="CSV")
    remove = actions.add_parser("remove", help="stop sending to addresses, and forget them")
    remove.add_argument("addresses", nargs="+", metavar="ADDRESS")
    preview = actions.add_parser("preview", help="show a post's e-mail (from the last build)")
    preview.add_argument("post", help="the post's file, slug or address")
    test = actions.add_parser("test", help="send a post's e-mail to yourself, through the service")
    test.add_argument("post", help="the post's file, slug or address")
    subscribers.set_defaults(publish=True)
    return subscribers
