"""Local preview: serve the built site on 127.0.0.1, rebuild on save, reload open tabs.

The first build runs in this process, and its posts and pages stay in memory: when the files
saved are posts or pages the site already has, they are rendered again at once (`hot_reload`)
and open tabs reload. A full build follows every change, in a child process so that edits to plugins
and settings apply too, and tabs reload again when it is done. Served pages get a small
script that waits for those reloads (server-sent events); nothing of it is in the built site.
When a build fails, its errors are shown at the top of every page (and instead of pages the
site does not have yet) until a build succeeds; open tabs reload either way. `/_stats/` shows
the writer's stats page, made when it is asked for.
"""

import asyncio
import html
import logging
import os
import sys
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from types import FrameType

import uvicorn
import watchfiles
from pelican.generators import Generator
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response, StreamingResponse
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import Scope

from pathways.site.build import BuildError, build_site, load_settings
from pathways.site.hot_reload import capture, refresh
from pathways.site.setting_typos import setting_mistakes

logger = logging.getLogger(__name__)

EVENTS_URL = "/__preview/events"
SCRIPT_URL = "/__preview/reload.js"
RELOAD_SCRIPT = f'new EventSource("{EVENTS_URL}").onmessage = () => location.reload();\n'
SCRIPT_TAG = f'<script src="{SCRIPT_URL}" defer></script>'
STATS_URL = "/_stats/"
# Seconds between keep-alive comments on an idle event stream, and between checks that the
# server is stopping.
KEEP_ALIVE = 15
POLL = 0.5


def watched_paths(settings: dict, settings_file: Path) -> list[Path]:
    """Everything whose change should rebuild the preview: the folders the settings name
    (content, the theme, the blog's own templates, every plugin folder) and the settings."""
    root = settings_file.resolve().parent
    paths = [Path(settings["PATH"]), Path(settings["THEME"]), settings_file.resolve()]
    folders = [*settings["THEME_TEMPLATES_OVERRIDES"], *settings["PLUGIN_PATHS"]]
    paths += [root / folder for folder in folders]
    return [path for path in dict.fromkeys(paths) if path.exists()]


ERROR_STYLE = (
    "position:sticky;top:0;z-index:1000;margin:0;padding:1rem 1.25rem;background:#7a1212;"
    "color:#fff;font:1rem/1.4 system-ui,sans-serif;border-bottom:4px solid #000"
)


# A message in the banner is in the banner's colours, not on the theme's pale box for code,
# where its white text could not be read in the light scheme.
BANNER_CODE_STYLE = "background:none;color:inherit;padding:0"


def _message_list(messages: list[str]) -> str:
    code = f'<code style="{BANNER_CODE_STYLE}">'
    items = "".join(f"<li>{code}{html.escape(message)}</code></li>" for message in messages)
    return f'<ul style="margin:.5rem 0 0">{items}</ul>'


def error_banner(errors: list[str]) -> str:
    """The failed build's messages, for the top of every page."""
    return (
        f'<div id="preview-build-error" role="alert" style="{ERROR_STYLE}">'
        "<p><strong>The last save did not build.</strong> Fix this and save again; "
        f"this page shows the last good build.</p>{_message_list(errors)}</div>"
    )


WARNING_STYLE = ERROR_STYLE.replace("#7a1212", "#5c4300")


def settings_banner(mistakes: list[str]) -> str:
    """The mistakes in the settings, for the top of every page (the build went on)."""
    return (
        f'<div id="preview-settings-warning" role="status" style="{WARNING_STYLE}">'
        "<p><strong>Check your settings.</strong> The preview was built without these; "
        f"a production build (make check, make publish) refuses them.</p>"
        f"{_message_list(mistakes)}</div>"
    )


def with_reload_script(
    page: str, errors: list[str] | None = None, warnings: list[str] | None = None
) -> str:
    """`page` with the reload script before `</body>`, and the build's errors, if any (else
    the mistakes in its settings), first thing in the body."""
    head, marker, tail = page.rpartition("</body>")
    page = f"{head}{SCRIPT_TAG}{marker}{tail}" if marker else page + SCRIPT_TAG
    banner = error_banner(errors) if errors else settings_banner(warnings) if warnings else ""
    if banner:
        before, body, after = page.partition("<body")
        if body:
            opening, _, rest = after.partition(">")
            page = f"{before}{body}{opening}>{banner}{rest}"
        else:
            page = banner + page
    return page


