"""The comment service: receives "Post a Comment" forms (and optional view beacons).

A small Starlette app. It checks each submission (origin, size, encoding, fields, the post
and parent exist), quietly keeps obvious spam aside, rate-limits per client, stores the
comment as pending in SQLite, optionally e-mails the writer, and sends the reader back to
the post ("Your comment is awaiting moderation."). With JavaScript the theme submits in
place and gets JSON instead of the redirect.
"""

import io
import json
import logging
import re
import smtplib
import sqlite3
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from jinja2 import Environment, PackageLoader, select_autoescape
from starlette.applications import Starlette
from starlette.background import BackgroundTask
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from pathways.comments.model import MAX_BODY, Comment, CommentError, make_comment
from pathways.comments.settings import COMMENTS
from pathways.comments.store import CommentStore
from pathways.views.sources import REPEAT_WINDOW, is_bot, normalise_path
from pathways.views.store import ViewStore

logger = logging.getLogger(__name__)

MAX_REQUEST_BYTES = 4 * MAX_BODY + 4096
MAX_EMAIL = 254
MAX_BEACON_BYTES = 2048
DEFAULT_STYLESHEET = "/theme/css/style.css"
FIELDS = ("post", "parent", "author", "email", "website", "body", "homepage", "elapsed")
LINK = re.compile(r"https?://|www\.", re.IGNORECASE)
PENDING_MESSAGE = "Thank you! Your comment is awaiting moderation."
templates = Environment(
    loader=PackageLoader("pathways.comments", "templates"),
    autoescape=select_autoescape(default=True),
)


DEFAULTS = COMMENTS.defaults()


@dataclass
class ServiceConfig:
    """Everything the service needs; built from the site's settings by the CLI."""

    db_path: Path
    site_dir: Path
    site_url: str
    index_path: str = DEFAULTS["COMMENTS_INDEX_SAVE_AS"]
    allowed_origins: tuple[str, ...] = ()
    rate_limit: int = DEFAULTS["COMMENTS_RATE_LIMIT"][0]
    rate_window: timedelta = timedelta(seconds=DEFAULTS["COMMENTS_RATE_LIMIT"][1])
    min_seconds: float = DEFAULTS["COMMENTS_MIN_SECONDS"]
    max_links: int = DEFAULTS["COMMENTS_MAX_LINKS"]
    trust_proxy: bool = DEFAULTS["COMMENTS_TRUST_PROXY"]
    busy_timeout: float = 5.0
    smtp: dict[str, Any] = field(default_factory=dict)


class PostIndex:
    """The posts that take comments, read from the built site and re-read when it changes."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._stamp: float | None = None
        self._posts: dict[str, dict] = {}
        self._paths: dict[str, str] = {}
        self._stylesheet = DEFAULT_STYLESHEET

    def _load(self) -> dict[str, dict]:
        try:
            stamp = self.path.stat().st_mtime
        except OSError:
            logger.warning("no comment index at %s: build the site first", self.path)
            return {}
        if stamp != self._stamp:
            index = json.loads(self.path.read_text(encoding="utf-8"))
            self._posts = index.get("posts", {})
            self._stylesheet = index.get("stylesheet", DEFAULT_STYLESHEET)
            self._paths = {
                normalise_path("/" + post["url"]): slug for slug, post in self._posts.items()
            }
            self._stamp = stamp
        return self._posts

    def get(self, slug: str) -> dict | None:
        return self._load().get(slug)

    def stylesheet(self) -> str:
        """The site's stylesheet path, as built (its name may carry a content hash)."""
        self._load()
        return self._stylesheet

    def slug_for_path(self, path: str) -> str | None:
        self._load()
        return self._paths.get(path)


class RecentViews:
    """Remembers, in memory only, which client saw which post in the last 30 minutes."""

    def __init__(self, window: float = REPEAT_WINDOW) -> None:
        self.window = window
        self.seen_at: dict[tuple[str, str], float] = {}

    def seen(self, client: str, slug: str) -> bool:
        now = time.monotonic()
        if len(self.seen_at) > 100_000:
            self.seen_at = {k: t for k, t in self.seen_at.items() if now - t < self.window}
        previous = self.seen_at.get((client, slug))
        if previous is not None and now - previous < self.window:
            return True
        self.seen_at[(client, slug)] = now
        return False


class JsonLogFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message and any `extra` fields."""

    RESERVED = frozenset(vars(logging.makeLogRecord({})))

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        entry.update({k: v for k, v in vars(record).items() if k not in self.RESERVED})
        return json.dumps(entry, default=str)


class Rejection(Exception):
    """A submission that gets an error answer; the reader's text is shown back to them."""

    def __init__(self, status: int, errors: list[str], headers: dict | None = None) -> None:
        super().__init__("; ".join(errors))
        self.status = status
        self.errors = errors
        self.headers = headers or {}


def count_links(text: str) -> int:
    return len(LINK.findall(text))


def spam_reason(fields: dict[str, str], config: ServiceConfig) -> str | None:
    """Why a submission looks automated, or None. The bot is never told."""
    if fields.get("homepage"):
        return "honeypot"
    elapsed = fields.get("elapsed", "")
    if elapsed.isdigit() and int(elapsed) < config.min_seconds * 1000:
        return "too fast"
    if count_links(fields.get("body", "")) > config.max_links:
        return "too many links"
    return None


def origin_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower() if parts.scheme and parts.netloc else ""


def check_email(value: str) -> str | None:
    value = value.strip()
    if not value:
        return None
    if len(value) > MAX_EMAIL or not re.fullmatch(r"[^@\s<>\"]+@[^@\s<>\"]+\.[^@\s<>\"]+", value):
        raise CommentError("Email: not a valid address (or leave it empty)")
    return value


