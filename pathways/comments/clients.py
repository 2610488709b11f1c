"""Keys for rate limits that cannot be turned back into a reader's address.

A key is an HMAC of the address with a random salt made in memory for the current UTC day
and forgotten when the day changes (as Plausible does): it is never written anywhere, so
the keys kept for a rate limit's window cannot be matched against the 2³² IPv4 addresses
once the day is over, nor by anyone who reads the database. A restart forgets the limits.
"""

import hashlib
import hmac
import secrets
import threading
from datetime import UTC, date, datetime


class ClientKeys:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._day: date | None = None
        self._salt = b""

    def salt(self, today: date | None = None) -> bytes:
        """Today's salt; a new day makes a new one and drops the old."""
        today = today or datetime.now(UTC).date()
        with self._lock:
            if today != self._day:
                self._day, self._salt = today, secrets.token_bytes(32)
            return self._salt

    def key(self, address: str, today: date | None = None) -> str:
        return hmac.new(self.salt(today), address.encode(), hashlib.sha256).hexdigest()[:24]
