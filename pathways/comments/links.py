"""Signed, expiring links to a comment's moderation page, for the notification e-mail.

A link names the comment and the time it expires, signed with a secret the service keeps in
its database (HMAC-SHA256). Opening it only shows the page; deciding takes a POST.
"""

import hashlib
import hmac
import time


class LinkSigner:
    def __init__(self, secret: str, days: int) -> None:
        self.secret = secret.encode()
        self.seconds = days * 86400

    def _signature(self, comment_id: str, expires: int) -> str:
        message = f"{comment_id}:{expires}".encode()
        return hmac.new(self.secret, message, hashlib.sha256).hexdigest()

    def sign(self, comment_id: str, now: float | None = None) -> tuple[int, str]:
        """The expiry time and signature for a new link to `comment_id`."""
        expires = int((now if now is not None else time.time()) + self.seconds)
        return expires, self._signature(comment_id, expires)

    def check(self, comment_id: str, expires: str, signature: str) -> str | None:
        """None for a good link, else what is wrong with it: "invalid" or "expired"."""
        # ASCII digits only (`isdigit` takes "²", which `int` refuses), and a sane length.
        if not (expires.isascii() and expires.isdigit() and len(expires) <= 12):
            return "invalid"
        if not hmac.compare_digest(self._signature(comment_id, int(expires)), signature):
            return "invalid"
        if int(expires) < time.time():
            return "expired"
        return None
