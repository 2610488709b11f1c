"""The Blogger import's rules for what real blogs hold and the first blogs did not: long
comments, replies whose parent is gone, scheduled posts, titles Takeout escapes twice, two
posts with one file name, labels differing in case, links to the old blog, skipped entries
named, image-only comments, and photos linked after a run that did not download them."""

import html
from datetime import UTC, datetime, timedelta

import pytest

from pathways.comments.model import parse_comment, render_body
from tests import blogger_corpus
from tests.blogger_exports import ImageHost
from tests.blogger_generated import (
    BLOG_URL,
    FUTURE,
    LONG,
    import_into,
    make_blog,
    make_comment,
    make_post,
    markdown_files,
)
from tests.sites import build, soup, text, write_settings

FORMATS = ["classic", "takeout"]


def front_matter(path) -> dict[str, str]:
    header = path.read_text(encoding="utf-8").split("\n\n", 1)[0]
    return dict(line.split(": ", 1) for line in header.splitlines())


def thread_blog():
    """A post whose long comment has two replies, and a reply to a comment missing from the
    export."""
    comments = (
        make_comment("501", f"<p>{LONG}</p>", author="Bo"),
        make_comment("502", "Thank you, Bo.", parent="501", author="Writer"),
        make_comment("503", "Same here.", parent="501", author="Cy"),
        make_comment("504", "Lost thread.", parent="999", author="Di"),
    )
    return make_blog(make_post("1", "Third infusion", comments=comments))


@pytest.mark.build
def test_a_long_comment_is_kept_with_its_replies_and_the_site_builds(tmp_path):
    content = tmp_path / "content"
    _, printed = import_into(content, thread_blog(), "takeout")
    long = content / "comments" / "third-infusion" / "501.md"
    assert LONG.strip() in long.read_text(encoding="utf-8")
    assert front_matter(content / "comments" / "third-infusion" / "502.md")["Reply-To"] == "501"
    assert "not imported" not in printed
    settings = write_settings(tmp_path, content, publish=True, CHECK_LIVE_ADDRESSES=False)
    result = build(settings)
    assert result.returncode == 0, result.stderr
    page = soup(tmp_path / "output" / "posts" / "third-infusion" / "index.html")
    assert LONG.split()[0:8] == text(page.select_one("#comment-501 .comment-body")).split()[0:8]
    assert page.select_one("#comment-501 #comment-502") is not None
    assert page.select_one("#comment-501 #comment-503") is not None


def test_a_comment_file_longer_than_the_forms_limit_is_read_whole():
    text = f"Author: Bo\nDate: 2023-05-19T12:00:00+00:00\n\n{LONG}\n"
    assert parse_comment(text, post_slug="p", comment_id="c1").body == LONG.strip()


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_reply_to_a_comment_missing_from_the_export_is_kept_at_the_top_with_a_warning(
    tmp_path, fmt
):
    content = tmp_path / "content"
    _, printed = import_into(content, thread_blog(), fmt)
    lost = front_matter(content / "comments" / "third-infusion" / "504.md")
    assert "Reply-To" not in lost
    assert (
        "comment by 'Di' on 'Third infusion' (2023-05-19 08:00): it answers a comment that is "
        "not in the export; kept at the top of the thread"
    ) in printed


def test_the_replies_to_a_removed_comment_move_to_the_top_with_a_warning(tmp_path):
    comments = (
        make_comment("501", blogger_corpus.REMOVED_BY_AUTHOR, status="deleted"),
        make_comment("502", "Answer.", parent="501", author="Cy"),
    )
    content = tmp_path / "content"
    _, printed = import_into(
        content, make_blog(make_post("1", "Day", comments=comments)), "classic"
    )
    assert "Reply-To" not in front_matter(content / "comments" / "day" / "502.md")
    assert "it answers comment 501, which is not imported; kept at the top" in printed
    assert "deleted comment by 'Anonymous' on 'Day'" not in printed
    assert "  deleted comment by 'Ana' on 'Day' (2023-05-19 08:00)" in printed