class CommentService:
    """The request handlers, with the store, the post index and the settings they share."""

    def __init__(self, config: ServiceConfig) -> None:
        self.config = config
        self.store = CommentStore(config.db_path, busy_timeout=config.busy_timeout)
        self.posts = PostIndex(config.site_dir / config.index_path)
        self.allowed = {origin_of(origin) for origin in config.allowed_origins} - {""}
        self.views = ViewStore(config.db_path, busy_timeout=config.busy_timeout)
        self.recent_views = RecentViews()

    def app(self) -> Starlette:
        return Starlette(
            routes=[
                Route("/comments", self.submit, methods=["POST"]),
                Route("/form", self.reply_form, methods=["GET"]),
                Route("/health", self.health, methods=["GET"]),
                Route("/views", self.count_view, methods=["POST"]),
                Route("/views.csv", self.export_views, methods=["GET"]),
            ]
        )

    def post_url(self, post: dict) -> str:
        return f"{self.config.site_url.rstrip('/')}/{post['url']}"

    def client(self, request: Request) -> str:
        address = request.client.host if request.client else "unknown"
        if self.config.trust_proxy:
            forwarded = request.headers.get("x-forwarded-for", "")
            address = forwarded.split(",")[0].strip() or address
        return self.store.client_key(address)

    def cors_headers(self, request: Request) -> dict[str, str]:
        origin = request.headers.get("origin", "")
        if origin_of(origin) in self.allowed:
            return {"Access-Control-Allow-Origin": origin, "Vary": "Origin"}
        return {"Vary": "Origin"}

    def check_origin(self, request: Request) -> None:
        claimed = request.headers.get("origin") or request.headers.get("referer")
        if claimed and origin_of(claimed) not in self.allowed:
            raise Rejection(403, ["This form can only be sent from the blog's own pages."])

    async def read_fields(self, request: Request) -> dict[str, str]:
        content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if content_type != "application/x-www-form-urlencoded":
            raise Rejection(415, ["Send the form as application/x-www-form-urlencoded."])
        size = 0
        chunks = []
        async for chunk in request.stream():
            size += len(chunk)
            if size > MAX_REQUEST_BYTES:
                raise Rejection(413, [f"The comment is too long (at most {MAX_BODY} characters)."])
            chunks.append(chunk)
        try:
            pairs = parse_qsl(
                b"".join(chunks).decode("ascii"),
                keep_blank_values=True,
                strict_parsing=False,
                encoding="utf-8",
                errors="strict",
                max_num_fields=len(FIELDS) * 2,
            )
        except (UnicodeDecodeError, ValueError):
            raise Rejection(400, ["The form could not be read (it is not valid UTF-8)."]) from None
        fields = {name: "" for name in FIELDS}
        for name, value in pairs:
            if name in fields:
                fields[name] = value
        return fields

    async def submit(self, request: Request) -> Response:
        wants_json = "application/json" in request.headers.get("accept", "")
        fields: dict[str, str] = {}
        post = None
        try:
            self.check_origin(request)
            fields = await self.read_fields(request)
            post = self.posts.get(fields["post"])
            if post is None:
                raise Rejection(404, ["There is no post here to comment on."])
            if not post.get("open", True):
                raise Rejection(403, ["Comments are closed on this post."])
            comment = await run_in_threadpool(self.accept, request, fields, post)
        except Rejection as rejection:
            logger.info(
                "submission refused",
                extra={"event": "refused", "status": rejection.status, "reason": str(rejection)},
            )
            return self.refusal(request, rejection, fields, post, wants_json)
        task = None
        if comment is not None and self.config.smtp.get("host"):
            task = BackgroundTask(self.notify, comment, post)
        if wants_json:
            payload = {"status": "pending", "message": PENDING_MESSAGE}
            return JSONResponse(
                payload, status_code=202, headers=self.cors_headers(request), background=task
            )
        return RedirectResponse(
            self.post_url(post) + "#comment-pending", status_code=303, background=task
        )

    def accept(self, request: Request, fields: dict[str, str], post: dict) -> Comment | None:
        """Check and store one submission; returns the stored comment, or None for spam."""
        slug = fields["post"]
        try:
            comment = make_comment(
                post_slug=slug,
                author=fields["author"],
                body=fields["body"],
                parent=fields["parent"] or None,
                website=fields["website"],
            )
            email = check_email(fields["email"])
        except CommentError as error:
            raise Rejection(422, [str(error)]) from None
        if comment.parent and comment.parent not in self.known_comments(slug, post):
            raise Rejection(422, ["Reply-To: not a comment on this post."])
        client = self.client(request)
        window = self.config.rate_window
        try:
            if self.store.recent_count(client, window) >= self.config.rate_limit:
                minutes = max(1, int(window.total_seconds() // 60))
                raise Rejection(
                    429,
                    [f"Too many comments from your connection; please wait {minutes} minutes."],
                    {"Retry-After": str(int(window.total_seconds()))},
                )
            reason = spam_reason(fields, self.config)
            status = "spam" if reason else "pending"
            self.store.add(comment, client=client, email=email, status=status, spam_reason=reason)
        except sqlite3.OperationalError as error:
            logger.error("store unavailable", extra={"event": "store-error", "error": str(error)})
            raise Rejection(
                503,
                ["The comment could not be saved just now; please send it again in a minute."],
                {"Retry-After": "60"},
            ) from None
        logger.info(
            "comment stored",
            extra={"event": "stored", "id": comment.id, "post": slug, "status": status},
        )
        return None if reason else comment

    def known_comments(self, slug: str, post: dict) -> set[str]:
        return set(post.get("comments", [])) | self.store.ids_for_post(slug)

    def refusal(
        self,
        request: Request,
        rejection: Rejection,
        fields: dict[str, str],
        post: dict | None,
        wants_json: bool,
    ) -> Response:
        headers = {**rejection.headers, **self.cors_headers(request)}
        if wants_json:
            return JSONResponse(
                {"status": "error", "errors": rejection.errors},
                status_code=rejection.status,
                headers=headers,
            )
        if post is not None and rejection.status in (422, 429, 503):
            html = self.render_form(fields["post"], post, fields, rejection.errors)
            return HTMLResponse(html, status_code=rejection.status, headers=headers)
        html = templates.get_template("message.html").render(
            heading="Comment not sent",
            message=" ".join(rejection.errors),
            body=fields.get("body", ""),
            back=self.post_url(post) if post else None,
            site_url=self.config.site_url.rstrip("/"),
            stylesheet=self.posts.stylesheet(),
        )
        return HTMLResponse(html, status_code=rejection.status, headers=headers)

    def render_form(
        self, slug: str, post: dict, values: dict[str, str], errors: list[str] | None = None
    ) -> str:
        heading = "Reply to a comment" if values.get("parent") else "Post a Comment"
        return templates.get_template("comment_form.html").render(
            heading=heading,
            post=post,
            post_url=self.post_url(post),
            slug=slug,
            values=values,
            errors=errors or [],
            action="comments",
            site_url=self.config.site_url.rstrip("/"),
            stylesheet=self.posts.stylesheet(),
        )

    async def reply_form(self, request: Request) -> Response:
        """The form as a page of its own, for replying without JavaScript."""
        slug = request.query_params.get("post", "")
        post = self.posts.get(slug)
        if post is None:
            return HTMLResponse("There is no post here to comment on.", status_code=404)
        values = {name: "" for name in FIELDS}
        values["parent"] = request.query_params.get("parent", "")[:64]
        return HTMLResponse(self.render_form(slug, post, values))

    async def health(self, request: Request) -> Response:
        try:
            pending = await run_in_threadpool(self.store.count, "pending")
        except sqlite3.Error as error:
            return JSONResponse({"status": "error", "error": str(error)}, status_code=503)
        return JSONResponse({"status": "ok", "pending": pending})

    async def count_view(self, request: Request) -> Response:
        """The view beacon: one count per post, client and 30 minutes; nothing about the
        reader is stored. Always answers 204, so it tells a bot nothing."""
        origin = request.headers.get("origin")
        body = (await request.body())[:MAX_BEACON_BYTES]
        agent = request.headers.get("user-agent", "")
        if (origin is None or origin_of(origin) in self.allowed) and not is_bot(agent):
            path = normalise_path(body.decode("utf-8", "replace").strip())
            slug = self.posts.slug_for_path(path)
            if slug is not None and not self.recent_views.seen(self.client(request), slug):
                try:
                    await run_in_threadpool(self.views.add, path, datetime.now(UTC).date())
                except sqlite3.OperationalError as error:
                    logger.warning(
                        "view not counted", extra={"event": "view-error", "error": str(error)}
                    )
        return Response(status_code=204, headers=self.cors_headers(request))

    async def export_views(self, request: Request) -> Response:
        """Daily counts as the plain `path,date,views` CSV that Popular Posts reads."""
        stream = io.StringIO()
        await run_in_threadpool(self.views.export_csv, stream)
        return Response(stream.getvalue(), media_type="text/csv; charset=utf-8")

    def notify(self, comment: Comment, post: dict) -> None:
        """E-mail the writer about a new pending comment; a failure is logged, never fatal."""
        smtp = self.config.smtp
        message = EmailMessage()
        message["Subject"] = f"New comment on {post['title']}"
        message["From"] = smtp.get("from", "pathways@localhost")
        message["To"] = smtp["to"]
        message.set_content(
            f"{comment.author} wrote on {self.post_url(post)}:\n\n{comment.body}\n\n"
            f"Approve:  pathways comments approve {comment.id}\n"
            f"Reject:   pathways comments reject {comment.id}\n"
        )
        started = time.monotonic()
        try:
            with smtplib.SMTP(smtp["host"], int(smtp.get("port", 25)), timeout=10) as server:
                if smtp.get("starttls"):
                    server.starttls()
                if smtp.get("username"):
                    server.login(smtp["username"], smtp.get("password", ""))
                server.send_message(message)
        except (OSError, smtplib.SMTPException) as error:
            logger.error(
                "notification failed", extra={"event": "notify-error", "error": str(error)}
            )
            return
        logger.info(
            "notification sent",
            extra={"event": "notified", "id": comment.id, "seconds": time.monotonic() - started},
        )


def create_app(config: ServiceConfig) -> Starlette:
    return CommentService(config).app()
