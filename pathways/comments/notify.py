"""E-mail the writer when a new comment waits for her, after it is stored.

The message holds the comment, the post's address and a signed link to the moderation page
(Approve, Reject, Spam, Reply). It never holds the reader's network address.
"""

import smtplib
import time
from collections.abc import Callable
from email.message import EmailMessage
from typing import Any

from pathways.comments.logs import service_logger
from pathways.comments.model import Comment

logger = service_logger(__name__)

BELOW = "Below, the comment as the reader wrote it (nothing in it is from your blog):"


def smtp_connection(smtp: dict[str, Any]) -> smtplib.SMTP:
    """A connection to the mail provider in `smtp` (COMMENTS_SMTP), logged in, over TLS when
    it says so ("ssl" from the start, port 465; or "starttls", port 587)."""
    port = int(smtp.get("port", 465 if smtp.get("ssl") else 25))
    if smtp.get("ssl"):
        server: smtplib.SMTP = smtplib.SMTP_SSL(smtp["host"], port, timeout=10)
    else:
        server = smtplib.SMTP(smtp["host"], port, timeout=10)
    try:
        if smtp.get("starttls"):
            server.starttls()
        if smtp.get("username"):
            server.login(smtp["username"], smtp.get("password", ""))
    except BaseException:
        server.close()
        raise
    return server


def send_mail(smtp: dict[str, Any], message: EmailMessage) -> None:
    """Send `message` to the writer through the mail server in `smtp` (COMMENTS_SMTP with its
    password); raises OSError or SMTPException."""
    message["From"] = smtp.get("from", "pathways@localhost")
    message["To"] = smtp["to"]
    with smtp_connection(smtp) as server:
        server.send_message(message)


class Notifier:
    """Sends one message per stored comment; a failure is logged, never fatal."""

    def __init__(self, smtp: dict[str, Any], moderation_link: Callable[[str], str]) -> None:
        self.smtp = smtp
        self.moderation_link = moderation_link

    @property
    def enabled(self) -> bool:
        return bool(self.smtp.get("host"))

    def message(self, comment: Comment, post_title: str, post_url: str) -> EmailMessage:
        message = EmailMessage()
        message["Subject"] = f"New comment on {post_title}"
        # The link comes first, and the reader's text after it, every line quoted: a comment
        # that copies these words and a link of its own cannot pass for this message.
        quoted = "\n".join(f"> {line}" for line in comment.body.splitlines())
        message.set_content(
            f"A new comment waits for you on {post_url}\n\n"
            f"Approve, reject or answer it here (the link works once, for a few days):\n"
            f"{self.moderation_link(comment.id)}\n\n"
            f"Or from your computer: pathways comments approve {comment.id}\n\n"
            f"{BELOW}\n"
            f"{comment.author} wrote:\n\n{quoted}\n"
        )
        return message

    def notify(self, comment: Comment, post_title: str, post_url: str) -> None:
        started = time.monotonic()
        try:
            send_mail(self.smtp, self.message(comment, post_title, post_url))
        except (OSError, smtplib.SMTPException) as error:
            logger.error(
                "notification failed", extra={"event": "notify-error", "error": str(error)}
            )
            return
        logger.info(
            "notification sent",
            extra={"event": "notified", "id": comment.id, "seconds": time.monotonic() - started},
        )