class PreviewFiles(StaticFiles):
    """The output folder, with the reload script in every page and nothing cached; with the
    last build's errors on every page, and instead of a page the site does not have."""

    errors: list[str]
    warnings: list[str]

    async def get_response(self, path: str, scope: Scope) -> Response:
        try:
            return await super().get_response(path, scope)
        except HTTPException as error:
            if error.status_code != 404 or not self.errors:
                raise
            page = "<!doctype html><title>Build failed</title><body></body>"
            return HTMLResponse(with_reload_script(page, self.errors), status_code=500)

    def file_response(
        self,
        full_path: str | os.PathLike[str],
        stat_result: os.stat_result,
        scope: Scope,
        status_code: int = 200,
    ) -> Response:
        if str(full_path).endswith(".html"):
            page = Path(full_path).read_text(encoding="utf-8")
            headers = {"Cache-Control": "no-store"}
            return HTMLResponse(
                with_reload_script(page, self.errors, self.warnings),
                status_code=status_code,
                headers=headers,
            )
        response = super().file_response(full_path, stat_result, scope, status_code)
        response.headers["Cache-Control"] = "no-store"
        return response


class Preview:
    """The site being previewed: its last build in memory, the builds to come, open tabs."""

    def __init__(self, settings: dict, settings_file: Path) -> None:
        self.settings = settings
        self.settings_file = settings_file
        self.output = Path(settings["OUTPUT_PATH"])
        self.generators: list[Generator] = []
        self.version = 0
        self.changed = asyncio.Condition()
        self.pending = False
        self.closing = False
        self.building: asyncio.Task | None = None
        self.started = 0.0
        self.files = PreviewFiles(directory=self.output, html=True, check_dir=False)
        self.files.errors = []
        self.files.warnings = []
        self.content_paths = [
            Path(settings["PATH"], path).resolve()
            for path in [*settings["ARTICLE_PATHS"], *settings["PAGE_PATHS"]]
        ]

    def first_build(self) -> None:
        """Build in this process and keep its posts and pages for instant updates.

        A post with an error is left out of a build that still runs to the end; the other
        posts are kept all the same, so saving them updates the preview at once."""
        self.started = time.time()
        with capture() as generators:
            try:
                build_site(self.settings_file)
            except BuildError as error:
                logger.error("%s; the preview shows the last good build.", error)
                self.files.errors = error.errors or [str(error)]
        self.generators = list(generators)
        self.check_settings()

    def check_settings(self) -> None:
        """The mistakes in the settings file as it is now, for the banner."""
        try:
            settings = load_settings(self.settings_file)
        except Exception as error:
            self.files.warnings = [f"Cannot read the settings in {self.settings_file}: {error}"]
            return
        self.files.warnings = setting_mistakes(settings, self.settings_file.name)

    async def reload_tabs(self) -> None:
        async with self.changed:
            self.version += 1
            self.changed.notify_all()

    async def on_change(self, paths: set[Path]) -> None:
        sources = [
            p
            for p in paths
            if p.suffix == ".md" and any(d in p.parents for d in self.content_paths)
        ]
        if self.generators and sources and len(sources) == len(paths):
            started = time.perf_counter()
            try:
                written = await asyncio.to_thread(refresh, self.generators, sources, self.output)
            except Exception:  # the full build below reports what is wrong with the file
                written = []
            if written:
                await self.reload_tabs()
                took = time.perf_counter() - started
                print(f"Updated {', '.join(written)} in {took:.2f} s", flush=True)
        self.pending = True
        if self.building is None or self.building.done():
            self.building = asyncio.create_task(self.build_until_current())

    async def build_until_current(self) -> None:
        """Full builds in a child process until one started after the last change."""
        while self.pending:
            self.pending = False
            started = time.perf_counter()
            command = [
                sys.executable,
                "-m",
                "pathways",
                "build",
                "--settings",
                str(self.settings_file),
            ]
            process = await asyncio.create_subprocess_exec(*command, stderr=asyncio.subprocess.PIPE)
            errors = []
            async for raw in process.stderr:
                line = raw.decode("utf-8", errors="replace")
                sys.stderr.write(line)
                # The errors logged, and a build refused before any (a bad setting).
                if line.startswith("ERROR: "):
                    errors.append(line.removeprefix("ERROR: ").strip())
                elif line.startswith("Build failed: ") and "listed above" not in line:
                    errors.append(line.strip())
            self.check_settings()
            if await process.wait() != 0:
                logger.error("Preview not fully rebuilt: fix the error above and save again.")
                self.files.errors = errors or ["The build failed: see the terminal."]
                await self.reload_tabs()
            elif not self.pending:
                print(f"Rebuilt the site in {time.perf_counter() - started:.1f} s", flush=True)
                self.files.errors = []
                await self.reload_tabs()

    async def catch_up(self) -> None:
        """Saves made during the first build, before the watcher started, are not lost."""
        await asyncio.sleep(POLL)
        roots = watched_paths(self.settings, self.settings_file)
        files = [f for root in roots for f in ([root] if root.is_file() else root.rglob("*"))]
        changed = {f.resolve() for f in files if f.is_file() and f.stat().st_mtime > self.started}
        if changed:
            await self.on_change(changed)

    async def watch(self) -> None:
        roots = watched_paths(self.settings, self.settings_file)
        files = {root for root in roots if root.is_file()}
        # A file saved by writing a new one over it (most editors, `sed -i`, git) is a new
        # file, which a watch on the old one never sees: its folder is watched instead.
        await asyncio.gather(
            self._watch([root for root in roots if root.is_dir()], recursive=True),
            self._watch({file.parent for file in files}, recursive=False, only=files),
        )

    async def _watch(
        self, roots: list[Path] | set[Path], recursive: bool, only: set[Path] | None = None
    ) -> None:
        if not roots:
            return
        async for changes in watchfiles.awatch(*roots, debounce=50, step=20, recursive=recursive):
            paths = {Path(path).resolve() for _, path in changes}
            if only is not None:
                paths &= only
            if paths:
                await self.on_change(paths)

    async def events(self, request: Request) -> StreamingResponse:
        """A tab's stream of reload events, ended when the server stops."""

        async def stream() -> AsyncIterator[str]:
            seen = self.version
            quiet = 0.0
            yield ": connected\n\n"
            while not self.closing:
                async with self.changed:
                    try:
                        await asyncio.wait_for(
                            self.changed.wait_for(lambda seen=seen: self.version != seen), POLL
                        )
                        changed = True
                    except TimeoutError:
                        changed = False
                if changed:
                    seen, quiet = self.version, 0.0
                    yield "data: reload\n\n"
                elif (quiet := quiet + POLL) >= KEEP_ALIVE:
                    quiet = 0.0
                    yield ": keep-alive\n\n"

        return StreamingResponse(stream(), media_type="text/event-stream")

    async def stats(self, request: Request) -> Response:
        """The stats page (`pathways stats`) of the blog being previewed, made for this request
        in a process of its own, its posts linked in the preview."""
        command = [sys.executable, "-m", "pathways", "stats", "--settings", str(self.settings_file)]
        process = await asyncio.create_subprocess_exec(
            *command,
            "--no-open",
            "--output",
            "-",
            "--links",
            "/",
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        page, errors = await process.communicate()
        headers = {"Cache-Control": "no-store"}
        if process.returncode:
            message = html.escape(errors.decode("utf-8", "replace").strip())
            page = (
                '<!doctype html><html lang="en"><title>Stats</title>'
                f"<h1>The stats page could not be made</h1><pre>{message}</pre></html>"
            )
            return HTMLResponse(page, status_code=500, headers=headers)
        return HTMLResponse(page.decode("utf-8"), headers=headers)

    def app(self) -> Starlette:
        async def script(request: Request) -> Response:
            return Response(RELOAD_SCRIPT, media_type="text/javascript")

        @asynccontextmanager
        async def lifespan(app: Starlette) -> AsyncIterator[None]:
            watcher = asyncio.create_task(self.watch())
            catching_up = asyncio.create_task(self.catch_up())
            yield
            catching_up.cancel()
            watcher.cancel()

        self.output.mkdir(parents=True, exist_ok=True)
        routes = [
            Route(EVENTS_URL, self.events),
            Route(SCRIPT_URL, script),
            Route(STATS_URL, self.stats),
            Mount("/", self.files),
        ]
        return Starlette(routes=routes, lifespan=lifespan)


class _Server(uvicorn.Server):
    """Uvicorn, ending the tabs' event streams first when asked to stop."""

    def __init__(self, config: uvicorn.Config, preview: Preview) -> None:
        super().__init__(config)
        self.preview = preview

    def handle_exit(self, sig: int, frame: FrameType | None) -> None:
        self.preview.closing = True
        super().handle_exit(sig, frame)


def serve(settings: dict, settings_file: Path, host: str, port: int) -> None:
    """Build once, then serve `OUTPUT_PATH` and update it whenever a watched file changes."""
    preview = Preview(settings, settings_file)
    preview.first_build()
    print(f"Preview on http://{host}:{port}/ (Ctrl-C to stop)", flush=True)
    config = uvicorn.Config(
        preview.app(), host=host, port=port, log_level="warning", timeout_graceful_shutdown=2
    )
    _Server(config, preview).run()
