"""Moderating comments: the decisions themselves, and the service's two ways to make them.

- `decide` and `reply` change the store; the command line calls them directly (next to the
  database) or through the service (from the writer's laptop).
- `/moderation/api/…`: JSON endpoints behind the moderation token (compared in constant time;
  a wrong or missing token gets 401 and nothing else, and repeated failures 429).
- `/moderation/link/<id>`: the page a notification's signed link opens. Opening it changes
  nothing (mail scanners open links); its buttons POST, once, before the link expires.
"""

import hmac
import time
from collections import deque
from collections.abc import Callable
from dataclasses import asdict
from datetime import datetime
from typing import Any

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route

from pathways import __version__
from pathways.comments.forms import Rejection, read_form
from pathways.comments.links import LinkSigner
from pathways.comments.logs import service_logger
from pathways.comments.model import Comment, CommentError, make_comment
from pathways.comments.remote import MODERATION_OFF
from pathways.comments.store import CommentStore, Submission

logger = service_logger(__name__)

ACTIONS = {"approve": "approved", "reject": "rejected", "spam": "spam"}
MAX_MODERATION_BYTES = 64 * 1024
FAILURE_LIMIT = (10, 600)
# Wrong tokens from all clients together within FAILURE_LIMIT's window.
TOTAL_FAILURES = 100


def decide(store: CommentStore, comment_id: str, action: str) -> Submission | None:
    """Approve, reject, mark as spam or delete a comment; returns it as it was before a
    delete, or as it is after the decision. Raises CommentError for an unknown id."""
    submission = store.get(comment_id)
    if submission is None:
        raise CommentError(f"{comment_id}: no such comment")
    if action == "delete":
        store.delete(comment_id)
        return submission
    store.set_status(comment_id, ACTIONS[action])
    return store.get(comment_id)


def reply(store: CommentStore, comment_id: str, body: str, author: str) -> list[Comment]:
    """The writer's answer, approved at once and marked as hers; the comment she answers is
    approved too. Returns both, the answered comment first."""
    submission = store.get(comment_id)
    if submission is None:
        raise CommentError(f"{comment_id}: no such comment")
    answer = make_comment(
        post_slug=submission.comment.post_slug,
        author=author,
        body=body,
        parent=comment_id,
        role="author",
    )
    if submission.status != "approved":
        store.set_status(comment_id, "approved")
    stored, _ = store.add(answer, client="writer", status="approved")
    return [submission.comment, stored]


def submission_json(submission: Submission) -> dict[str, Any]:
    comment = asdict(submission.comment)
    for unused in ("replies", "depth", "html"):
        comment.pop(unused)
    comment["date"] = submission.comment.date.isoformat(timespec="seconds")
    return {
        **comment,
        "email": submission.email,
        "status": submission.status,
        "spam_reason": submission.spam_reason,
    }


def comment_from_json(data: dict[str, Any]) -> Comment:
    """A checked comment from what the service sent (it is checked again, as any input)."""
    return make_comment(
        post_slug=str(data["post_slug"]),
        author=str(data["author"]),
        body=str(data["body"]),
        date=datetime.fromisoformat(str(data["date"])),
        parent=data.get("parent"),
        website=data.get("website"),
        comment_id=str(data["id"]),
        role=data.get("role"),
    )


class Failures:
    """Wrong tokens, counted in memory per client and in all, to slow down guessing.

    A client that sent `count` wrong tokens within `window` seconds, or anyone once `total`
    wrong tokens came within it, gets 429 for a wrong token until the window has passed.
    The count is never wiped early: when `clients` clients are counted, a new one is counted
    in the total only. (The right token always gets in: a random 256-bit token cannot be
    guessed, and the writer must not be locked out by someone else's guesses.)"""

    def __init__(
        self,
        limit: tuple[int, int] = FAILURE_LIMIT,
        total: int = TOTAL_FAILURES,
        clients: int = 10_000,
    ) -> None:
        self.count, self.window = limit
        self.total = total
        self.clients = clients
        self.times: dict[str, deque[float]] = {}
        self.all: deque[float] = deque()

    def _expire(self, times: deque[float], now: float) -> None:
        while times and now - times[0] > self.window:
            times.popleft()

    def blocked(self, client: str) -> bool:
        now = time.monotonic()
        self._expire(self.all, now)
        times = self.times.get(client)
        if times is not None:
            self._expire(times, now)
        return len(self.all) >= self.total or len(times or ()) >= self.count

    def add(self, client: str) -> None:
        now = time.monotonic()
        self.all.append(now)
        if client not in self.times and len(self.times) >= self.clients:
            for known in list(self.times):
                self._expire(self.times[known], now)
                if not self.times[known]:
                    del self.times[known]
            if len(self.times) >= self.clients:
                return
        self.times.setdefault(client, deque()).append(now)


