"""The comment service: receives "Post a Comment" forms, and lets the writer moderate.

A small Starlette app. It checks each submission (origin, size, encoding, fields, the post
and parent exist), quietly keeps obvious spam aside, rate-limits per client, stores the
comment as pending in SQLite, has the writer notified, and sends the reader back to the post
("Your comment is awaiting moderation."). With JavaScript the theme submits in place and
gets JSON instead of the redirect. The moderation routes (`moderation.py`) and the view
beacon (`pathways.views.beacon`) are mounted on it.
"""

import hashlib
import json
import re
import secrets
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit
from zoneinfo import ZoneInfo

from jinja2 import Environment, PackageLoader, select_autoescape
from starlette.applications import Starlette
from starlette.background import BackgroundTask
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from pathways.comments.clients import ClientKeys
from pathways.comments.connections import GuardedH11
from pathways.comments.forms import FIELDS, MAX_REQUEST_BYTES, Rejection, read_form
from pathways.comments.links import LinkSigner
from pathways.comments.logs import service_logger
from pathways.comments.model import (
    FIELD_LIMITS,
    Comment,
    CommentError,
    check_email,
    make_comment,
    shows_as_empty,
)
from pathways.comments.moderation import TokenCheck, moderation_app
from pathways.comments.notify import Notifier
from pathways.comments.settings import COMMENTS
from pathways.comments.store import CommentStore, RateLimited
from pathways.follow.routes import Follow
from pathways.follow.settings import FollowConfig
from pathways.views.beacon import beacon_app
from pathways.views.rules import normalise_path
from pathways.views.served import counts_routes
from pathways.views.store import ViewStore

logger = service_logger(__name__)

DEFAULT_STYLESHEET = "/theme/css/style.css"
LINK = re.compile(r"https?://|www\.", re.IGNORECASE)
# The fields a reader wrote: the same in a resubmission.
SUBMITTED = ("post", "parent", "author", "email", "website", "body")
PENDING_MESSAGE = "Thank you! Your comment is awaiting moderation."
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")
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
    # In preview (no SITEURL) the form may come from a page on any loopback port.
    allow_loopback: bool = False
    rate_limit: int = DEFAULTS["COMMENTS_RATE_LIMIT"][0]
    rate_window: timedelta = timedelta(seconds=DEFAULTS["COMMENTS_RATE_LIMIT"][1])
    min_seconds: float = DEFAULTS["COMMENTS_MIN_SECONDS"]
    max_links: int = DEFAULTS["COMMENTS_MAX_LINKS"]
    trust_proxy: bool = DEFAULTS["COMMENTS_TRUST_PROXY"]
    busy_timeout: float = 5.0
    smtp: dict[str, Any] = field(default_factory=dict)
    # Where readers reach the service (COMMENTS_ENDPOINT): the e-mail's links point there.
    public_url: str = ""
    moderation_token: str | None = None
    link_days: int = DEFAULTS["COMMENTS_LINK_DAYS"]
    author: str = "The author"
    # The blog's TIMEZONE, in which the moderation page shows times.
    timezone: str = "UTC"
    # The view beacon (POPULAR_POSTS_BEACON): mounted only when the site sends it.
    beacon: bool = False
    # The server's per-day view counts (`pathways views count`), served to the laptop behind
    # the moderation token; None: not served.
    counts_db: Path | None = None
    # Called with the ids of newly approved comments (one server, no laptop step).
    on_approve: Callable[[list[str]], None] | None = None
    # Follow by e-mail (FOLLOW_EMAIL); None when it is off.
    follow: FollowConfig | None = None


class PostIndex:
    """The posts that take comments, read from the built site and re-read when it changes."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._stamp: tuple[int, ...] | None = None
        self._posts: dict[str, dict] = {}
        self._paths: dict[str, str] = {}
        self._stylesheet = DEFAULT_STYLESHEET

    def _load(self) -> dict[str, dict]:
        try:
            found = self.path.stat()
        except OSError:
            return {}
        # A deploy may swap in another file (a `current` symlink) with the same time.
        stamp = (found.st_dev, found.st_ino, found.st_mtime_ns, found.st_size)
        if stamp != self._stamp:
            index = json.loads(self.path.read_text(encoding="utf-8"))
            self._posts = index.get("posts", {})
            self._stylesheet = index.get("stylesheet", DEFAULT_STYLESHEET)
            self._paths = {
                normalise_path("/" + post["url"]): slug for slug, post in self._posts.items()
            }
            self._stamp = stamp
        return self._posts

    def available(self) -> bool:
        return self.path.is_file()

    def get(self, slug: str) -> dict | None:
        return self._load().get(slug)

    def stylesheet(self) -> str:
        """The site's stylesheet path, as built (its name may carry a content hash)."""
        self._load()
        return self._stylesheet

    def slug_for_path(self, path: str) -> str | None:
        self._load()
        return self._paths.get(path)


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


