"""The server's per-day counts (what `pathways views count` keeps), served to the writer's
laptop behind the moderation token: `GET /views/daily.csv` (`path,date,views`) and `GET
/views/sites.csv` (`date,site,views`). Counts only: no address or user agent is in the
database they come from. Mounted by the comment service, which shares its state directory
with the unit that counts."""

import io
from collections.abc import Callable
from pathlib import Path

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from pathways.views.daily import DailyCounts


def counts_routes(
    database: Path, refusal: Callable[[Request], Response | None], busy_timeout: float = 5.0
) -> list[Route]:
    """The two exports of the counts in `database`; `refusal(request)` is the answer to a
    request without the moderation token, or None. Before the first count they hold only
    their header."""

    def export(kind: str) -> Callable:
        async def answer(request: Request) -> Response:
            if refused := refusal(request):
                return refused
            stream = io.StringIO()
            store = await run_in_threadpool(DailyCounts, database, busy_timeout=busy_timeout)
            method = store.export_views if kind == "daily" else store.export_sites
            await run_in_threadpool(method, stream)
            return Response(
                stream.getvalue(),
                media_type="text/csv; charset=utf-8",
                headers={"Cache-Control": "no-store"},
            )

        return answer

    return [
        Route(f"/views/{kind}.csv", export(kind), methods=["GET"]) for kind in ("daily", "sites")
    ]
