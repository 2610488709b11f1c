"""One server, no laptop step: when the service runs next to a checkout of the site and
`COMMENTS_PUBLISH_ON_APPROVE` is on, an approval writes the comment's file into that
checkout and runs `pathways publish` there (one publish at a time; approvals that arrive
meanwhile are carried by the next one)."""

import os
import subprocess
import sys
import threading
from pathlib import Path

from pathways.comments.logs import service_logger

logger = service_logger(__name__)


class PublishOnApprove:
    def __init__(self, settings_file: Path, database: Path) -> None:
        self.settings_file = settings_file
        self.database = database
        self.lock = threading.Lock()
        self.wanted = threading.Event()

    def __call__(self, comment_ids: list[str]) -> None:
        """Called by the service after an approval; returns at once."""
        self.wanted.set()
        threading.Thread(target=self._publish, daemon=True).start()

    def _publish(self) -> None:
        with self.lock:
            if not self.wanted.is_set():
                return  # an earlier run already carried this approval
            self.wanted.clear()
            base = [sys.executable, "-m", "pathways"]
            settings = ["--settings", str(self.settings_file)]
            env_db = {"PATHWAYS_COMMENTS_DB": str(self.database)}
            for command in (
                [*base, "comments", *settings, "pull", "--local"],
                [*base, "publish", *settings, "--no-pull"],
            ):
                result = subprocess.run(
                    command,
                    capture_output=True,
                    text=True,
                    check=False,
                    env={**os.environ, **env_db},
                )
                if result.returncode != 0:
                    logger.error(
                        "publishing after approval failed",
                        extra={"event": "publish-error", "output": result.stderr[-2000:]},
                    )
                    return
            logger.info("published after approval", extra={"event": "published"})
