"""The comment service's log: one JSON object per line, every event kept.

Pelican installs a logger class that drops repeated messages; the service's loggers must
not, or "comment stored" would be logged once for hundreds of comments.
"""

import json
import logging
import sys
from datetime import UTC, datetime


def service_logger(name: str) -> logging.Logger:
    """A logger that keeps every message, whatever logger class Pelican installed."""
    logger = logging.getLogger(name)
    for log_filter in list(logger.filters):
        logger.removeFilter(log_filter)
    return logger


class JsonLogFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, any `extra` fields, and the
    traceback when there is one."""

    # uvicorn's `color_message` repeats the message with terminal colour codes.
    RESERVED = frozenset(vars(logging.makeLogRecord({}))) | {"message", "asctime", "color_message"}

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        entry.update({k: v for k, v in vars(record).items() if k not in self.RESERVED})
        if record.exc_info:
            entry["traceback"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str)


def log_json_to_stderr() -> None:
    """Send every log record, the service's and uvicorn's, as JSON lines to stderr."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonLogFormatter())
    logging.basicConfig(level=logging.INFO, handlers=[handler], force=True)
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        service_logger(name)