def scheduled_blog():
    past = datetime(2023, 2, 1, 15, 0, tzinfo=UTC)
    return make_blog(
        make_post("1", "Written ahead", status="scheduled", published=FUTURE),
        make_post("2", "Missed its time", status="scheduled", published=past),
    )


def test_a_post_scheduled_on_blogger_is_imported_alike_from_either_format(tmp_path):
    imports = {
        fmt: import_into(tmp_path / fmt / "content", scheduled_blog(), fmt) for fmt in FORMATS
    }
    classic, takeout = (markdown_files(tmp_path / fmt / "content") for fmt in FORMATS)
    assert classic == takeout
    content = tmp_path / "takeout" / "content"
    ahead = front_matter(content / "posts" / "written-ahead.md")
    assert ahead["Date"].startswith("2099-06-01") and "Status" not in ahead
    assert "Old-URLs" not in ahead  # it never was at that address
    missed = front_matter(content / "posts" / "missed-its-time.md")
    assert missed["Status"] == "draft"
    for fmt, (_, printed) in imports.items():
        assert (
            "post /2099/06/written-ahead.html: scheduled on Blogger for 2099-06-01 10:30; it "
            "stays scheduled (the site shows it from then on)"
        ) in printed, fmt
    assert (
        "post /2023/02/missed-its-time.html: scheduled on Blogger for 2023-02-01 10:00, which "
        "has passed without it going out there; imported as a draft"
    ) in imports["takeout"][1]


@pytest.mark.build
def test_a_post_still_scheduled_is_nowhere_on_the_site_before_its_time(tmp_path):
    content = tmp_path / "content"
    import_into(content, scheduled_blog(), "takeout")
    result = build(write_settings(tmp_path, content, publish=True, CHECK_LIVE_ADDRESSES=False))
    assert result.returncode == 0, result.stderr
    for path in (tmp_path / "output").rglob("*"):
        if path.suffix in (".html", ".xml", ".txt", ".json"):
            shown = path.read_text(encoding="utf-8", errors="replace")
            assert "Written ahead" not in shown and "Missed its time" not in shown, path


def test_a_title_takeout_escaped_twice_reads_as_written(tmp_path):
    blog = make_blog(make_post("1", "I'm back & <better>"))
    for fmt in FORMATS:
        import_into(tmp_path / fmt / "content", blog, fmt)
        post = tmp_path / fmt / "content" / "posts" / "im-back-better.md"
        assert front_matter(post)["Title"] == "I'm back & &lt;better>", fmt


def test_two_posts_with_one_file_name_get_their_slugs_by_date_and_both_are_named(tmp_path):
    older = make_post("7", "Update", published=datetime(2021, 3, 1, 12, tzinfo=UTC))
    newer = make_post("3", "Update", published=datetime(2022, 3, 1, 12, tzinfo=UTC))
    printed = {}
    for fmt, posts in (("classic", (newer, older)), ("takeout", (older, newer))):
        _, printed[fmt] = import_into(tmp_path / fmt / "content", make_blog(*posts), fmt)
        posts_folder = tmp_path / fmt / "content" / "posts"
        assert front_matter(posts_folder / "update.md")["Old-URLs"] == "/2021/03/update.html"
        assert front_matter(posts_folder / "update-2.md")["Old-URLs"] == "/2022/03/update.html"
        assert (
            "post /2022/03/update.html: slug 'update' is taken by post /2021/03/update.html, "
            "published before it; using 'update-2'"
        ) in printed[fmt]


