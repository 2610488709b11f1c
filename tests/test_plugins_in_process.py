"""The site's smaller plugins, called directly on posts made in memory (no build): quick to
run, and precise about each plugin's own rules. Whole-site builds test them together."""

import logging
from datetime import date, datetime
from types import SimpleNamespace

import brotli
from pelican.log import LimitFilter
from pelican.settings import DEFAULT_CONFIG

from pathways.settings import apply_defaults
from plugins.pathways_accessible_code import make_code_blocks_focusable
from plugins.pathways_content_checks.checks import find_slug_collisions
from plugins.pathways_production_assets.finishing import Finishing
from plugins.pathways_reader_care import add_care
from plugins.pathways_reading_time import add_reading_time
from plugins.pathways_references import parse_references
from plugins.pathways_series import link_series
from plugins.pathways_toc import add_toc

SETTINGS = apply_defaults(dict(DEFAULT_CONFIG))


def a_post(html: str = "", **metadata) -> SimpleNamespace:
    return SimpleNamespace(
        _content=html,
        settings=SETTINGS,
        metadata=metadata,
        source_path="posts/a.md",
        slug=metadata.get("slug", "a"),
        lang=metadata.get("lang", "en"),
        date=metadata.get("date", datetime(2024, 1, 1)),
        tags=[SimpleNamespace(slug=tag) for tag in metadata.get("tags", [])],
        category=SimpleNamespace(slug=metadata.get("category", "journal")),
    )


def heading(level: int, anchor: str, text: str) -> str:
    link = f'<a class="headerlink" href="#{anchor}" title="Link">#</a>'
    return f'<h{level} id="{anchor}">{text}{link}</h{level}>'


def test_contents_need_enough_sections_and_read_titles_as_text():
    three = "".join(heading(2, f"s{n}", f"Part &amp; {n}") for n in range(3))
    post = a_post(three + heading(3, "sub", "<em>Detail</em>"))
    add_toc(post)
    assert [(e["level"], e["id"], e["title"]) for e in post.toc] == [
        (2, "s0", "Part & 0"),
        (2, "s1", "Part & 1"),
        (2, "s2", "Part & 2"),
        (3, "sub", "Detail"),
    ]
    short = a_post(heading(2, "only", "Only") + heading(2, "two", "Two"))
    add_toc(short)
    assert short.toc == []


def test_reading_time_counts_the_words_a_reader_reads():
    post = a_post("<p>" + "word " * 430 + "</p><pre><code>x</code></pre>")
    add_reading_time(post)
    assert (post.word_count, post.reading_time) == (431, 2)


def test_references_link_only_web_addresses_and_keep_readable_dates(caplog):
    with caplog.at_level(logging.WARNING):
        references = parse_references(
            [
                "A study | https://example.org/a | 2024-02-07",
                "A note | javascript:alert(1)",
                "A book | | 7 February",
            ],
            "posts/a.md",
        )
    assert references == [
        {"title": "A study", "url": "https://example.org/a", "accessed": date(2024, 2, 7)},
        {"title": "A note", "url": "", "accessed": None},
        {"title": "A book", "url": "", "accessed": None},
    ]
    assert "posts/a.md: reference 'A note' has no http(s) address" in caplog.text
    assert "'7 February' is not a YYYY-MM-DD date" in caplog.text


def test_series_parts_are_ordered_and_linked_both_ways():
    parts = [
        a_post(slug="third", series="Walking", **{"series-order": "3"}),
        a_post(slug="first", series="Walking", **{"series-order": "1"}),
        a_post(slug="second", series="Walking", **{"series-order": "2"}),
        a_post(slug="alone"),
    ]
    generator = SimpleNamespace(articles=parts, settings=SETTINGS, context={})
    link_series(generator)
    first, second, third = parts[1], parts[2], parts[0]
    assert [p.slug for p in generator.context["series_list"][0]["parts"]] == [
        "first",
        "second",
        "third",
    ]
    assert second.series["index"] == 2 and second.series["total"] == 3
    assert second.series["previous"] is first and second.series["next"] is third
    assert not hasattr(parts[3], "series")


def test_disclaimers_and_content_notes_follow_tags_categories_and_the_post():
    settings = {**SETTINGS, "DISCLAIMER_TAGS": ["ketamine"], "DISCLAIMER_CATEGORIES": ["care"]}
    tagged = a_post(tags=["ketamine"], **{"content-note": "panic attack, trauma"})
    tagged.settings = settings
    add_care(tagged)
    assert tagged.disclaimer and tagged.content_notes == ["panic attack", "trauma"]
    assert not tagged.collapse_body
    plain = a_post(tags=["walks"], **{"content-note-collapse": "yes"})
    plain.settings = settings
    add_care(plain)
    assert not plain.disclaimer and not plain.collapse_body


def test_code_blocks_can_be_reached_by_keyboard():
    html = "<pre><code>wide</code></pre><p><code>inline</code></p>"
    assert make_code_blocks_focusable(html) == (
        '<pre tabindex="0"><code>wide</code></pre><p><code>inline</code></p>'
    )


