"""What the site relies on in Pelican beyond its documented API, one test each: the contract
of `pathways.pelican_internals`, where that code lives.

Each test states one fact about Pelican's internals that a plugin of this site depends on
(the README's "Build speed" lists them); after a Pelican upgrade, a failure here names the
plugin to adapt before the site's output silently changes.
"""

import io
import logging
import os
import pickle
import textwrap
from contextlib import contextmanager
from pathlib import Path

import pytest
from pelican import signals
from pelican.contents import Article, Content, Page
from pelican.generators import ArticlesGenerator, PagesGenerator
from pelican.paginator import Page as Paginated
from pelican.readers import MarkdownReader, Readers
from pelican.settings import DEFAULT_CONFIG, configure_settings
from pelican.writers import Writer

from pathways.pelican_internals import log
from pathways.pelican_internals.content import (
    content_html,
    intrasite_links,
    set_content_html,
)
from pathways.pelican_internals.generators import (
    ARTICLE_LISTS,
    PAGE_LISTS,
    forget_cache,
    write_own_page,
)
from pathways.pelican_internals.writer import (
    LISTED,
    SUBJECTS,
    WRITE_FILE,
    feed_arguments,
    file_argument,
    with_file_argument,
)
from pathways.settings import apply_defaults
from plugins.pathways_markdown_reader.reader import SiteMarkdownReader
from tests.sites import ROOT, build, post, write_post, write_settings

POST = textwrap.dedent(
    """\
    Title: "Quotes" -- and dashes
    Date: 2024-03-01 09:30+01:00
    Tags: one, two
    Tags: three
    Summary: A *short* summary.
    Slug: quotes

    She said "hello" -- twice.
    """
)


def settings(tmp_path, **extra) -> dict:
    values = apply_defaults({**DEFAULT_CONFIG, "PATH": str(tmp_path), **extra})
    values["MARKDOWN"] = {**values["MARKDOWN"], "extension_configs": {}}
    return values


@pytest.fixture
def source(tmp_path):
    path = tmp_path / "quotes.md"
    path.write_text(POST, encoding="utf-8")
    return path


def test_readers_typogrify_by_the_settings_they_hold(tmp_path, source):
    """pathways_markdown_reader: `Readers.read_file` applies typogrify when its own
    `settings["TYPOGRIFY"]` is true, so a copy with it off leaves the text as read."""
    on = Readers(settings(tmp_path, TYPOGRIFY=True))
    off = Readers({**on.settings, "TYPOGRIFY": False})
    typographic = on.read_file(str(tmp_path), source.name)
    plain = off.read_file(str(tmp_path), source.name)
    assert "&#8220;hello&#8221;" in typographic.content and "&#8220;" not in plain.content
    assert '"hello"' in plain.content


def test_readers_init_comes_before_the_readers_are_made(tmp_path):
    """pathways_markdown_reader: classes swapped in `reader_classes` on `readers_init` are
    the ones instantiated."""

    def swap(readers):
        readers.reader_classes["md"] = SiteMarkdownReader

    signals.readers_init.connect(swap)
    try:
        readers = Readers(settings(tmp_path))
    finally:
        signals.readers_init.disconnect(swap)
    assert isinstance(readers.readers["md"], SiteMarkdownReader)


def test_generator_init_is_sent_with_the_readers_made(tmp_path):
    """pathways_markdown_reader: on `generator_init` the generator already has `readers`."""
    seen = []

    def look(generator):
        seen.append(isinstance(generator.readers, Readers))

    signals.generator_init.connect(look)
    try:
        ArticlesGenerator(
            context={},
            settings=settings(tmp_path),
            path=str(tmp_path),
            theme=str(ROOT / "theme"),
            output_path=str(tmp_path / "out"),
        )
    finally:
        signals.generator_init.disconnect(look)
    assert seen == [True]


def test_the_site_reader_reads_front_matter_as_pelicans(tmp_path, source):
    """pathways_markdown_reader: the site's reader repeats `MarkdownReader._parse_metadata`
    (duplicates, lists, formatted fields) with reused Markdown instances."""
    values = settings(tmp_path, TYPOGRIFY=False)
    theirs = MarkdownReader(values).read(str(source))
    ours = SiteMarkdownReader(values).read(str(source))
    assert ours == theirs


