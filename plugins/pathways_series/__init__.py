"""Series of posts: `Series: <name>` (and optional `Series-Order: <n>`) link the parts.

Each part gets `article.series` (name, URL, its position, all parts, previous and next), and
the context gets `series_list` for the page listing every series. A draft in a series gets
the same, placed among the published parts as it will be once published; they do not link
to it until then.
"""

from collections import defaultdict
from typing import Any

from pelican import signals
from pelican.utils import slugify


def link_series(generator: Any) -> None:
    groups = _groups(generator.articles)
    series_list = []
    for name, parts in sorted(groups.items()):
        entry = _entry(generator.settings, name, parts)
        series_list.append(entry)
        for article in parts:
            _place(article, entry)
    for name, drafts in _groups(getattr(generator, "drafts", [])).items():
        for draft in drafts:
            _place(draft, _entry(generator.settings, name, [*groups.get(name, []), draft]))
    generator.context["series_list"] = series_list


def _groups(articles: list) -> dict[str, list]:
    """The posts of each series, by its name."""
    groups: dict[str, list] = defaultdict(list)
    for article in articles:
        name = str(article.metadata.get("series", "")).strip()
        if name:
            groups[name].append(article)
    return groups


def _entry(settings: dict, name: str, parts: list) -> dict:
    parts = sorted(parts, key=lambda a: (_order(a), a.date, a.slug))
    slug = slugify(name, regex_subs=settings["SLUG_REGEX_SUBSTITUTIONS"])
    url = f"{settings.get('SERIES_URL', 'series/')}#series-{slug}"
    return {"name": name, "slug": slug, "url": url, "parts": parts}


def _place(article: Any, entry: dict) -> None:
    parts = entry["parts"]
    index = next(number for number, part in enumerate(parts) if part is article)
    article.series = {
        **entry,
        "index": index + 1,
        "total": len(parts),
        "previous": parts[index - 1] if index > 0 else None,
        "next": parts[index + 1] if index + 1 < len(parts) else None,
    }


def _order(article: Any) -> float:
    try:
        return float(article.metadata.get("series-order", "inf"))
    except ValueError:
        return float("inf")


def register() -> None:
    signals.article_generator_finalized.connect(link_series)
