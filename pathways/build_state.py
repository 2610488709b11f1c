"""What the site's plugins hand each other during one build, in one typed object.

The production step (pathways_production_assets) says how it finishes files; the parallel
writer (pathways_parallel_writing) finishes pages that way as it renders them and records
each one for the production step. They share a `BuildState`, kept beside the build's own
settings (the dict Pelican gives every generator and writer of one build) rather than in it,
so no live object is mistaken for a setting, cached or hashed into a page's render key.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from pathways.carry import Record

if TYPE_CHECKING:
    from pathways_production_assets.finishing import Finishing


@dataclass
class BuildState:
    """`finishing`: how the production step finishes files, when it records them (pages
    may then be carried over, or finished as they are rendered); `rendered_pages`: the
    record of each page or feed the writer finished or carried over, by absolute path."""

    settings: dict[str, Any] = field(repr=False)
    finishing: Finishing | None = None
    rendered_pages: dict[str, Record] = field(default_factory=dict)


_current: BuildState | None = None


def build_state(settings: dict[str, Any]) -> BuildState:
    """The state of the build whose settings are `settings` (a fresh one for a new build)."""
    global _current
    if _current is None or _current.settings is not settings:
        _current = BuildState(settings)
    return _current
