"""Link each published post to the next newer and next older one ("Newer post / Older post")."""

from typing import Any

from pelican import signals


def link_neighbors(generator: Any) -> None:
    """Set `newer_article` and `older_article` on every published post (newest first order)."""
    articles = sorted(generator.articles, key=lambda article: article.date, reverse=True)
    for position, article in enumerate(articles):
        article.newer_article = articles[position - 1] if position > 0 else None
        article.older_article = articles[position + 1] if position + 1 < len(articles) else None


def register() -> None:
    signals.article_generator_finalized.connect(link_neighbors)
