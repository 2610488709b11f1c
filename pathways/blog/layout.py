"""What a writer's blog folder holds, and which of its files belong to the engine.

Hers: `content/`, `pelicanconf.py` and `publishconf.py` (her values only), `requirements.txt`
(the engine's pinned version), `templates/` (her versions of the theme's templates) and
`plugins/` (her own plugins), `.gitignore`, `README.md`. The engine's, written by
`new-blog` and written anew by `upgrade` (showing what changed): the Makefile, the GitHub
workflow, the publishing timer and cron line, the HTML checker's npm manifest.
"""

import difflib
import shlex
from pathlib import Path

from pathways import engine

PUBLISHING = "publishing"
OVERRIDES = "templates"
OWN_PLUGINS = "plugins"
CONTENT_FOLDERS = ("posts", "pages", "images", "extra")


def engine_files(root: Path) -> dict[Path, str]:
    """The engine's files of the blog at `root`, by path in it, as this engine writes them."""
    files = engine.BLOG_FILES
    # The folder as each file reads it: quoted for cron's shell (where % ends the command),
    # with systemd's % specifiers escaped.
    project = {
        "pathways-publish.service": str(root).replace("%", "%%"),
        "pathways-publish.timer": str(root),
        "crontab.txt": shlex.quote(str(root)).replace("%", "\\%"),
    }
    written = {
        Path("Makefile"): (files / "Makefile").read_text(encoding="utf-8"),
        Path(".github/workflows/publish.yml"): (files / "github-publish.yml").read_text("utf-8"),
    }
    for name, folder in project.items():
        text = (files / name).read_text(encoding="utf-8")
        written[Path(PUBLISHING) / name] = text.replace("{project}", folder)
    for manifest in engine.BLOG_NPM_MANIFESTS:
        written[Path(manifest.name)] = manifest.read_text(encoding="utf-8")
    return written


def write_showing_changes(path: Path, text: str, name: str) -> str | None:
    """Write `text` to `path` unless it holds it already; returns what changed (a unified
    diff, or `new file NAME`), or None."""
    before = path.read_text(encoding="utf-8") if path.exists() else None
    if before == text:
        return None
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return difference(before, text, name)


def difference(
    before: str | None, text: str, name: str, labels: tuple[str, str] = ("before", "now")
) -> str:
    """What changes from `before` to `text`: a unified diff, or `new file NAME`."""
    if before is None:
        return f"new file {name}"
    diff = difflib.unified_diff(
        before.splitlines(keepends=True),
        text.splitlines(keepends=True),
        f"{name} ({labels[0]})",
        f"{name} ({labels[1]})",
    )
    return "".join(diff).rstrip("\n")


def write_engine_files(root: Path) -> list[str]:
    """Write the engine's files into the blog at `root`; returns what changed, file by file
    (see `write_showing_changes`)."""
    changes = (
        write_showing_changes(root / relative, text, str(relative))
        for relative, text in engine_files(root).items()
    )
    return [change for change in changes if change is not None]
