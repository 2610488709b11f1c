"""Local preview: serve the built site on 127.0.0.1, rebuild on save, reload the browser."""

import logging
import subprocess
import sys
from pathlib import Path

from livereload import Server

logger = logging.getLogger(__name__)


def watched_paths(settings: dict, settings_file: Path) -> list[Path]:
    """Everything whose change should rebuild the preview."""
    root = settings_file.resolve().parent
    paths = [Path(settings["PATH"]), Path(settings["THEME"]), settings_file.resolve()]
    paths += [root / plugin_path for plugin_path in settings["PLUGIN_PATHS"]]
    return [path for path in paths if path.exists()]


def rebuild(settings_file: Path) -> bool:
    """Build in a child process, so edits to plugins and settings take effect too."""
    command = [sys.executable, "-m", "pathways", "build", "--settings", str(settings_file)]
    finished = subprocess.run(command, check=False)
    if finished.returncode != 0:
        logger.error("Preview not updated: fix the error above and save again.")
    return finished.returncode == 0


def serve(settings: dict, settings_file: Path, host: str, port: int, liveport: int) -> None:
    """Build once, then serve `OUTPUT_PATH` and rebuild whenever a watched file changes."""
    rebuild(settings_file)
    server = Server()
    for path in watched_paths(settings, settings_file):
        server.watch(str(path), lambda: rebuild(settings_file))
    print(f"Preview on http://{host}:{port}/ (Ctrl-C to stop)", flush=True)
    server.serve(
        root=settings["OUTPUT_PATH"],
        host=host,
        port=port,
        liveport=liveport,
        restart_delay=0,
    )
