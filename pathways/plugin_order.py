"""The order in which the site's plugins hear Pelican's signals, declared once.

Pelican calls the receivers of a signal in the order the plugins were registered, which is
the order of `PLUGINS`. `ORDER` lists every plugin of the engine in that order, each marked
when it runs only in a production build; `AFTER` says which plugin must come after which,
and why. The settings files take their lists from here (`preview_plugins`,
`production_plugins`), so production's extra steps are placed by name, never by position,
and `order_problems` checks a site's own `PLUGINS` against `AFTER` before a build.
"""

from collections.abc import Iterable, Sequence
from typing import NamedTuple


class Plugin(NamedTuple):
    name: str
    production_only: bool = False


ORDER: tuple[Plugin, ...] = (
    Plugin("pathways_settings"),
    Plugin("pathways_markdown_reader"),
    Plugin("pathways_content_checks"),
    Plugin("pathways_reading_time"),
    Plugin("pathways_scheduling"),
    Plugin("pathways_neighbors"),
    Plugin("pathways_comments"),
    Plugin("pathways_follow"),
    Plugin("pathways_popular_posts"),
    Plugin("pathways_series"),
    Plugin("pathways_toc"),
    Plugin("pathways_related_posts"),
    Plugin("pathways_references"),
    Plugin("pathways_glossary"),
    Plugin("pathways_reader_care"),
    Plugin("pathways_photos"),
    Plugin("pathways_redirects"),
    Plugin("pathways_production_assets", production_only=True),
    Plugin("pathways_search"),
    Plugin("pathways_sitemap_robots"),
    Plugin("pathways_accessible_code"),
    Plugin("pathways_render_once"),
    Plugin("pathways_compiled_templates"),
    Plugin("pathways_parallel_writing"),
    Plugin("pathways_feeds", production_only=True),
    Plugin("pathways_host_config", production_only=True),
)

# (earlier, later, why): `later` must come after `earlier` in PLUGINS.
AFTER: tuple[tuple[str, str, str], ...] = (
    *(
        ("pathways_settings", later.name, "every setting is filled in and checked before use")
        for later in ORDER[1:]
    ),
    (
        "pathways_markdown_reader",
        "pathways_comments",
        "the reader forks its workers before the comments plugin starts its reading thread",
    ),
    (
        "pathways_production_assets",
        "pathways_search",
        "pages are finished before the search index is made from them",
    ),
)


def preview_plugins() -> list[str]:
    """The plugins of a preview build, in order."""
    return [plugin.name for plugin in ORDER if not plugin.production_only]


def production_plugins(plugins: Iterable[str] | None = None) -> list[str]:
    """`plugins` (the preview's by default, with a site's own among them) and the
    production-only plugins, each placed after the engine's plugins `ORDER` puts before it."""
    result = list(preview_plugins() if plugins is None else plugins)
    for index, plugin in enumerate(ORDER):
        if not plugin.production_only or plugin.name in result:
            continue
        before = [p.name for p in ORDER[:index] if p.name in result]
        place = result.index(before[-1]) + 1 if before else 0
        result.insert(place, plugin.name)
    return result


def order_problems(plugins: Sequence[str]) -> list[str]:
    """What is wrong with the order of `plugins`, one sentence per rule broken."""
    position = {name: index for index, name in enumerate(plugins)}
    return [
        f"PLUGINS lists {later} before {earlier}: it must come after it ({why})"
        for earlier, later, why in AFTER
        if earlier in position and later in position and position[later] < position[earlier]
    ]
