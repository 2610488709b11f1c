"""Sending new posts to followers: one thread looks for new posts and works through the
outbox, one message at a time, at the rate the mail provider allows.

A message leaves the outbox only once the provider has accepted it; a refusal for good (an
address that does not exist) is kept as failed, a passing failure (the provider busy or out
of reach) is tried again later. The thread resumes the outbox when the service starts, so a
service stopped at any moment repeats at most the one message it was sending.
"""

import smtplib
import threading
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

from pathways.comments.logs import service_logger
from pathways.comments.notify import smtp_connection
from pathways.follow.mailer import Letters
from pathways.follow.posts import NewPosts
from pathways.follow.store import Delivery, FollowStore

logger = service_logger(__name__)

BATCH = 200
RETRY_SECONDS = 60


class Outbox:
    """The sending thread; `start()` resumes what is queued, `stop()` ends it after the
    message in hand."""

    def __init__(
        self,
        store: FollowStore,
        *,
        site_dir: Path,
        index_path: str,
        letters: Letters,
        smtp: dict[str, Any],
        rate: tuple[int, int],
        unsubscribe_link: Callable[[str], str],
        max_age_days: int,
        poll_seconds: float,
    ) -> None:
        self.store = store
        self.new_posts = NewPosts(store, site_dir, index_path, timedelta(days=max_age_days))
        self.letters = letters
        self.smtp = smtp
        self.interval = rate[1] / rate[0]
        self.unsubscribe_link = unsubscribe_link
        self.poll_seconds = poll_seconds
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._server: smtplib.SMTP | None = None
        self._last_send = 0.0

    def start(self) -> None:
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="follow-outbox", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=30)
        self._close()

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self.queue_new_posts()
                pause = self.poll_seconds if self.send_queued() else RETRY_SECONDS
            except Exception:
                logger.exception("the outbox stopped on an error", extra={"event": "outbox-error"})
                pause = RETRY_SECONDS
            self._close()
            self._stop.wait(pause)

    def queue_new_posts(self) -> int:
        queued = 0
        for post in self.new_posts.find():
            message = {key: value for key, value in post.items() if key != "moment"}
            count = self.store.queue(post["id"], post["url"], message)
            queued += count
            logger.info(
                "new post queued",
                extra={"event": "post-queued", "post": post["id"], "messages": count},
            )
        return queued

    def send_queued(self) -> bool:
        """Send until the outbox is empty (True), or the provider fails for now (False)."""
        while not self._stop.is_set():
            deliveries = self.store.next_deliveries(BATCH)
            if not deliveries:
                return True
            for delivery in deliveries:
                if self._stop.is_set():
                    return True
                if not self.deliver(delivery):
                    return False
        return True

    def _pace(self) -> None:
        wait = self._last_send + self.interval - time.monotonic()
        if wait > 0:
            self._stop.wait(wait)
        self._last_send = time.monotonic()

    def _close(self) -> None:
        if self._server is not None:
            try:
                self._server.quit()
            except (OSError, smtplib.SMTPException):
                self._server.close()
            self._server = None

    def deliver(self, delivery: Delivery) -> bool:
        """Send one message; False when the provider fails for now (it stays queued). Only
        a recipient refused for good (5xx to RCPT) is failed; any other refusal (the sender,
        the login, the message) would be the same for every follower, so nothing is lost."""
        message = self.letters.post(
            delivery.address, delivery.message, self.unsubscribe_link(delivery.address)
        )
        self._pace()
        for attempt in (1, 2):
            reused = self._server is not None
            try:
                if self._server is None:
                    self._server = smtp_connection(self.smtp)
                self._server.send_message(message, to_addrs=[delivery.address])
                break
            except smtplib.SMTPRecipientsRefused as error:
                codes = [code for code, _ in error.recipients.values()]
                if codes and 500 <= codes[0] < 600:
                    self.store.delivered(delivery, error=f"refused by the provider ({codes[0]})")
                    logger.warning(
                        "follower refused",
                        extra={"event": "refused", "post": delivery.post_id, "code": codes[0]},
                    )
                    return True
                return self._failed_for_now(error)
            except (smtplib.SMTPServerDisconnected, smtplib.SMTPResponseException) as error:
                # A provider may close a connection after so many messages (421): one new try.
                closed = getattr(error, "smtp_code", 421) == 421
                self._close()
                if not (closed and reused) or attempt == 2:
                    return self._failed_for_now(error)
            except (OSError, smtplib.SMTPException) as error:
                return self._failed_for_now(error)
        self.store.delivered(delivery)
        return True

    def _failed_for_now(self, error: Exception) -> bool:
        logger.error(
            "mail provider failed; trying again later",
            extra={"event": "send-error", "error": str(error)},
        )
        self._close()
        return False
