"""The site's typography gives typogrify's output, byte for byte, on whole posts.

Every post of the build benchmark's two corpora (with summaries and short paragraphs; without
summaries, with long paragraphs and code blocks), every post, page and comment of the Blogger
exports the import tests use (as Blogger wrote them and as imported to Markdown), and the
writing guide are converted as the site converts them (Python-Markdown with the site's
settings), then typogrified with the site's filter and with typogrify itself, with the
site's typography settings (and each dash setting).
"""

from pathlib import Path

import markdown
import pytest
import smartypants
from pelican.readers import MarkdownReader
from typogrify.filters import typogrify as reference

from bench.corpus import post_texts
from pathways.blogger.html_to_markdown import convert as blogger_markdown
from pathways.site.build import load_settings
from plugins.pathways_markdown_reader.typography import typographer
from tests import blogger_corpus

ROOT = Path(__file__).resolve().parent.parent
# A corpus as `make bench` makes it at its smallest size.
BENCH_POSTS = 100


@pytest.fixture
def site_settings():
    """The site's settings, with the smartypants defaults typogrify reads put back after."""
    before = smartypants.Attr.default
    settings = load_settings(ROOT / "pelicanconf.py")
    MarkdownReader(settings)  # adds the extensions Pelican's reader adds (front matter)
    yield settings
    smartypants.Attr.default = before


def as_site_converts(source: str, settings: dict) -> list[str]:
    """A Markdown source as HTML, and its title and summary, as the site's reader reads it."""
    document = markdown.Markdown(**settings["MARKDOWN"])
    texts = [document.convert(source)]
    meta = getattr(document, "Meta", {})
    texts += meta.get("title", [])
    for summary in meta.get("summary", []):
        document.reset()
        document.preprocessors.deregister("meta")
        texts.append(document.convert(summary))
    return texts


def assert_same_typography(texts: list[str], settings: dict) -> None:
    site = typographer(settings)  # sets smartypants' defaults as Pelican does
    ignore_tags = settings["TYPOGRIFY_IGNORE_TAGS"]
    omitted = dict.fromkeys(settings["TYPOGRIFY_OMIT_FILTERS"], False)
    for text in texts:
        assert site(text) == reference(text, ignore_tags, **omitted), text


@pytest.mark.slow
@pytest.mark.parametrize("corpus", ["summaries", "plain"])
def test_every_post_of_the_benchmark_corpora(site_settings, corpus):
    texts = []
    for source in post_texts(corpus, BENCH_POSTS):
        texts += as_site_converts(source, site_settings)
    assert len(texts) >= BENCH_POSTS * 2
    assert any(reference(text) != text for text in texts)  # typography had work to do
    assert_same_typography(texts, site_settings)


def blogger_texts(settings: dict) -> list[str]:
    texts = []
    for seed in range(4):
        for post in blogger_corpus.make_blog(seed=seed).posts:
            texts += [post.title, post.body_html]
            texts += as_site_converts(blogger_markdown(post.body_html), settings)
            texts += [comment.body_html for comment in post.comments]
    return texts


@pytest.mark.parametrize("dashes", ["default", "oldschool", "oldschool_inverted"])
def test_every_post_and_comment_of_the_blogger_exports(site_settings, dashes):
    site_settings["TYPOGRIFY_DASHES"] = dashes
    assert_same_typography(blogger_texts(site_settings), site_settings)


@pytest.mark.sample
@pytest.mark.parametrize("dashes", ["default", "oldschool", "oldschool_inverted"])
def test_the_writing_guide(site_settings, dashes):
    site_settings["TYPOGRIFY_DASHES"] = dashes
    guide = (ROOT / "content" / "pages" / "writing-guide.md").read_text(encoding="utf-8")
    assert_same_typography(as_site_converts(guide, site_settings), site_settings)