class SecurityHeaders:
    """Headers on every answer: what the service's pages may load, and that no other site
    may frame them."""

    def __init__(self, app: ASGIApp, site_origin: str) -> None:
        self.app = app
        sources = f"'self' {site_origin}".strip()
        policy = (
            f"default-src 'none'; style-src {sources}; img-src {sources}; "
            f"form-action {sources}; frame-ancestors 'none'; base-uri 'none'"
        )
        self.headers = [
            (b"content-security-policy", policy.encode()),
            (b"x-content-type-options", b"nosniff"),
            (b"x-frame-options", b"DENY"),
            (b"referrer-policy", b"no-referrer"),
        ]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message.setdefault("headers", [])
                message["headers"] = [*message["headers"], *self.headers]
            await send(message)

        await self.app(scope, receive, send_with_headers)


class CommentService:
    """The request handlers, with the store, the post index and the settings they share."""

    def __init__(self, config: ServiceConfig) -> None:
        self.config = config
        self.store = CommentStore(config.db_path, busy_timeout=config.busy_timeout)
        self.posts = PostIndex(config.site_dir / config.index_path)
        self.allowed = {origin_of(origin) for origin in config.allowed_origins} - {""}
        self.views = ViewStore(config.db_path, busy_timeout=config.busy_timeout)
        self.client_keys = ClientKeys()
        self.tokens = TokenCheck(config.moderation_token, self.client)
        self.signer = LinkSigner(self.store.secret("link_secret"), config.link_days)
        self.notifier = Notifier(config.smtp, self.moderation_link)
        if not self.posts.available():
            logger.error(
                "cannot accept comments: no %s; build the site (make publish) or pass --site",
                self.posts.path,
                extra={"event": "no-index"},
            )

    def app(self) -> ASGIApp:
        follow = Follow(self, self.config.follow) if self.config.follow else None
        app = Starlette(routes=self.routes(follow), lifespan=follow.lifespan if follow else None)
        return SecurityHeaders(app, origin_of(self.config.site_url))

    def routes(self, follow: Follow | None = None) -> list[BaseRoute]:
        """Every route of the service: a feature adds its own here, mounted under a path."""
        own = origin_of(self.config.public_url)
        moderation = moderation_app(
            self.store,
            tokens=self.tokens,
            signer=self.signer,
            author=self.config.author,
            page=self.page,
            origin_allowed=lambda origin: origin_of(origin) == own or self.origin_allowed(origin),
            post_title=self.post_title,
            on_approve=self.config.on_approve,
        )
        routes: list[BaseRoute] = [
            Route("/comments", self.submit, methods=["POST"]),
            Route("/form", self.reply_form, methods=["GET"]),
            Route("/health", self.health, methods=["GET"]),
            Mount("/moderation", app=moderation),
        ]
        if self.config.counts_db is not None:
            routes += counts_routes(
                self.config.counts_db, self.tokens.refusal, self.config.busy_timeout
            )
        if follow:
            routes.append(Mount("/follow", app=follow.app()))
        if self.config.beacon:
            beacon = beacon_app(
                self.views,
                self.posts.slug_for_path,
                self.origin_allowed,
                self.client,
                self.cors,
                self.tokens.refusal,
                self.config.timezone,
            )
            routes.append(Mount("", app=beacon))
        return routes

    def post_title(self, slug: str) -> str | None:
        post = self.posts.get(slug)
        return post.get("title") if post else None

    def local_time(self, moment: datetime) -> str:
        """A time as the blog shows it: in its TIMEZONE, with the zone's abbreviation."""
        shown = moment.astimezone(ZoneInfo(self.config.timezone))
        return shown.strftime(f"%B {shown.day}, %Y at %H:%M %Z")

    def post_url(self, post: dict) -> str:
        return f"{self.config.site_url.rstrip('/')}/{post['url']}"

    def moderation_link(self, comment_id: str) -> str:
        expires, signature = self.signer.sign(comment_id)
        query = urlencode({"expires": expires, "signature": signature})
        return f"{self.config.public_url.rstrip('/')}/moderation/link/{comment_id}?{query}"

    def client(self, request: Request) -> str:
        """The client's key for rate limits. Behind your own proxy (COMMENTS_TRUST_PROXY),
        the address it appended last to X-Forwarded-For; others can be made up by anyone."""
        address = request.client.host if request.client else "unknown"
        if self.config.trust_proxy:
            forwarded = request.headers.get("x-forwarded-for", "")
            address = forwarded.rsplit(",", 1)[-1].strip() or address
        return self.client_keys.key(address)

    def origin_allowed(self, origin: str) -> bool:
        origin = origin_of(origin)
        if origin in self.allowed:
            return True
        parts = urlsplit(origin)
        loopback = parts.scheme == "http" and parts.hostname in LOOPBACK_HOSTS
        return self.config.allow_loopback and loopback

    def cors(self, request: Request) -> dict[str, str]:
        origin = request.headers.get("origin", "")
        if self.origin_allowed(origin):
            return {"Access-Control-Allow-Origin": origin, "Vary": "Origin"}
        return {"Vary": "Origin"}

    def check_origin(self, request: Request) -> None:
        claimed = request.headers.get("origin") or request.headers.get("referer")
        if claimed and not self.origin_allowed(claimed):
            raise Rejection(403, ["This form can only be sent from the blog's own pages."])

    async def read_fields(self, request: Request) -> dict[str, str]:
        pairs = await read_form(request, MAX_REQUEST_BYTES)
        return {name: pairs.get(name, "") for name in FIELDS}

    async def submit(self, request: Request) -> Response:
        wants_json = "application/json" in request.headers.get("accept", "")
        fields: dict[str, str] = {}
        post = None
        try:
            self.check_origin(request)
            fields = await self.read_fields(request)
            if not self.posts.available():
                raise Rejection(
                    503,
                    ["Comments cannot be received just now; please try again later."],
                    {"Retry-After": "600"},
                )
            post = self.posts.get(fields["post"])
            if post is None:
                raise Rejection(404, ["There is no post here to comment on."])
            if not post.get("open", True):
                raise Rejection(403, ["Comments are closed on this post."])
            comment = await run_in_threadpool(self.accept, request, fields, post)
        except Rejection as rejection:
            fields = fields or rejection.fields
            logger.info(
                "submission refused",
                extra={"event": "refused", "status": rejection.status, "reason": str(rejection)},
            )
            return self.refusal(request, rejection, fields, post, wants_json)
        task = None
        if comment is not None and self.notifier.enabled:
            task = BackgroundTask(self.notifier.notify, comment, post["title"], self.post_url(post))
        if wants_json:
            payload = {"status": "pending", "message": PENDING_MESSAGE}
            return JSONResponse(
                payload, status_code=202, headers=self.cors(request), background=task
            )
        return RedirectResponse(
            self.post_url(post) + "#comment-pending", status_code=303, background=task
        )

    def submission_key(self, client: str, fields: dict[str, str]) -> str:
        """What makes a submission the same as one stored already: the form's one-time key
        with the same text (a form sent twice), or, without a key (no JavaScript), the same
        text from the same client. A key sent again with other text is a new comment."""
        text = "\0".join(fields[name] for name in SUBMITTED)
        if fields["key"]:
            return "form:" + hashlib.sha256(f"{fields['key'][:100]}\0{text}".encode()).hexdigest()
        return "text:" + hashlib.sha256(f"{client}\0{text}".encode()).hexdigest()

    def accept(self, request: Request, fields: dict[str, str], post: dict) -> Comment | None:
        """Check and store one submission; returns the stored comment, or None for spam or a
        resubmission (stored already)."""
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
        if shows_as_empty(comment.body):
            raise Rejection(422, ["Comment: it shows as nothing; please write some words."])
        if comment.parent and comment.parent not in self.known_comments(slug, post):
            raise Rejection(422, ["Reply-To: not a comment on this post."])
        client = self.client(request)
        window = self.config.rate_window
        reason = spam_reason(fields, self.config)
        status = "spam" if reason else "pending"
        try:
            stored, created = self.store.add(
                comment,
                client=client,
                email=email,
                status=status,
                spam_reason=reason,
                key=self.submission_key(client, fields),
                limit=(self.config.rate_limit, window),
            )
        except RateLimited:
            minutes = max(1, int(window.total_seconds() // 60))
            raise Rejection(
                429,
                [f"Too many comments from your connection; please wait {minutes} minutes."],
                {"Retry-After": str(int(window.total_seconds()))},
            ) from None
        except sqlite3.Error as error:
            logger.error("store unavailable", extra={"event": "store-error", "error": str(error)})
            raise Rejection(
                503,
                ["The comment could not be saved just now; please send it again in a minute."],
                {"Retry-After": "60"},
            ) from None
        if not created:
            logger.info("resubmission", extra={"event": "resubmitted", "id": stored.id})
            return None
        logger.info(
            "comment stored",
            extra={"event": "stored", "id": stored.id, "post": slug, "status": status},
        )
        return None if reason else stored

    def known_comments(self, slug: str, post: dict) -> set[str]:
        return set(post.get("comments", [])) | self.store.ids_for_post(slug)

    def page(self, template: str, **values: Any) -> str:
        return templates.get_template(template).render(
            site_url=self.config.site_url.rstrip("/"),
            stylesheet=self.posts.stylesheet(),
            limits=FIELD_LIMITS,
            local=self.local_time,
            **values,
        )

    def refusal(
        self,
        request: Request,
        rejection: Rejection,
        fields: dict[str, str],
        post: dict | None,
        wants_json: bool,
    ) -> Response:
        # The refusal is readable by the page's script whatever its origin, so the reader
        # gets the sentence rather than a failed request.
        origin = request.headers.get("origin")
        cors = {"Access-Control-Allow-Origin": origin, "Vary": "Origin"} if origin else {}
        headers = {**rejection.headers, **cors}
        if wants_json:
            return JSONResponse(
                {"status": "error", "errors": rejection.errors},
                status_code=rejection.status,
                headers=headers,
            )
        if post is not None and rejection.status in (422, 429, 503):
            html = self.render_form(fields["post"], post, fields, rejection.errors)
            return HTMLResponse(html, status_code=rejection.status, headers=headers)
        html = self.page(
            "message.html",
            heading="Comment not sent",
            message=" ".join(rejection.errors),
            body=fields.get("body", ""),
            back=self.post_url(post) if post else None,
        )
        return HTMLResponse(html, status_code=rejection.status, headers=headers)

    def render_form(
        self, slug: str, post: dict, values: dict[str, str], errors: list[str] | None = None
    ) -> str:
        heading = "Reply to a comment" if values.get("parent") else "Post a Comment"
        return self.page(
            "comment_form.html",
            heading=heading,
            replying_to=self.parent_author(slug, post, values.get("parent", "")),
            post=post,
            post_url=self.post_url(post),
            slug=slug,
            values={**values, "key": values.get("key") or secrets.token_urlsafe(16)},
            errors=errors or [],
            action="comments",
        )

    def parent_author(self, slug: str, post: dict, parent: str) -> str:
        """The name of whoever wrote the comment being answered ("" if it is not known)."""
        if not parent:
            return ""
        author = post.get("authors", {}).get(parent)
        if author:
            return author
        submission = self.store.get(parent)
        known = submission and submission.comment.post_slug == slug
        return submission.comment.author if known and submission.status != "rejected" else ""

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
        """ "ok", or why comments cannot be accepted now (nothing else is told)."""
        if not self.posts.available():
            problem = "cannot accept comments: the built site's list of posts is missing"
            return JSONResponse({"status": "error", "problem": problem}, status_code=503)
        try:
            await run_in_threadpool(self.store.count, "pending")
        except sqlite3.Error:
            problem = "cannot accept comments: the database cannot be read"
            return JSONResponse({"status": "error", "problem": problem}, status_code=503)
        return JSONResponse({"status": "ok"})


def create_app(config: ServiceConfig) -> ASGIApp:
    return CommentService(config).app()


def uvicorn_options() -> dict[str, Any]:
    """How uvicorn must run the service: it must not take the client's address from
    X-Forwarded-For itself (the service decides, with COMMENTS_TRUST_PROXY), keeps no
    access log (it would hold every reader's address), limits connections and the time to
    send a request (`connections.GuardedH11`), and stops within seconds of a SIGTERM even
    with requests open."""
    return {
        "proxy_headers": False,
        "access_log": False,
        "log_config": None,
        "server_header": False,
        "http": GuardedH11,
        "timeout_graceful_shutdown": 5,
    }
