"""What Pelican's generators keep and do, beyond their signals: the lists posts and pages are
kept in, how a post's or page's own file is written, and the readers' content cache."""

from typing import Any

from pelican.cache import FileStampDataCacher
from pelican.generators import ArticlesGenerator, Generator
from pelican.writers import Writer

# The lists in which Pelican's generators keep posts and pages, by status and language.
ARTICLE_LISTS = (
    "articles",
    "translations",
    "hidden_articles",
    "hidden_translations",
    "drafts",
    "drafts_translations",
)
PAGE_LISTS = (
    "pages",
    "translations",
    "hidden_pages",
    "hidden_translations",
    "draft_pages",
    "draft_translations",
)


def write_own_page(writer: Writer, generator: Generator, item: Any) -> None:
    """Write one post's or page's own file as its generator does (`generate_articles`,
    `generate_pages`)."""
    if isinstance(generator, ArticlesGenerator):
        fields = {"article": item, "category": getattr(item, "category", None), "blog": True}
    else:
        fields = {"page": item}
    writer.write_file(
        item.save_as,
        generator.get_template(item.template),
        generator.context,
        override_output=hasattr(item, "override_save_as"),
        url=item.url,
        relative_urls=generator.settings["RELATIVE_URLS"],
        **fields,
    )


def forget_cache(cacher: Any) -> None:
    """Let go of what a generator's or readers' content cache holds in memory."""
    if isinstance(cacher, FileStampDataCacher):
        cacher._cache = {}
