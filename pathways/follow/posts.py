"""Which published posts are new: read from the list the build writes (`FOLLOW_INDEX_SAVE_AS`)
and decided against every post the service has seen.

A post is sent when it first appears on the published site after following was turned on:
its identity was never seen, its page is there, e-mail was not turned off in its metadata, its
address is not one seen before (a post whose file was renamed) and it is not dated long
before it appeared (an imported post). Everything seen is remembered, so a post back from
draft, at a new address or edited is never sent again.
"""

import json
import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import nh3

from pathways.carry import stamp
from pathways.follow.content import EMAIL_ATTRIBUTES, EMAIL_TAGS
from pathways.follow.store import FATES, FollowStore

logger = logging.getLogger(__name__)

TEXT_FIELDS = ("id", "url", "save_as", "title", "date", "html", "text")


def read_index(path: Path) -> list[dict[str, Any]] | None:
    """The posts of the build's list, each checked; None when there is no usable list."""
    try:
        posts = json.loads(path.read_text(encoding="utf-8"))["posts"]
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError, TypeError) as error:
        logger.error("%s cannot be read (%s); no post is sent until it can", path, error)
        return None
    checked = []
    for number, post in enumerate(posts if isinstance(posts, list) else []):
        if isinstance(post, dict) and post.get("draft"):
            continue
        try:
            checked.append(checked_post(post))
        except (KeyError, TypeError, ValueError) as error:
            logger.error("%s: post %d is left out: %s", path, number, error)
    return checked


def checked_post(post: Any) -> dict[str, Any]:
    """A post of the list as the service uses it, checked as any input (its HTML is
    sanitized again); ValueError, KeyError or TypeError when it cannot be used."""
    if not all(isinstance(post[name], str) for name in TEXT_FIELDS):
        raise ValueError("a field is not text")
    date = datetime.fromisoformat(post["date"])
    photo = post.get("photo")
    return {
        **{name: post[name] for name in TEXT_FIELDS},
        "html": nh3.clean(post["html"], tags=EMAIL_TAGS, attributes=EMAIL_ATTRIBUTES),
        "moment": date if date.tzinfo else date.replace(tzinfo=UTC),
        "photo": photo if isinstance(photo, str) else None,
        "full": bool(post.get("full")),
        "email": post.get("email", True) is not False,
    }


@dataclass
class NewPosts:
    """Finds the new posts in the built site, and records every post it sees."""

    store: FollowStore
    site_dir: Path
    index_path: str
    max_age: timedelta
    _stamp: tuple[int, ...] | None = None
    _waiting: bool = False

    def find(self, now: datetime | None = None) -> list[dict[str, Any]]:
        """The posts to send now (each recorded as seen by the caller's `store.queue`); the
        others seen for the first time are recorded here with why they are not sent."""
        path = self.site_dir / self.index_path
        try:
            current = stamp(path.stat())
        except OSError:
            return []
        if current == self._stamp and not self._waiting:
            return []
        posts = read_index(path)
        if posts is None:
            return []
        self._stamp = current
        now = now or datetime.now(UTC)
        seen, addresses = self.store.seen()
        fresh = [post for post in posts if post["id"] not in seen]
        if self.store.state("turned_on_at") is None:
            self.store.record([(p["id"], p["url"], "existing") for p in fresh])
            self.store.set_state("turned_on_at", now.isoformat(timespec="seconds"))
            logger.info("following turned on: %d posts already published are not sent", len(fresh))
            return []
        skipped, new, self._waiting = [], [], False
        for post in fresh:
            fate = self.fate(post, addresses, now)
            if fate == "waiting":
                self._waiting = True
            elif fate:
                skipped.append((post["id"], post["url"], fate))
                logger.info("%s is not sent: %s", post["id"], FATES[fate])
            else:
                new.append(post)
        self.store.record(skipped)
        return new

    def fate(self, post: dict[str, Any], addresses: set[str], now: datetime) -> str | None:
        """Why a post seen for the first time is not sent ("waiting": not yet), or None."""
        if not post["email"]:
            return "kept"
        if post["url"] in addresses:
            return "moved"
        if post["moment"] < now - self.max_age:
            return "old"
        page = (self.site_dir / post["save_as"]).resolve()
        inside = self.site_dir.resolve() in page.parents
        if not inside or not page.is_file():
            return "waiting"  # the list arrived before the page: the next look sends it
        return None
