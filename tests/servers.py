"""Real servers on 127.0.0.1 for tests: an ASGI app under uvicorn, a folder over HTTP, and an
SMTP server that keeps what it receives."""

import email
import email.policy
import functools
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import uvicorn

from tests.sites import free_port


class ServiceThread:
    """A real HTTP server for `app`; `url` is where it listens."""

    def __init__(self, app, port: int | None = None) -> None:
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        config = uvicorn.Config(
            app, host="127.0.0.1", port=self.port, log_config=None, lifespan="off"
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> "ServiceThread":
        self.thread.start()
        deadline = time.monotonic() + 10
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("the service did not start")
            time.sleep(0.02)
        return self

    def __exit__(self, *exc_info) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


def serve_with_headers(
    folder: Path, port: int, headers: dict[str, str]
) -> tuple[str, ThreadingHTTPServer]:
    """A folder served on 127.0.0.1:`port` with `headers` on every answer, as a host sends
    the ones a production build asks for in `_headers`."""

    class WithHeaders(QuietHandler):
        def end_headers(self) -> None:
            for name, value in headers.items():
                self.send_header(name, value)
            super().end_headers()

    handler = functools.partial(WithHeaders, directory=str(folder))
    server = ThreadingHTTPServer(("127.0.0.1", port), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{port}", server


def serve_folder(folder: Path) -> tuple[str, ThreadingHTTPServer]:
    """A folder served over HTTP on 127.0.0.1, as a static host would."""
    handler = functools.partial(QuietHandler, directory=str(folder))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_address[1]}", server


class Mailbox:
    """The messages an SMTP server received, in order."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.messages: list[str] = []
        # (username, password) of each login, when the server asks for one.
        self.logins: list[tuple[str, str]] = []

    def __call__(self, server, session, envelope, mechanism, auth_data):
        """aiosmtpd's authenticator: every login is accepted, and kept."""
        from aiosmtpd.smtp import AuthResult

        self.logins.append((auth_data.login.decode(), auth_data.password.decode()))
        return AuthResult(success=True)

    async def handle_DATA(self, server, session, envelope) -> str:
        self.messages.append(envelope.content.decode())
        return "250 OK"

    def wait(self, count: int, timeout: float = 20) -> email.message.EmailMessage:
        """The `count`-th message, once it arrived."""
        deadline = time.monotonic() + timeout
        while len(self.messages) < count and time.monotonic() < deadline:
            time.sleep(0.05)
        assert len(self.messages) >= count, "no e-mail arrived"
        return email.message_from_string(self.messages[count - 1], policy=email.policy.default)


@contextmanager
def mail_server(login: bool = False) -> Iterator[Mailbox]:
    """A real SMTP server (aiosmtpd) on 127.0.0.1; `COMMENTS_SMTP` can point at its port.
    With `login`, it asks for a username and password (over plain SMTP, on loopback)."""
    from aiosmtpd.controller import Controller

    mailbox = Mailbox(free_port())
    auth = {"authenticator": mailbox, "auth_require_tls": False, "auth_required": True}
    smtp = Controller(mailbox, hostname="127.0.0.1", port=mailbox.port, **(auth if login else {}))
    smtp.start()
    try:
        yield mailbox
    finally:
        smtp.stop()
