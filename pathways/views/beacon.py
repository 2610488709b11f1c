"""The view beacon's small web app: `POST /views` counts a view, `GET /views.csv` exports.

Mounted by the comment service when POPULAR_POSTS_BEACON is on. One count per post, client
and 30 minutes, and only for a request from the blog's own pages (its Origin); nothing about
the reader is stored (the client key lives in memory only). `POST /views` always answers
204, so it tells a bot nothing, and reads at most `MAX_BEACON_BYTES` of what it is sent.
The export needs the moderation token.
"""

import io
import sqlite3
import time
from collections.abc import Callable
from datetime import datetime
from zoneinfo import ZoneInfo

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from pathways.comments.forms import read_start
from pathways.comments.logs import service_logger
from pathways.views.rules import is_bot, is_repeat, normalise_path
from pathways.views.store import ViewStore

logger = service_logger(__name__)

MAX_BEACON_BYTES = 2048


class RecentViews:
    """Remembers, in memory only, which client's view of which post was last counted, for
    the same repeat rule as the access logs."""

    def __init__(self) -> None:
        self.seen_at: dict[tuple[str, str], float] = {}

    def seen(self, client: str, slug: str) -> bool:
        now = time.monotonic()
        if len(self.seen_at) > 100_000:
            self.seen_at = {k: t for k, t in self.seen_at.items() if is_repeat(t, now)}
        if is_repeat(self.seen_at.get((client, slug)), now):
            return True
        self.seen_at[(client, slug)] = now
        return False


def beacon_app(
    store: ViewStore,
    slug_for_path: Callable[[str], str | None],
    origin_allowed: Callable[[str], bool],
    client: Callable[[Request], str],
    cors_headers: Callable[[Request], dict[str, str]],
    refusal: Callable[[Request], Response | None],
    timezone: str = "UTC",
) -> Starlette:
    """The beacon's routes, given what the service knows: its posts, origins and clients,
    and the blog's time zone, whose days it counts in; `refusal(request)` is the answer to a
    request without the moderation token, or None."""
    recent = RecentViews()
    zone = ZoneInfo(timezone)

    async def count_view(request: Request) -> Response:
        origin = request.headers.get("origin")
        agent = request.headers.get("user-agent", "")
        if origin is not None and origin_allowed(origin) and not is_bot(agent):
            body = await read_start(request, MAX_BEACON_BYTES)
            path = normalise_path(body.decode("utf-8", "replace").strip())
            slug = slug_for_path(path)
            if slug is not None and not recent.seen(client(request), slug):
                try:
                    await run_in_threadpool(store.add, path, datetime.now(zone).date())
                except sqlite3.OperationalError as error:
                    logger.warning(
                        "view not counted", extra={"event": "view-error", "error": str(error)}
                    )
        return Response(status_code=204, headers=cors_headers(request))

    async def export_views(request: Request) -> Response:
        """Daily counts as the plain `path,date,views` CSV that Popular Posts reads."""
        if refused := refusal(request):
            return refused
        stream = io.StringIO()
        await run_in_threadpool(store.export_csv, stream)
        return Response(stream.getvalue(), media_type="text/csv; charset=utf-8")

    return Starlette(
        routes=[
            Route("/views", count_view, methods=["POST"]),
            Route("/views.csv", export_views, methods=["GET"]),
        ]
    )
