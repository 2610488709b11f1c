"""The site's own settings, each declared once: its name, default, type and meaning.

Each feature declares its settings in its package (`pathways/comments/settings.py`,
`pathways/views/settings.py`, `pathways/site/settings.py`). `apply_defaults` writes every
default into Pelican's settings when they are loaded, so plugins, templates, the comment
service, the command line and the checks all see the same values; `read` gives one
feature's settings checked, logging what was wrong and what was used instead.
"""

import copy
import logging
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Setting:
    """One setting: `kind` is the type (or types) a value must have; `check`, when given,
    returns the value to use or raises ValueError saying what is wrong with it."""

    name: str
    default: Any
    kind: type | tuple[type, ...]
    meaning: str
    check: Callable[[Any], Any] | None = None


@dataclass(frozen=True)
class Feature:
    """The settings of one feature, read together."""

    name: str
    settings: tuple[Setting, ...] = field(default_factory=tuple)

    def defaults(self) -> dict[str, Any]:
        return {setting.name: copy.deepcopy(setting.default) for setting in self.settings}


def _type_names(kind: type | tuple[type, ...]) -> str:
    kinds = kind if isinstance(kind, tuple) else (kind,)
    return " or ".join("None" if k is type(None) else k.__name__ for k in kinds)


def _checked(setting: Setting, value: Any) -> Any:
    kinds = setting.kind if isinstance(setting.kind, tuple) else (setting.kind,)
    if not isinstance(value, kinds) or (isinstance(value, bool) and bool not in kinds):
        raise ValueError(f"must be {_type_names(setting.kind)}, not {value!r}")
    return setting.check(value) if setting.check else value


def _read(settings: Mapping[str, Any], feature: Feature) -> tuple[dict[str, Any], list[str]]:
    values, problems = {}, []
    for setting in feature.settings:
        value = settings.get(setting.name, copy.deepcopy(setting.default))
        try:
            values[setting.name] = _checked(setting, value)
        except ValueError as error:
            problems.append(f"{setting.name} {error}; using {setting.default!r}")
            values[setting.name] = copy.deepcopy(setting.default)
    return values, problems


def read(settings: Mapping[str, Any], feature: Feature) -> dict[str, Any]:
    """The feature's settings from `settings`, each checked; a bad value is logged with what
    was wrong and replaced by the default."""
    values, problems = _read(settings, feature)
    for problem in problems:
        logger.warning("%s", problem)
    return values


def bad_values(settings: dict[str, Any]) -> list[str]:
    """What is wrong with each declared setting's value in `settings`, which then holds
    the defaults in their place (so nothing reads a bad value, nor warns of it again)."""
    found = []
    for feature in features():
        values, problems = _read(settings, feature)
        settings.update(values)
        found += problems
    return found


def features() -> tuple[Feature, ...]:
    """Every feature's declarations."""
    # Imported here: each feature's declarations import this module for Setting and Feature.
    from pathways.comments.settings import COMMENTS
    from pathways.follow.settings import FOLLOW
    from pathways.site.settings import PHOTOS, SITE
    from pathways.views.settings import POPULAR_POSTS

    return (SITE, PHOTOS, COMMENTS, POPULAR_POSTS, FOLLOW)


def declared(among: Iterable[Feature] | None = None) -> dict[str, Setting]:
    return {s.name: s for feature in (among or features()) for s in feature.settings}


def apply_defaults(settings: dict[str, Any]) -> dict[str, Any]:
    """Fill in every declared setting the settings file left out; returns `settings`."""
    for setting in declared().values():
        settings.setdefault(setting.name, copy.deepcopy(setting.default))
    return settings
