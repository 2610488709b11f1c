"""Series of posts: `Series: <name>` (and optional `Series-Order: <n>`) link the parts.

Each part gets `article.series` (name, URL, its position, all parts, previous and next), and
the context gets `series_list` for the page listing every series.
"""

from collections import defaultdict
from typing import Any

from pelican import signals
from pelican.utils import slugify


def link_series(generator: Any) -> None:
    groups: dict[str, list] = defaultdict(list)
    for article in generator.articles:
        name = str(article.metadata.get("series", "")).strip()
        if name:
            groups[name].append(article)
    series_url = generator.settings.get("SERIES_URL", "series/")
    series_list = []
    for name, parts in sorted(groups.items()):
        parts.sort(key=lambda a: (_order(a), a.date, a.slug))
        slug = slugify(name, regex_subs=generator.settings["SLUG_REGEX_SUBSTITUTIONS"])
        entry = {"name": name, "slug": slug, "url": f"{series_url}#series-{slug}", "parts": parts}
        series_list.append(entry)
        for index, article in enumerate(parts):
            article.series = {
                **entry,
                "index": index + 1,
                "total": len(parts),
                "previous": parts[index - 1] if index > 0 else None,
                "next": parts[index + 1] if index + 1 < len(parts) else None,
            }
    generator.context["series_list"] = series_list


def _order(article: Any) -> float:
    try:
        return float(article.metadata.get("series-order", "inf"))
    except ValueError:
        return float("inf")


def register() -> None:
    signals.article_generator_finalized.connect(link_series)