def linking_blog():
    first = make_post(
        "1",
        "First",
        labels=("Long Covid", "Tips & tricks"),
        comments=(make_comment("501", "Hello."),),
        published=datetime(2023, 1, 5, 12, tzinfo=UTC),
    )
    links = [
        f"{BLOG_URL}/search/label/long%20covid",
        f"{BLOG_URL}/search/label/Tips%20%26%20tricks?max-results=20",
        f"{BLOG_URL}/2023/01/first.html?m=1",
        "http://writer.blogspot.co.uk/2023/01/first.html",
        f"{BLOG_URL}/2023/01/first.html?showComment=1672920000000#c501",
        f"{BLOG_URL}/search/label/never-used",
        f"{BLOG_URL}/2023/01/first.html?showComment=1#c999",
    ]
    body = "".join(
        f'<p><a href="{html.escape(link)}">link {n}</a></p>' for n, link in enumerate(links)
    )
    second = make_post(
        "2", "Second", labels=("long covid",), body=body, published=datetime(2023, 2, 5, tzinfo=UTC)
    )
    return make_blog(first, second)


def test_links_to_the_old_blog_lead_to_the_new_posts_tags_and_comments(tmp_path):
    content = tmp_path / "content"
    _, printed = import_into(content, linking_blog(), "classic")
    body = (content / "posts" / "second.md").read_text(encoding="utf-8")
    assert "[link 0]({tag}long-covid)" in body
    assert "[link 1]({tag}tips-tricks)" in body
    assert "[link 2]({filename}/posts/first.md)" in body
    assert "[link 3]({filename}/posts/first.md)" in body
    assert "[link 4]({filename}/posts/first.md#comment-501)" in body
    assert f"[link 5]({BLOG_URL}/search/label/never-used)" in body
    assert "[link 6]({filename}/posts/first.md)" in body  # no such comment: to the post
    assert front_matter(content / "posts" / "second.md")["Tags"] == "Long Covid"
    assert front_matter(content / "posts" / "first.md")["Tags"] == "Long Covid, Tips & tricks"
    assert (
        "labels 'Long Covid' and 'long covid' differ only in case; all are written 'Long Covid'"
        in printed
    )


@pytest.mark.build
def test_label_redirects_are_percent_encoded_and_cover_the_lower_case_spelling(tmp_path):
    content = tmp_path / "content"
    import_into(content, linking_blog(), "takeout")
    settings = write_settings(tmp_path, content, publish=True, CHECK_LIVE_ADDRESSES=False)
    result = build(settings)
    assert result.returncode == 0, result.stderr
    output = tmp_path / "output"
    redirects = (output / "_redirects").read_text(encoding="utf-8").splitlines()
    site = "https://pathways.example.org"
    assert f"/search/label/Long%20Covid {site}/tags/long-covid/ 301" in redirects
    assert f"/search/label/long%20covid {site}/tags/long-covid/ 301" in redirects
    assert f"/search/label/Tips%20%26%20tricks {site}/tags/tips-tricks/ 301" in redirects
    assert f"/search/label/tips%20%26%20tricks {site}/tags/tips-tricks/ 301" in redirects
    nginx = (output / "nginx-redirects.map").read_text(encoding="utf-8")
    assert f'"/search/label/Tips & tricks" "{site}/tags/tips-tricks/";' in nginx
    assert (output / "search" / "label" / "long covid" / "index.html").is_file()
    second = soup(output / "posts" / "second" / "index.html")
    hrefs = [link["href"] for link in second.select(".post-body a")]
    assert hrefs[:5] == [
        f"{site}/tags/long-covid/",
        f"{site}/tags/tips-tricks/",
        f"{site}/posts/first/",
        f"{site}/posts/first/",
        f"{site}/posts/first/#comment-501",
    ]


