"""What the site check reports: a problem's kind and severity, where it is and what to do.

The `check` and `publish` commands decide from the severity (an error stops a publish, a
warning is printed) and the kind (`--skip-html` leaves out the HTML checker's absence), never
from a message's words.
"""

from dataclasses import dataclass
from enum import Enum


class Severity(Enum):
    ERROR = "error"
    WARNING = "warning"


class Kind(Enum):
    MISSING_FILE = "missing file"
    MISSING_ANCHOR = "missing anchor"
    THIRD_PARTY = "third-party request"
    ON_BLOGGER = "image still on Blogger"
    EMBED = "embed"
    NO_ALT = "no alt text"
    WEB_FONT = "web font"
    FEED = "feed"
    SITEMAP = "sitemap"
    NO_SUMMARY = "no summary"
    DRAFT = "draft published"
    INVALID_HTML = "invalid HTML"
    NOT_VALIDATED = "HTML not validated"
    EXTERNAL_LINK = "external link"
    ADDRESS = "address"
    PREVIEW_BUILD = "preview build"


@dataclass(frozen=True)
class Problem:
    """`path` is the file to edit (the post's or comment's source when the problem is in
    what the writer wrote), `line` the line there when known; `page` the built file it was
    found in, when that is not `path`."""

    path: str
    line: int | None
    message: str
    kind: Kind
    severity: Severity = Severity.ERROR
    page: str | None = None

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        seen = f" (in {self.page})" if self.page else ""
        return f"{where}: {self.message}{seen}"
