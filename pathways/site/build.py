"""Build the site with Pelican into a staging folder, then swap it into place.

The previous site in the output folder is replaced only when the whole build succeeded
(no error logged, no exception), so a broken post or a crash mid-build never leaves a
half-written site behind. Every error of a build is reported, not just the first. The
replaced site is deleted by a process of its own, so a rebuild does not wait for it.
"""

import copy
import difflib
import logging
import shutil
import sys
import tempfile
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from markupsafe import Markup
from pelican import Pelican
from pelican.log import init as init_pelican_logging
from pelican.settings import read_settings

from pathways.files import swap_in
from pathways.pelican_internals.log import LOGGER as PELICAN_GENERATORS
from pathways.pelican_internals.log import SKIPPED_FILE
from pathways.plugin_support import PREVIOUS_OUTPUT
from pathways.settings import apply_defaults
from pathways.site.setting_typos import setting_mistakes

logger = logging.getLogger(__name__)


class BuildError(Exception):
    """The site could not be built; the previous output is untouched. `errors` are the
    messages logged during the build, in order."""

    def __init__(self, message: str, errors: list[str] | None = None) -> None:
        super().__init__(message)
        self.errors = list(errors or [])


# Settings files read by this process, by file and overrides, with the file's size and time
# then: a command reads its settings once however many of its steps need them.
_read: dict[tuple[str, str], tuple[tuple[int, int], dict]] = {}


def load_settings(settings_file: Path, overrides: dict[str, Any] | None = None) -> dict:
    """Pelican settings from a settings file, with paths resolved next to it and every
    declared setting the file left out at its default: a copy of its own for each caller,
    read again only when the file has changed."""
    path = Path(settings_file).resolve()
    status = path.stat()
    key = (str(path), repr(sorted((overrides or {}).items())))
    stamp = (status.st_size, status.st_mtime_ns)
    kept = _read.get(key)
    if kept is None or kept[0] != stamp:
        settings = apply_defaults(read_settings(str(settings_file), override=overrides or {}))
        # Pelican finds template overrides from where it runs: here, from the blog's folder.
        settings["THEME_TEMPLATES_OVERRIDES"] = [
            str(path.parent / folder) for folder in settings["THEME_TEMPLATES_OVERRIDES"]
        ]
        kept = _read[key] = (stamp, settings)
    return copy.deepcopy(kept[1])


def init_logging(verbose: bool = False) -> None:
    """Plain `LEVEL: message` lines on stderr, for Pelican's messages and ours."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(levelname)s: %(message)s"))
    init_pelican_logging(level=logging.INFO if verbose else logging.WARNING, handler=handler)


class _SkippedFileReason(logging.Filter):
    """Pelican's "Could not process <file>": left out when the file's own error, naming it,
    was logged already (one problem, one error), else told with its reason, which Pelican
    gives only with DEBUG on."""

    def filter(self, record: logging.LogRecord) -> bool:
        error = sys.exc_info()[1]
        if record.msg != SKIPPED_FILE or not record.args or error is None:
            return True
        if str(error).startswith(f"{record.args[0]}: "):
            return False
        if isinstance(error, UnicodeDecodeError):
            reason = f"it is not UTF-8 text ({error.reason} at byte {error.start})"
            reason += ": save it as UTF-8"
        else:
            reason = f"{type(error).__name__}: {error}"
        record.msg = SKIPPED_FILE + ": %s"
        record.args = (*record.args, reason)
        return True


class _ErrorRecorder(logging.Handler):
    """Remembers every error logged during a build, so all of them are reported before failing."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def time_zone_problem(name: object) -> str | None:
    """What is wrong with a `TIMEZONE` value (it must be a tz database name), or None."""
    try:
        ZoneInfo(str(name))
    except (ZoneInfoNotFoundError, ValueError):
        close = difflib.get_close_matches(str(name), sorted(available_timezones()), n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else " (a name such as 'Europe/Berlin')"
        return f"TIMEZONE {name!r} is not a time zone{hint}"
    return None


def held_back(generators: list[Any]) -> list[str]:
    """The posts a build held back because they are dated in the future (Pelican counts them
    among its drafts), each as its title and when it will be published."""
    waiting = []
    for generator in generators:
        for draft in getattr(generator, "drafts", []):
            explicit = str(draft.metadata.get("status", "")).lower() == "draft"
            now = datetime.now(draft.date.tzinfo)
            if not explicit and draft.date > now:
                title = Markup(draft.title).striptags().replace("\xa0", " ")
                waiting.append(f"'{title}' on {draft.date:%Y-%m-%d %H:%M}")
    return waiting


def build_site(
    settings_file: Path, overrides: dict[str, Any] | None = None, *, production: bool = False
) -> Path:
    """Build into a fresh staging folder and move it over the output folder on success.

    A mistake in the settings is a warning, or with `production` an error that builds
    nothing (see `setting_mistakes`)."""
    try:
        settings = load_settings(settings_file, overrides)
    except Exception as error:
        raise BuildError(f"cannot read the settings in {settings_file}: {error}") from error
    mistakes = setting_mistakes(settings, settings_file.name)
    for mistake in mistakes:
        (logger.error if production else logger.warning)("%s", mistake)
    if production and mistakes:
        count = len(mistakes)
        raise BuildError(
            f"{count} mistake{'s' if count > 1 else ''} in the settings, listed above", mistakes
        )
    problem = time_zone_problem(settings.get("TIMEZONE"))
    if problem:
        raise BuildError(f"{problem}; set TIMEZONE in {settings_file.name}")
    target = Path(settings["OUTPUT_PATH"])
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}-building-", dir=target.parent))
    errors = _ErrorRecorder()
    logging.getLogger().addHandler(errors)
    reasons = _SkippedFileReason()
    logging.getLogger(PELICAN_GENERATORS).addFilter(reasons)
    try:
        settings["OUTPUT_PATH"] = str(staging)
        settings[PREVIOUS_OUTPUT] = str(target)
        Pelican(settings).run()
        if errors.messages:
            count = len(errors.messages)
            message = f"{count} error{'s' if count > 1 else ''}, listed above"
            raise BuildError(message, errors.messages)
        staging.chmod(0o755)
        swap_in(staging, target, remove_old_later=True)
    except Exception as error:
        shutil.rmtree(staging, ignore_errors=True)
        if isinstance(error, BuildError):
            raise
        message = f"{type(error).__name__}: {error}"
        raise BuildError(message, [*errors.messages, message]) from error
    finally:
        logging.getLogger().removeHandler(errors)
        logging.getLogger(PELICAN_GENERATORS).removeFilter(reasons)
    return target
