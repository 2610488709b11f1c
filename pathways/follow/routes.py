"""The service's follow routes, mounted at `/follow` on the comment service.

- `POST /follow/subscribe`: the form (an address only), behind the comments' defences: the origin
  check, the hidden field, a limit per client and one on confirmations per hour. The answer
  is the same whether or not the address already follows.
- `/follow/confirm` and `/follow/unsubscribe`: the signed links of the e-mails. Opening one
  shows a button and changes nothing (mail scanners open links); the POST does it. A POST to
  the unsubscribe link is also RFC 8058's one-click unsubscribe.
- `/follow/api/…`: the writer's subscriber list and test e-mail, behind the moderation token.
"""

import json
import smtplib
import sys
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from jinja2 import ChoiceLoader, Environment, PackageLoader, select_autoescape
from starlette.applications import Starlette
from starlette.background import BackgroundTask
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route

from pathways.comments.forms import Rejection, read_form
from pathways.comments.links import LinkSigner
from pathways.comments.logs import service_logger
from pathways.comments.moderation import Failures, from_own_page
from pathways.comments.notify import smtp_connection
from pathways.follow.addresses import AddressError, check_address
from pathways.follow.mailer import Letters, smtp_problem
from pathways.follow.outbox import Outbox
from pathways.follow.posts import checked_post
from pathways.follow.settings import FollowConfig
from pathways.follow.store import FollowStore

if TYPE_CHECKING:
    from pathways.comments.service import CommentService

logger = service_logger(__name__)

MAX_FORM_BYTES = 4096
MAX_IMPORT_BYTES = 8 * 1024 * 1024
# An unsubscribe link works for years: a reader may open an old e-mail.
UNSUBSCRIBE_DAYS = 3650
pages = Environment(
    loader=ChoiceLoader(
        [
            PackageLoader("pathways.follow", "templates"),
            PackageLoader("pathways.comments", "templates"),
        ]
    ),
    autoescape=select_autoescape(default=True),
)

ASKED = (
    "Thank you. If this address does not follow the blog yet, an e-mail to confirm is on its "
    "way: open its link to start. Nothing else is sent to it until you confirm."
)
INVALID = "This link is not valid (it may have been cut short). Nothing was changed."
EXPIRED = "This link has expired. Nothing was changed: sign up again on the blog's Follow page."
TOO_LARGE = "Email: far longer than an address; give one e-mail address."
NOT_OWN_PAGE = "This button works only on its own page. Nothing was changed: open the link again."
BUSY = "Too many sign-ups just now; please try again in an hour."