class TokenCheck:
    """Whether a request carries the moderation token (compared in constant time)."""

    def __init__(self, token: str | None, client: Callable[[Request], str]) -> None:
        self.token = token
        self.client = client
        self.failures = Failures()

    def refusal(self, request: Request) -> Response | None:
        """None when the request carries the token; else the answer to give."""
        if not self.token:
            return JSONResponse({"error": MODERATION_OFF}, status_code=503)
        given = request.headers.get("authorization", "").removeprefix("Bearer ").strip()
        if given and hmac.compare_digest(given.encode(), self.token.encode()):
            return None
        key = self.client(request)
        if self.failures.blocked(key):
            return Response(status_code=429, headers={"Retry-After": str(FAILURE_LIMIT[1])})
        self.failures.add(key)
        logger.warning("moderation refused", extra={"event": "unauthorised"})
        return Response(status_code=401)


def from_own_page(request: Request, origin_allowed: Callable[[str], bool]) -> bool:
    """Whether a POST comes from the service's own page, not another site's form. Browsers
    say so in Sec-Fetch-Site, or else in Origin ("null" under the page's no-referrer
    policy, as from any page that hides where it is); a client that is not a browser sends
    neither, and holds the signed link itself."""
    fetched_from = request.headers.get("sec-fetch-site")
    if fetched_from is not None:
        return fetched_from == "same-origin"
    origin = request.headers.get("origin")
    return origin is None or (origin != "null" and origin_allowed(origin))