def test_skipped_entries_are_named_and_odd_ones_warned_about(tmp_path):
    rtl_name = "Eve\u202egpj.exe\nsecond line"
    comments = (
        make_comment("501", "Buy now", status="spam", author="Spammer"),
        make_comment("502", "Awaiting", status="pending", author="Fay"),
        make_comment("503", blogger_corpus.REMOVED_BY_ADMIN, status="deleted", author="Gus"),
        make_comment("504", "Hi <script>alert(1)</script>", author=rtl_name),
    )
    blog = make_blog(
        make_post("1", "Kept", body="<p>Text<script>track()</script></p>", comments=comments),
        make_post("2", "Thrown away", status="trashed"),
    )
    _, printed = import_into(tmp_path / "content", blog, "takeout")
    assert "  trashed post /2023/05/thrown-away.html" in printed
    assert "  spam comment by 'Spammer' on 'Kept' (2023-05-19 08:00)" in printed
    assert "  pending comment by 'Fay' on 'Kept' (2023-05-19 08:00)" in printed
    assert "  deleted comment by 'Gus' on 'Kept' (2023-05-19 08:00)" in printed
    assert "post /2023/05/kept.html: a script in it was removed" in printed
    assert (
        "comment by 'Evegpj.exe second line' on 'Kept' (2023-05-19 08:00): the name held line "
        "breaks, control or text-direction characters; they were removed"
    ) in printed
    assert "comment by 'Evegpj.exe second line' on 'Kept' (2023-05-19 08:00): a script" in printed


def test_an_image_only_comment_shows_a_link_to_its_image_not_markdown(tmp_path):
    photo = "https://blogger.googleusercontent.com/img/a/flowers.png"
    comments = (
        make_comment("501", f'<img src="{photo}" alt="Flowers for you">'),
        make_comment("502", f'<img src="{photo}">'),
    )
    content = tmp_path / "content"
    import_into(content, make_blog(make_post("1", "Day", comments=comments)), "classic")
    for item_id, label in (("501", "Image: Flowers for you"), ("502", "Image")):
        path = content / "comments" / "day" / f"{item_id}.md"
        shown = render_body(
            parse_comment(path.read_text(), post_slug="day", comment_id=item_id).body
        )
        assert "![" not in shown
        assert f'<a href="{photo}" rel="nofollow ugc noopener">{label}</a>' in shown


@pytest.fixture
def image_host():
    host = ImageHost(blogger_corpus.image_bytes)
    yield host
    host.close()


@pytest.mark.server
@pytest.mark.parametrize("first_run", ["--no-images", "failed downloads"])
def test_photos_downloaded_after_a_run_without_them_are_linked_without_a_word(
    tmp_path, image_host, monkeypatch, first_run
):
    monkeypatch.setenv("PATHWAYS_BLOGGER_IMAGE_ORIGIN", image_host.origin)
    photo = "https://blogger.googleusercontent.com/img/b/s1600/lake.jpg"
    bodies = [
        f'<p><img src="{photo}"></p>',
        f'<p><img src="{photo.replace("lake", "hill")}" alt="A hill" title="Our walk"></p>',
    ]
    posts = [
        make_post(
            str(n),
            f"Walk {n}",
            body=body,
            published=datetime(2023, 1, 1, tzinfo=UTC) + timedelta(days=n),
        )
        for n, body in enumerate(bodies, 1)
    ]
    content = tmp_path / "content"
    if first_run == "failed downloads":  # Blogger's originals (`s0`) answer 404
        original = photo.replace("/s1600/", "/s0/")
        image_host.missing.update(original.replace("lake", name) for name in ("lake", "hill"))
    _, first = import_into(
        content, make_blog(*posts), "takeout", download_images=first_run != "--no-images"
    )
    assert "Photos downloaded" not in first
    image_host.missing.clear()
    report, printed = import_into(content, make_blog(*posts), "takeout", download_images=True)
    assert "Changed on Blogger" not in printed
    assert report.updated["posts"] == 2
    for n in (1, 2):
        assert "{static}/images/" in (content / "posts" / f"walk-{n}.md").read_text()
    _, again = import_into(content, make_blog(*posts), "takeout", download_images=True)
    assert "Wrote: nothing." in again and "Updated" not in again