class Follow:
    """The follow routes and the outbox of one comment service."""

    def __init__(self, service: "CommentService", config: FollowConfig) -> None:
        self.service = service
        self.config = config
        self.smtp = service.config.smtp
        self.store = FollowStore(service.config.db_path, busy_timeout=service.config.busy_timeout)
        secret = service.store.secret("follow_link_secret")
        self.confirm_signer = LinkSigner(secret, config.link_days)
        self.unsubscribe_signer = LinkSigner(secret, UNSUBSCRIBE_DAYS)
        self.letters = Letters(
            site_name=config.site_name,
            site_url=service.config.site_url,
            sender=self.smtp.get("from", ""),
        )
        # Per client only: the confirmations sent in all are limited by the store.
        self.signups = Failures(config.signup_limit, total=sys.maxsize)
        self.problem = smtp_problem(self.smtp)
        if self.problem:
            logger.error("cannot send to followers: %s", self.problem, extra={"event": "no-smtp"})
        self.outbox = Outbox(
            self.store,
            site_dir=service.config.site_dir,
            index_path=config.index_path,
            letters=self.letters,
            smtp=self.smtp,
            rate=config.rate,
            unsubscribe_link=self.unsubscribe_link,
            max_age_days=config.max_age_days,
            poll_seconds=config.poll_seconds,
        )

    @asynccontextmanager
    async def lifespan(self, app: Any):
        """The outbox runs while the service does; it resumes what is queued."""
        if not self.problem:
            self.outbox.start()
        try:
            yield
        finally:
            await run_in_threadpool(self.outbox.stop)

    def app(self) -> Starlette:
        return Starlette(
            routes=[
                Route("/subscribe", self.ask, methods=["POST"]),
                Route("/confirm", self.confirm, methods=["GET", "POST"]),
                Route("/unsubscribe", self.unsubscribe, methods=["GET", "POST"]),
                Route("/api/subscribers", self.api_list, methods=["GET"]),
                Route("/api/subscribers/import", self.api_import, methods=["POST"]),
                Route("/api/subscribers/remove", self.api_remove, methods=["POST"]),
                Route("/api/test", self.api_test, methods=["POST"]),
            ]
        )

    # Links

    def _link(self, path: str, signer: LinkSigner, purpose: str, address: str) -> str:
        expires, signature = signer.sign(f"{purpose}:{address}")
        query = urlencode({"address": address, "expires": expires, "signature": signature})
        return f"{self.service.config.public_url.rstrip('/')}/follow/{path}?{query}"

    def confirm_link(self, address: str) -> str:
        return self._link("confirm", self.confirm_signer, "confirm", address)

    def unsubscribe_link(self, address: str) -> str:
        return self._link("unsubscribe", self.unsubscribe_signer, "unsubscribe", address)

    def _checked_link(self, request: Request, signer: LinkSigner, purpose: str):
        """(address, None) for a good link, else (None, the page to answer)."""
        query = request.query_params
        address = query.get("address", "")[:300]
        problem = signer.check(
            f"{purpose}:{address}", query.get("expires", "")[:20], query.get("signature", "")[:100]
        )
        if problem is None:
            return address, None
        logger.info("link refused", extra={"event": f"{purpose}-{problem}"})
        if problem == "expired":
            return None, self.page("Link expired", EXPIRED, 410)
        return None, self.page("Link not valid", INVALID, 404)

    # Pages

    def page(self, heading: str, message: str, status: int = 200, **values: Any) -> Response:
        html = pages.get_template(values.pop("template", "message.html")).render(
            site_url=self.service.config.site_url.rstrip("/"),
            stylesheet=self.service.posts.stylesheet(),
            heading=heading,
            message=message,
            **values,
        )
        return HTMLResponse(html, status_code=status, headers=values.get("headers"))

    def form_page(self, address: str, error: str, status: int) -> Response:
        return self.page(
            "Follow by e-mail",
            error,
            status,
            template="follow_form.html",
            address=address,
            action=f"{self.service.config.public_url.rstrip('/')}/follow/subscribe",
        )

    async def ask(self, request: Request) -> Response:
        address = ""
        try:
            self.service.check_origin(request)
            fields = await read_form(request, MAX_FORM_BYTES)
            address = fields.get("email", "")[:400]
            client = self.service.client(request)
            if fields.get("homepage"):
                logger.info("sign-up held as spam", extra={"event": "follow-spam"})
                return self.page("Follow by e-mail", ASKED)
            if self.problem:
                raise Rejection(503, ["Following by e-mail is not available just now."])
            if self.signups.blocked(client):
                raise Rejection(429, ["Too many sign-ups from your connection; try again later."])
            self.signups.add(client)
            checked = check_address(address)
        except Rejection as rejection:
            if rejection.status == 413:
                return self.form_page("", TOO_LARGE, 413)
            if rejection.status in (403, 415, 400):
                return self.page("Not sent", str(rejection), rejection.status)
            return self.form_page(address, str(rejection), rejection.status)
        except AddressError as error:
            return self.form_page(address, str(error), 422)
        decision = await run_in_threadpool(self.remember, checked)
        if decision == "busy":
            logger.warning("confirmation limit reached", extra={"event": "follow-busy"})
            return self.form_page(checked, BUSY, 503)
        task = BackgroundTask(self.send_confirmation, checked) if decision == "send" else None
        response = self.page("Follow by e-mail", ASKED)
        response.background = task
        return response

    def remember(self, address: str) -> str | None:
        """Store a sign-up (see `FollowStore.ask`), forgetting addresses never confirmed."""
        self.store.forget_unconfirmed(self.config.link_days)
        return self.store.ask(address, hourly_cap=self.config.confirmations_per_hour)

    def send_confirmation(self, address: str) -> None:
        message = self.letters.confirmation(
            address, self.confirm_link(address), self.config.link_days
        )
        try:
            with smtp_connection(self.smtp) as server:
                server.send_message(message, to_addrs=[address])
        except (OSError, smtplib.SMTPException) as error:
            self.store.confirmation_failed(address)
            logger.error(
                "confirmation not sent", extra={"event": "confirm-error", "error": str(error)}
            )
            return
        logger.info("confirmation sent", extra={"event": "confirmation-sent"})

    async def confirm(self, request: Request) -> Response:
        address, refused = self._checked_link(request, self.confirm_signer, "confirm")
        if refused:
            return refused
        if request.method == "GET":
            return self.page(
                "Follow by e-mail",
                f"Press the button to get each new post of {self.config.site_name} at {address}.",
                template="follow_button.html",
                button="Confirm",
            )
        if not from_own_page(request, self.service.origin_allowed):
            return self.page("Not done", NOT_OWN_PAGE, 403)
        if not await run_in_threadpool(self.store.confirm, address):
            return self.page("Link expired", EXPIRED, 410)
        logger.info("follower confirmed", extra={"event": "confirmed"})
        return self.page(
            "You follow the blog",
            f"Each new post of {self.config.site_name} will reach {address} once. Every e-mail "
            "has a link to stop.",
            back=self.service.config.site_url,
        )

    async def unsubscribe(self, request: Request) -> Response:
        address, refused = self._checked_link(request, self.unsubscribe_signer, "unsubscribe")
        if refused:
            return refused
        if request.method == "GET":
            return self.page(
                "Stop these e-mails",
                f"Press the button and {address} gets no more e-mails from "
                f"{self.config.site_name}.",
                template="follow_button.html",
                button="Stop the e-mails",
            )
        if not from_own_page(request, self.service.origin_allowed):
            return self.page("Not done", NOT_OWN_PAGE, 403)
        await run_in_threadpool(self.store.remove, address)
        logger.info("follower left", extra={"event": "unsubscribed"})
        return self.page(
            "E-mails stopped",
            f"{address} gets no more e-mails from {self.config.site_name}, and is no longer kept.",
        )

    # The writer's API

    async def api_list(self, request: Request) -> Response:
        if refused := self.service.tokens.refusal(request):
            return refused
        status = request.query_params.get("status") or None
        items = await run_in_threadpool(self.store.subscribers, status)
        return JSONResponse({"subscribers": items, "outbox": self.store.outbox_counts()})

    async def _json_field(self, request: Request, name: str) -> Any:
        try:
            fields = await read_form(request, MAX_IMPORT_BYTES)
            return json.loads(fields.get(name, "null"))
        except Rejection as rejection:
            raise ValueError(str(rejection)) from None

    async def api_import(self, request: Request) -> Response:
        if refused := self.service.tokens.refusal(request):
            return refused
        try:
            rows = await self._json_field(request, "subscribers")
            if not isinstance(rows, list):
                raise ValueError("subscribers: a list of [address, date] pairs")
        except ValueError as error:
            return JSONResponse({"error": str(error)}, status_code=400)
        good, refused_rows = [], []
        for row in rows:
            try:
                address, date = str(row[0]), str(row[1] or "")
                moment = datetime.fromisoformat(date) if date else datetime.now(UTC)
                good.append((check_address(address), moment.isoformat(timespec="seconds")))
            except (AddressError, ValueError, TypeError, IndexError) as error:
                refused_rows.append({"row": row, "error": str(error)})
        added, present = await run_in_threadpool(self.store.add_confirmed, good)
        logger.info("followers imported", extra={"event": "imported", "added": added})
        return JSONResponse({"added": added, "present": present, "refused": refused_rows})

    async def api_remove(self, request: Request) -> Response:
        if refused := self.service.tokens.refusal(request):
            return refused
        fields = await read_form(request, MAX_FORM_BYTES)
        removed = await run_in_threadpool(self.store.remove, fields.get("address", ""))
        return JSONResponse({"removed": removed})

    async def api_test(self, request: Request) -> Response:
        """Send a post's e-mail to the writer (COMMENTS_SMTP's "to"), marked as a test."""
        if refused := self.service.tokens.refusal(request):
            return refused
        to = self.smtp.get("to", "")
        try:
            if not to or self.problem:
                raise ValueError(self.problem or 'COMMENTS_SMTP has no "to" (your address)')
            post = checked_post(await self._json_field(request, "post"))
            post["date"] = post.pop("moment").isoformat()
            message = self.letters.post(to, post, self.unsubscribe_link(to), test=True)
            with smtp_connection(self.smtp) as server:
                server.send_message(message, to_addrs=[to])
        except (ValueError, KeyError, TypeError) as error:
            return JSONResponse({"error": f"not sent: {error}"}, status_code=400)
        except (OSError, smtplib.SMTPException) as error:
            return JSONResponse({"error": f"the mail provider failed: {error}"}, status_code=502)
        return JSONResponse({"sent_to": to})