def moderation_app(
    store: CommentStore,
    *,
    tokens: TokenCheck,
    signer: LinkSigner,
    author: str,
    page: Callable[..., str],
    origin_allowed: Callable[[str], bool],
    post_title: Callable[[str], str | None],
    on_approve: Callable[[list[str]], None] | None = None,
) -> Starlette:
    """The moderation routes; `page(template, **values)` renders one of the service's pages,
    `post_title(slug)` names a post; `on_approve(ids)` is called after comments are
    approved."""

    def approved(comment_ids: list[str]) -> None:
        if on_approve is not None:
            on_approve(comment_ids)

    authorised = tokens.refusal

    async def list_comments(request: Request) -> Response:
        if refused := authorised(request):
            return refused
        status = request.query_params.get("status", "pending")
        items = await run_in_threadpool(store.list, None if status == "all" else status)
        return JSONResponse({"comments": [submission_json(item) for item in items]})

    async def act(request: Request) -> Response:
        if refused := authorised(request):
            return refused
        comment_id, action = request.path_params["id"], request.path_params["action"]
        try:
            if action == "reply":
                fields = await read_form(request, MAX_MODERATION_BYTES)
                comments = await run_in_threadpool(
                    reply, store, comment_id, fields.get("body", ""), author
                )
                stored = [store.get(comment.id) for comment in comments]
                result = {"comments": [submission_json(item) for item in stored if item]}
                approved([comment.id for comment in comments])
            elif action in (*ACTIONS, "delete"):
                submission = await run_in_threadpool(decide, store, comment_id, action)
                result = {"comments": [submission_json(submission)]}
                if action == "approve":
                    approved([comment_id])
            else:
                return JSONResponse({"error": f"unknown action {action!r}"}, status_code=404)
        except Rejection as rejection:
            return JSONResponse({"error": str(rejection)}, status_code=rejection.status)
        except CommentError as error:
            status = 404 if "no such comment" in str(error) else 422
            return JSONResponse({"error": str(error)}, status_code=status)
        logger.info("moderated", extra={"event": action, "id": comment_id, "by": "token"})
        return JSONResponse(result)

    def link_problem(comment_id: str, expires: str, signature: str) -> Response | None:
        problem = signer.check(comment_id, expires, signature)
        if problem == "invalid":
            return HTMLResponse(
                page("message.html", heading="Link not valid", message=INVALID), status_code=404
            )
        if problem == "expired":
            return HTMLResponse(
                page("message.html", heading="Link expired", message=EXPIRED), status_code=410
            )
        return None

    async def link_page(request: Request) -> Response:
        comment_id = request.path_params["id"]
        if request.method == "GET":
            fields = dict(request.query_params)
        else:
            if not from_own_page(request, origin_allowed):
                html = page("message.html", heading="Not done", message=OTHER_SITE)
                return HTMLResponse(html, status_code=403)
            try:
                fields = await read_form(request, MAX_MODERATION_BYTES)
            except Rejection as rejection:
                html = page("message.html", heading="Not done", message=str(rejection))
                return HTMLResponse(html, status_code=rejection.status)
        expires, signature = fields.get("expires", ""), fields.get("signature", "")
        if problem := link_problem(comment_id, expires, signature):
            return problem
        submission = await run_in_threadpool(store.get, comment_id)
        if submission is None:
            return HTMLResponse(
                page("message.html", heading="Comment gone", message=GONE), status_code=410
            )
        # Only a comment still waiting: one marked as spam is decided from the computer.
        undecided = submission.status == "pending"
        action = fields.get("action", "")

        def show(error: str = "", status: int = 200) -> Response:
            html = page(
                "moderate.html",
                post_title=post_title(submission.comment.post_slug),
                heading="A comment on your blog",
                submission=submission,
                undecided=undecided,
                expires=expires,
                signature=signature,
                error=error,
                answer=fields.get("body", ""),
            )
            return HTMLResponse(html, status_code=status)

        if request.method == "GET" or not undecided or action not in (*ACTIONS, "reply"):
            return show()
        if action == "reply":
            try:
                comments = await run_in_threadpool(
                    reply, store, comment_id, fields.get("body", ""), author
                )
            except CommentError as error:
                return show(str(error), 422)
            approved([comment.id for comment in comments])
            done = "Approved, with your answer."
        else:
            changed = await run_in_threadpool(
                store.set_status, comment_id, ACTIONS[action], only_from=submission.status
            )
            done = f"{ACTIONS[action].capitalize()}." if changed else "Already decided."
            if changed and action == "approve":
                approved([comment_id])
        logger.info("moderated", extra={"event": action, "id": comment_id, "by": "link"})
        note = PUBLISHING_NOTE if on_approve is not None else PUBLISH_NOTE
        message = done + (note if action in ("approve", "reply") else "")
        return HTMLResponse(page("message.html", heading="Done", message=message))

    async def engine_version(request: Request) -> Response:
        """The engine's version, so `make publish` can tell a server left on another one."""
        if refused := authorised(request):
            return refused
        return JSONResponse({"version": __version__})

    return Starlette(
        routes=[
            Route("/api/version", engine_version, methods=["GET"]),
            Route("/api/comments", list_comments, methods=["GET"]),
            Route("/api/comments/{id}/{action}", act, methods=["POST"]),
            Route("/link/{id}", link_page, methods=["GET", "POST"]),
        ]
    )


INVALID = "This moderation link is not valid. Nothing was changed."
EXPIRED = (
    "This moderation link has expired. Nothing was changed: moderate the comment with "
    "`pathways comments list` and `pathways comments approve ID` instead."
)
GONE = "This comment was deleted. Nothing was changed."
OTHER_SITE = "This button was pressed on another site. Nothing was changed."
PUBLISH_NOTE = " It shows on the site after your next `make publish`, which fetches it first."
PUBLISHING_NOTE = " The site is being published with it now."