def test_the_writer_renders_opens_and_signals_in_that_order(tmp_path):
    """pathways_parallel_writing: `Writer.write_file` renders with `template.render`,
    writes through `self._open_w(path, encoding, override)`, sends `content_written` with
    the path and the template context, and tracks `_written_files`."""
    rendered, sent = [], []

    class Template:
        @staticmethod
        def render(context):
            rendered.append(context["output_file"])
            return "page"

    class QuietWriter(Writer):
        @contextmanager
        def _open_w(self, filename, encoding, override=False):
            yield io.StringIO()

    def listen(path, context):
        sent.append((path, context["answer"]))

    writer = QuietWriter(str(tmp_path), settings=settings(tmp_path))
    assert isinstance(writer._written_files, set)
    assert isinstance(writer._overridden_files, set)
    signals.content_written.connect(listen)
    try:
        writer.write_file("a/index.html", Template, {"localsiteurl": ""}, answer=42)
    finally:
        signals.content_written.disconnect(listen)
    assert rendered == ["a/index.html"]
    assert sent == [(str(tmp_path / "a" / "index.html"), 42)]
    assert not (tmp_path / "a" / "index.html").exists()


def test_generators_list_their_sources_and_cache_lookups(tmp_path, source):
    """pathways_markdown_reader (prefetch): `get_files` gives source names relative to the
    generator's path, and `Readers.get_cached_data(path, default)` answers the default for
    a source not in the cache."""
    generator = ArticlesGenerator(
        context={},
        settings=settings(tmp_path, ARTICLE_PATHS=[""]),
        path=str(tmp_path),
        theme=str(ROOT / "theme"),
        output_path=str(tmp_path / "out"),
    )
    assert {os.path.normpath(name) for name in generator.get_files([""])} == {source.name}
    assert generator.readers.get_cached_data(str(source), None) is None


def test_generators_keep_content_in_the_lists_the_preview_refreshes(tmp_path, source):
    """pathways.site.hot_reload: the posts and pages generators keep their content in the
    lists named in `plugin_support.ARTICLE_LISTS` and `PAGE_LISTS`."""
    common = {
        "context": {**settings(tmp_path), "generated_content": {}, "static_links": set()},
        "path": str(tmp_path),
        "theme": str(ROOT / "theme"),
        "output_path": str(tmp_path / "out"),
    }
    articles = ArticlesGenerator(settings=settings(tmp_path, ARTICLE_PATHS=[""]), **common)
    pages = PagesGenerator(settings=settings(tmp_path, PAGE_PATHS=[]), **common)
    articles.generate_context()
    pages.generate_context()
    assert all(isinstance(getattr(articles, name), list) for name in ARTICLE_LISTS)
    assert all(isinstance(getattr(pages, name), list) for name in PAGE_LISTS)
    assert [a.slug for a in articles.articles] == ["quotes"]


RECORDER = '''
"""Records every content_written path, as sitemap-like plugins do."""
import os
from pelican import signals
from pelican.contents import Article, Content, Page

written = []


def remember(path, context):
    written.append(os.path.relpath(path, context["OUTPUT_PATH"]))


def save(pelican):
    with open(os.environ["WRITTEN_LIST"], "w") as out:
        out.write(f"TYPOGRIFY={pelican.settings['TYPOGRIFY']}\\n")
        out.write("\\n".join(sorted(written)))


def register():
    signals.content_written.connect(remember)
    signals.finalized.connect(save)
'''


@pytest.mark.build
def test_plugins_hear_of_every_page_written_by_the_workers(tmp_path, monkeypatch):
    """A plugin gathering state on `content_written` in the build's process sees every page
    the parallel writer's workers wrote, and the settings as the writer wrote them."""
    content = tmp_path / "content"
    for number in range(40):
        write_post(content, f"p{number}.md", post(f"Post {number}", tags=f"t{number % 5}"))
    (tmp_path / "extra_plugins" / "recorder").mkdir(parents=True)
    (tmp_path / "extra_plugins" / "recorder" / "__init__.py").write_text(RECORDER)
    listing = tmp_path / "written.txt"
    monkeypatch.setenv("WRITTEN_LIST", str(listing))
    settings_file = write_settings(tmp_path, content, BUILD_WORKERS=2, CACHE_CONTENT=False)
    with settings_file.open("a") as extra:
        extra.write(f"PLUGIN_PATHS = [*PLUGIN_PATHS, {str(tmp_path / 'extra_plugins')!r}]\n")
        extra.write('PLUGINS = [*PLUGINS, "recorder"]\n')
    result = build(settings_file)
    assert result.returncode == 0, result.stderr
    typography, *names = listing.read_text().split("\n")
    assert typography == "TYPOGRIFY=True"
    heard = set(names)
    output = tmp_path / "output"
    posts = {f"posts/post-{number}/index.html" for number in range(40)}
    assert posts <= heard
    assert {"tags/t0/index.html", "index.html", "page/2/index.html"} <= heard
    assert all((output / name).is_file() for name in heard)


