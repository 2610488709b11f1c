"""What the site check reports: a problem's kind and severity, where it is and what to do.

The `check` and `publish` commands decide from the severity (an error stops a publish, a
warning is printed) and the kind (`--skip-html` leaves out the HTML checker's absence), never
from a message's words.
"""

import sys
from dataclasses import dataclass
from enum import Enum
from pathlib import Path


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
    SECRET = "secret in settings"
    PHOTO_LOCATION = "photo location"


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


def report(problems: list[Problem], output: Path) -> int:
    """Print the warnings, then the errors; return how many errors there are."""
    errors = [problem for problem in problems if problem.severity is Severity.ERROR]
    for problem in problems:
        if problem.severity is Severity.WARNING:
            print(f"Warning: {problem}", file=sys.stderr)
    if errors:
        count = len(errors)
        print(f"{count} problem{'s' if count > 1 else ''} in {output}:", file=sys.stderr)
        for problem in errors:
            print(f"  {problem}", file=sys.stderr)
    return len(errors)
