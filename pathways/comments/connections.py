"""The service's HTTP connections, bounded: a client gets `READ_SECONDS` to send a whole
request, one address may hold `PER_ADDRESS` connections and everyone together `TOTAL`.

uvicorn waits for the rest of a half-sent request for ever, and takes every connection it
is offered: a thousand slow clients would use up the service's file descriptors, and
`/health` would stop answering. Connections over the limits are closed at once, unanswered.
"""

import asyncio
from collections import Counter
from typing import ClassVar

import h11
from uvicorn.protocols.http.h11_impl import H11Protocol

READ_SECONDS = 20.0
PER_ADDRESS = 64
TOTAL = 512
# The request was read whole, or the connection is ending: no deadline applies.
RECEIVED = (h11.DONE, h11.MUST_CLOSE, h11.CLOSED, h11.ERROR)


class GuardedH11(H11Protocol):
    # Per process: one service runs in one process.
    open_by_address: ClassVar[Counter[str]] = Counter()

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self.address = self.client[0] if self.client else ""
        self.open_by_address[self.address] += 1
        self.deadline: asyncio.TimerHandle | None = None
        too_many = len(self.connections) > TOTAL
        if too_many or self.open_by_address[self.address] > PER_ADDRESS:
            transport.close()
            return
        self._start_deadline()

    def _start_deadline(self) -> None:
        if self.deadline is not None:
            self.deadline.cancel()
        self.deadline = self.loop.call_later(READ_SECONDS, self._too_slow)

    def _too_slow(self) -> None:
        if self.conn.their_state not in RECEIVED and not self.transport.is_closing():
            self.transport.close()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        if not self.transport.is_closing():
            self._start_deadline()

    def connection_lost(self, exc: Exception | None) -> None:
        if self.deadline is not None:
            self.deadline.cancel()
        self.open_by_address[self.address] -= 1
        if self.open_by_address[self.address] <= 0:
            del self.open_by_address[self.address]
        super().connection_lost(exc)