def test_a_fixed_address_is_used_in_place_of_the_formatted_one(tmp_path, source):
    """pathways_parallel_writing: `Content.get_url_setting` returns `override_url` when it
    is set, so the writer can fix each post's address once."""
    content = Readers(settings(tmp_path)).read_file(str(tmp_path), source.name)
    article = Article(content.content, metadata=content.metadata, settings=settings(tmp_path))
    formatted_url = article.url
    article.override_url = "fixed/"
    assert article.url == "fixed/"
    assert formatted_url == "quotes.html"


@pytest.mark.build
def test_the_content_cache_is_saved_before_the_generators_finish(tmp_path):
    """pathways_markdown_reader (saved_cache): Pelican saves its content cache before it
    sends `article_generator_finalized` and `page_generator_finalized`, where the plugin
    lets go of it; so the cache a build leaves holds every post and page it read."""
    content = tmp_path / "content"
    write_post(content, "one.md", post("One"))
    write_post(content, "two.md", post("Two", date="2024-01-03 10:00+00:00"))
    (content / "pages").mkdir()
    (content / "pages" / "about.md").write_text("Title: About\n\nAbout me.\n", encoding="utf-8")
    cache = tmp_path / "cache"
    settings_file = write_settings(tmp_path, content, publish=True, CACHE_PATH=str(cache))
    assert build(settings_file).returncode == 0
    saved = {}
    for name in ("ArticlesGenerator-Readers", "PagesGenerator-Readers"):
        (path,) = cache.rglob(name)
        saved[name] = {Path(source).name for source in pickle.loads(path.read_bytes())}
    assert saved == {
        "ArticlesGenerator-Readers": {"one.md", "two.md"},
        "PagesGenerator-Readers": {"about.md"},
    }


def _article(tmp_path, source, text=None) -> Article:
    read = Readers(settings(tmp_path)).read_file(str(tmp_path), source.name)
    return Article(
        read.content if text is None else text,
        metadata=read.metadata,
        settings=settings(tmp_path),
        source_path=str(source),
        context={"static_content": {}, "generated_content": {}, "static_links": set()},
    )


def test_a_posts_html_as_read_is_what_its_content_is_made_from(tmp_path, source):
    """content: `_content` holds the HTML as read, and `content` is made from it when it is
    first read (plugins change the HTML before the pages are rendered)."""
    article = _article(tmp_path, source)
    assert "twice" in content_html(article)
    set_content_html(article, "<p>Changed.</p>")
    assert article.content == "<p>Changed.</p>"


def test_links_to_other_files_are_found_as_pelican_finds_them(tmp_path, source):
    """content (pathways_photos): `_get_intrasite_link_regex` finds `{attach}` and
    `{filename}` links with the groups `what` and `value`."""
    text = '<img src="{attach}photo.jpg"><a href="{filename}/posts/b.md">b</a>'
    article = _article(tmp_path, source, text)
    found = [(link.group("what"), link.group("value")) for link in intrasite_links(article, text)]
    assert found == [("attach", "photo.jpg"), ("filename", "/posts/b.md")]


def test_a_source_that_cannot_be_read_is_logged_with_its_path(tmp_path):
    """log (pathways.site.build): a source whose reading fails is logged as an error by
    `pelican.generators`, with the message `Could not process %s` and its path."""
    (tmp_path / "bad.md").write_bytes(b"Title: Caf\xe9\n\nText.\n")
    records = []

    class Keep(logging.Handler):
        def emit(self, record):
            records.append(record)

    handler = Keep(logging.ERROR)
    logging.getLogger(log.LOGGER).addHandler(handler)
    try:
        _generator(tmp_path, ArticlesGenerator, ARTICLE_PATHS=[""]).generate_context()
    finally:
        logging.getLogger(log.LOGGER).removeHandler(handler)
    assert [(r.msg, len(r.args)) for r in records] == [(log.SKIPPED_FILE, 1)]
    assert os.path.normpath(records[0].args[0]) == "bad.md"


def _generator(tmp_path, kind, **extra):
    values = configure_settings(settings(tmp_path, **extra))
    return kind(
        context={**values, "generated_content": {}, "static_links": set(), "static_content": {}},
        settings=values,
        path=str(tmp_path),
        theme=DEFAULT_CONFIG["THEME"],
        output_path=str(tmp_path / "out"),
    )


