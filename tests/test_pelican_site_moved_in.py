"""A writer moving in from a plain Pelican blog: articles left at the content root (Pelican's
default place) are named, with where they must live; translations (the same slug in another
`Lang:`) are built as Pelican builds them, each linking to the other."""

import pytest

from tests.sites import build, soup, text, write_settings

ARTICLE = """Title: {title}
Date: 2010-12-02 10:14
Slug: my-super-post
{lang}Summary: {summary}

{body}
"""
PAGE = "Title: {title}\nSlug: a-page\n{lang}\n{body}\n"


@pytest.fixture(scope="module")
def moved_in(tmp_path_factory):
    folder = tmp_path_factory.mktemp("pelican")
    content = folder / "content"
    (content / "posts").mkdir(parents=True)
    (content / "pages").mkdir()
    (content / "at-the-root.md").write_text(
        ARTICLE.format(title="Left behind", lang="", summary="Root.", body="Not read."),
        encoding="utf-8",
    )
    posts = content / "posts"
    (posts / "super.md").write_text(
        ARTICLE.format(
            title="My super title", lang="", summary="Short.", body="The content of my post."
        ),
        encoding="utf-8",
    )
    (posts / "super-fr.md").write_text(
        ARTICLE.format(
            title="Mon super titre",
            lang="Lang: fr\n",
            summary="Court.",
            body="Le contenu de mon billet.",
        ),
        encoding="utf-8",
    )
    (content / "pages" / "a-page.md").write_text(
        PAGE.format(title="A page", lang="", body="The page."), encoding="utf-8"
    )
    (content / "pages" / "a-page-fr.md").write_text(
        PAGE.format(title="Une page", lang="Lang: fr\n", body="La page."), encoding="utf-8"
    )
    result = build(write_settings(folder, content, publish=True, CHECK_LIVE_ADDRESSES=False))
    assert result.returncode == 0, result.stderr
    return folder / "output", result.stderr, content


@pytest.mark.build
def test_an_article_at_the_content_root_is_named_with_where_articles_live(moved_in):
    output, log, content = moved_in
    message = " ".join(log.split())
    assert (
        f"{content / 'at-the-root.md'} is not read: posts live in content/posts/ and pages in "
        "content/pages/ (not anywhere in content/, as in a plain Pelican site); move it there"
    ) in message
    assert "posts/super.md is not read" not in message
    assert not any("Left behind" in path.read_text() for path in output.rglob("*.html"))


@pytest.mark.build
def test_a_translation_is_built_beside_its_original_and_each_links_to_the_other(moved_in):
    output, _, _ = moved_in
    original = soup(output / "posts" / "my-super-post" / "index.html")
    french = soup(output / "posts" / "my-super-post" / "fr" / "index.html")
    assert original.html["lang"] == "en" and french.html["lang"] == "fr"
    assert text(french.find("h1")) == "Mon super titre"
    link = original.select_one(".translations a")
    assert link["hreflang"] == "fr" and link["lang"] == "fr" and text(link) == "Mon super titre"
    assert link["href"].endswith("/posts/my-super-post/fr/")
    back = french.select_one(".translations a")
    assert back["href"].endswith("/posts/my-super-post/") and back["hreflang"] == "en"
    alternate = original.select_one('link[rel="alternate"][hreflang="fr"]')
    assert alternate["href"].endswith("/posts/my-super-post/fr/")
    page = soup(output / "a-page" / "fr" / "index.html")
    assert page.html["lang"] == "fr" and text(page.find("h1")) == "Une page"


@pytest.mark.build
def test_two_posts_with_one_slug_in_one_language_still_stop_the_build(tmp_path):
    content = tmp_path / "content"
    (content / "posts").mkdir(parents=True)
    for name in ("one.md", "two.md"):
        (content / "posts" / name).write_text(
            ARTICLE.format(title=name, lang="", summary="S.", body="B."), encoding="utf-8"
        )
    result = build(write_settings(tmp_path, content))
    assert result.returncode != 0
    assert "posts/one.md, posts/two.md: these posts share the slug 'my-super-post'" in result.stderr