def test_two_posts_with_one_slug_are_named_together():
    one, two = a_post(slug="same"), a_post(slug="same")
    one.get_relative_source_path = lambda: "posts/a.md"
    two.get_relative_source_path = lambda: "posts/b.md"
    (message,) = find_slug_collisions([one, two], "post")
    assert "posts/a.md" in message and "posts/b.md" in message and "same" in message


def test_related_posts_are_the_same_with_key_words_kept_between_builds(tmp_path):
    from plugins.pathways_related_posts import KeptWords, relate

    words = ["pacing", "ketamine", "infusion", "sleep", "walking", "nausea", "clinic", "family"]
    posts = [
        a_post(
            " ".join(words[(number * 3 + i) % len(words)] for i in range(number % 5 + 3)),
            slug=f"p{number}",
            date=datetime(2024, 1, 1 + number),
            tags=["health"] if number % 2 else ["family"],
        )
        for number in range(12)
    ]

    def slugs(related: dict) -> dict:
        return {slug: [post.slug for post in found] for slug, found in related.items()}

    plain = slugs(relate(posts, 3))
    counted_at_once = KeptWords(None, workers=2)
    counted_at_once.count([post._content for post in posts])
    assert slugs(relate(posts, 3, counted_at_once)) == plain
    first = KeptWords(tmp_path)
    assert slugs(relate(posts, 3, first)) == plain
    first.save()
    kept = KeptWords(tmp_path)
    assert slugs(relate(posts, 3, kept)) == plain
    posts[0]._content = "sleep sleep sleep walking walking"  # an edited post is counted again
    assert slugs(relate(posts, 3, kept)) == slugs(relate(posts, 3))


def test_popular_posts_read_only_the_lines_appended_to_the_view_logs(tmp_path, monkeypatch, caplog):
    from pathways.views import kept_logs
    from pathways.views.widget import popular_posts

    reads = []
    scan_lines = kept_logs.Scanner.lines

    def counted(self, lines, scan):
        reads.append(len(lines))
        return scan_lines(self, lines, scan)

    monkeypatch.setattr(kept_logs.Scanner, "lines", counted)
    posts = [
        SimpleNamespace(slug=slug, url=f"posts/{slug}/", metadata={}, content="", date=day)
        for slug, day in (("rest", datetime(2024, 5, 1)), ("pacing", datetime(2024, 6, 1)))
    ]
    log = tmp_path / "access.log"
    line = (
        '1.1.1.{} - - [20/Jun/2024:10:00:00 +0000] "GET /posts/{}/ HTTP/1.1" 200 9 "-" "Firefox"\n'
    )
    log.write_text("".join(line.format(n, "rest") for n in range(2)))
    settings = {
        **SETTINGS,
        "PATH": str(tmp_path),
        "CACHE_CONTENT": True,
        "LOAD_CONTENT_CACHE": True,
        "CACHE_PATH": str(tmp_path / "cache"),
        "POPULAR_POSTS_SOURCES": ["access.log", "old/*.log"],
        "POPULAR_POSTS_WINDOWS": ["all"],
        "POPULAR_POSTS_TODAY": "2024-06-30",
    }

    def ranked() -> list[tuple[str, int]]:
        (window,) = popular_posts(posts, settings)["windows"]
        return [(entry["article"].slug, entry["views"]) for entry in window["entries"]]

    assert ranked() == [("rest", 2)]
    # Pelican shows a warning once per process; each build is a process of its own.
    monkeypatch.setattr(LimitFilter, "_raised_messages", set())
    caplog.clear()
    with caplog.at_level(logging.WARNING):
        assert ranked() == [("rest", 2)]
    assert len(reads) == 1
    assert "POPULAR_POSTS_SOURCES: nothing matches old/*.log" in caplog.text

    with log.open("a") as appended:
        appended.write("".join(line.format(n, "pacing") for n in range(3)))
    assert ranked() == [("pacing", 3), ("rest", 2)]
    assert reads == [2, 3]
    posts[1].url = "posts/pacing-well/"  # the hits on the old address are no longer its own
    assert ranked() == [("rest", 2)]
    assert reads == [2, 3]


def test_kept_compressed_copies_are_not_reused_once_they_would_be_made_differently(tmp_path):
    site, kept = tmp_path / "site", tmp_path / "kept"
    site.mkdir()
    kept.mkdir()
    page = site / "index.html"
    html = b"<p>" + b"Rest first, then walk. " * 40 + b"</p>"

    def finish(quality: int) -> bytes:
        page.write_bytes(html)
        for copy in site.glob("index.html.*"):
            copy.unlink()
        Finishing(
            output=site,
            minify=False,
            renamed={},
            precompress=True,
            brotli_quality=quality,
            kept=kept,
            signature=f"brotli quality {quality}",
            previous=None,
            last_build={},
            rendered={},
        ).finish(page, html)
        return (site / "index.html.br").read_bytes()

    fast = finish(0)
    assert finish(11) != fast
    assert brotli.decompress(finish(11)) == html
    assert finish(0) == fast