class RecordingWriter(Writer):
    """Keeps each call the generators make, and the variables of each page it renders that
    hold a post, a page or a page of a listing; writes nothing."""

    def __init__(self, output_path, settings=None):
        super().__init__(output_path, settings=settings)
        self.calls, self.feeds, self.shown = [], [], set()

    def write_file(self, *args, **kwargs):
        self.calls.append((args, kwargs))
        args, kwargs = with_file_argument(args, kwargs, "template", self)
        super().write_file(*args, **kwargs)

    def render(self, context):
        self.shown |= {
            name for name, value in context.items() if isinstance(value, Content | Paginated)
        }
        return ""

    @contextmanager
    def _open_w(self, filename, encoding, override=False):
        yield io.StringIO()

    def write_feed(self, *args, **kwargs):
        self.feeds.append((args, kwargs))


def _written(tmp_path, source):
    paths = {"ARTICLE_PATHS": [""], "ARTICLE_EXCLUDES": ["p"], "PAGE_PATHS": ["p"]}
    articles = _generator(tmp_path, ArticlesGenerator, **paths)
    pages = _generator(tmp_path, PagesGenerator, **paths)
    (tmp_path / "p").mkdir()
    (tmp_path / "p" / "about.md").write_text("Title: About\n\nMe.\n", encoding="utf-8")
    for generator in (articles, pages):
        generator.generate_context()
    writer = RecordingWriter(str(tmp_path / "out"), settings=articles.settings)
    for generator in (articles, pages):
        generator.generate_output(writer)
    return articles, pages, writer


def test_the_generators_call_the_writer_as_the_parallel_writer_reads_it(tmp_path, source):
    """writer (pathways_parallel_writing): `write_file(name, template, context, …)`, whether
    given by position or by name; a post's page shows it as `article`, a page's as `page`,
    a listing's posts as `articles_page` and `dates_page` (render keys describe these);
    feeds' arguments are read by name."""
    assert list(WRITE_FILE.parameters)[1:4] == ["name", "template", "context"]
    _, _, writer = _written(tmp_path, source)
    for args, kwargs in writer.calls:
        assert isinstance(file_argument(args, kwargs, "name"), str)
        assert hasattr(file_argument(args, kwargs, "template"), "render")
        assert isinstance(file_argument(args, kwargs, "context"), dict)
        args, kwargs = with_file_argument(args, kwargs, "template", "replaced")
        assert file_argument(args, kwargs, "template") == "replaced"
    assert writer.shown == {*SUBJECTS, *LISTED}
    pages = {file_argument(a, k, "name"): k for a, k in writer.calls}
    assert isinstance(pages["quotes.html"]["article"], Article)
    assert isinstance(pages["pages/about.html"]["page"], Page)
    for args, kwargs in writer.feeds:
        assert {"elements", "context", "path"} <= set(feed_arguments(writer, args, kwargs))


def test_a_posts_page_is_written_again_as_its_generator_wrote_it(tmp_path, source):
    """generators (pathways.site.hot_reload): `write_own_page` calls the writer for a post
    or a page as `generate_articles` and `generate_pages` do."""
    articles, pages, writer = _written(tmp_path, source)
    by_name = {file_argument(a, k, "name"): (a, k) for a, k in writer.calls}
    again = RecordingWriter(str(tmp_path / "out"), settings=articles.settings)
    write_own_page(again, articles, articles.articles[0])
    write_own_page(again, pages, pages.pages[0])
    for args, kwargs in again.calls:
        name = file_argument(args, kwargs, "name")
        first_args, first_kwargs = by_name[name]
        assert kwargs == first_kwargs
        for argument in ("template", "context"):
            first = file_argument(first_args, first_kwargs, argument)
            assert file_argument(args, kwargs, argument) == first


def test_the_readers_cache_is_let_go_of_in_memory(tmp_path, source):
    """generators (pathways_markdown_reader): the readers' content cache is the dict
    `_cache` of Pelican's `FileStampDataCacher`; emptied, nothing is found in it."""
    generator = _generator(tmp_path, ArticlesGenerator, ARTICLE_PATHS=[""], CACHE_CONTENT=True)
    generator.generate_context()
    assert generator.readers.get_cached_data(str(source), None) is not None
    forget_cache(generator.readers)
    assert generator.readers.get_cached_data(str(source), None) is None
