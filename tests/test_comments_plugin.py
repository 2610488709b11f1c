"""Comment threads in the built site: order, nesting, anchors, counts, safety and bad files."""

import textwrap
from pathlib import Path

import pytest

from tests.sites import build, post, soup, text, write_post, write_settings


def write_comment(content: Path, slug: str, comment_id: str, text_of_file: str) -> Path:
    path = content / "comments" / slug / f"{comment_id}.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text_of_file).lstrip(), encoding="utf-8")
    return path


def comment(author: str, date: str, body: str, reply_to: str = "", website: str = "") -> str:
    lines = [f"Author: {author}", f"Date: {date}"]
    if reply_to:
        lines.append(f"Reply-To: {reply_to}")
    if website:
        lines.append(f"Website: {website}")
    return "\n".join(lines) + "\n\n" + body + "\n"


@pytest.fixture
def content(tmp_path: Path) -> Path:
    folder = tmp_path / "content"
    write_post(folder, "talk.md", post("Talk", "2024-01-02 10:00+00:00", body="Talk to me."))
    write_post(folder, "quiet.md", post("Quiet", "2024-01-03 10:00+00:00", comments="closed"))
    c = "2024-01-0{}T1{}:00:00+00:00"
    write_comment(folder, "talk", "b", comment("Bea", c.format(5, 0), "Second top-level."))
    write_comment(folder, "talk", "a", comment("Ann", c.format(4, 0), "First top-level."))
    write_comment(folder, "talk", "a1", comment("Cy", c.format(4, 2), "Reply to Ann.", "a"))
    write_comment(folder, "talk", "a2", comment("Di", c.format(4, 3), "Reply to Cy.", "a1"))
    write_comment(folder, "talk", "a3", comment("Ed", c.format(4, 4), "Reply to Di.", "a2"))
    write_comment(
        folder,
        "talk",
        "a0",
        comment("Fay", c.format(4, 1), "Earlier reply.", "a", "https://fay.example/"),
    )
    write_comment(folder, "quiet", "q", comment("Gus", c.format(6, 0), "Before closing."))
    return folder


def built(tmp_path: Path, content: Path, **settings) -> Path:
    result = build(write_settings(tmp_path, content, **settings))
    assert result.returncode == 0, result.stderr
    return tmp_path / "output"


def thread_shape(element) -> list:
    """[(author, [replies…]), …] for a rendered comment list."""
    return [
        (
            text(item.select_one(".comment-author")),
            thread_shape(item.select_one(":scope > .comment-list"))
            if item.select_one(":scope > .comment-list")
            else [],
        )
        for item in element.select(":scope > li.comment")
    ]


@pytest.mark.build
def test_comments_show_as_threads_oldest_first_with_flattened_depth(tmp_path, content):
    page = soup(built(tmp_path, content, COMMENTS_MAX_DEPTH=2) / "posts" / "talk" / "index.html")
    thread = page.select_one("#comments > .comment-list")
    assert thread_shape(thread) == [
        ("Ann", [("Fay", []), ("Cy", [("Di", []), ("Ed", [])])]),
        ("Bea", []),
    ]
    flattened = page.select_one("#comment-a3")
    assert "replying to Di" in text(flattened.select_one(".comment-context"))
    assert flattened.select_one(".comment-context a")["href"] == "#comment-a2"
    assert text(page.select_one("#comments-title")) == "Comments (6)"


@pytest.mark.build
def test_each_comment_has_anchor_author_link_date_and_body(tmp_path, content):
    page = soup(built(tmp_path, content) / "posts" / "talk" / "index.html")
    fay = page.select_one("li#comment-a0")
    link = fay.select_one(".comment-author a")
    assert link["href"] == "https://fay.example/" and link["rel"] == ["nofollow", "ugc", "noopener"]
    assert fay.select_one(".comment-date")["href"] == "#comment-a0"
    # 11:00 UTC, shown in the blog's time zone (America/New_York in pelicanconf.py)
    assert fay.select_one("time")["datetime"] == "2024-01-04T06:00:00-05:00"
    assert text(fay.select_one(".comment-body")) == "Earlier reply."


@pytest.mark.build
def test_reply_links_and_form_use_the_comment_service(tmp_path, content):
    endpoint = "https://comments.example.org"
    page = soup(
        built(tmp_path, content, COMMENTS_ENDPOINT=endpoint) / "posts" / "talk" / "index.html"
    )
    reply = page.select_one("#comment-a1 .reply-link")
    assert reply["href"] == f"{endpoint}/form?post=talk&parent=a1"
    assert reply["data-reply-to"] == "a1"
    form = page.select_one("form.comment-form")
    assert form["method"] == "post" and form["action"] == f"{endpoint}/comments"
    assert form.select_one("input[name=post]")["value"] == "talk"
    assert {field["name"] for field in form.select("input, textarea")} >= {
        "author",
        "email",
        "website",
        "body",
        "parent",
        "homepage",
    }
    assert page.select_one("script[src$='comments.js']")


@pytest.mark.build
def test_without_a_service_post_a_comment_is_a_mailto_link(tmp_path, content):
    output = built(tmp_path, content, COMMENTS_EMAIL="writer@example.org")
    area = soup(output / "posts" / "talk" / "index.html").select_one("#post-a-comment")
    link = area.select_one("a[href^='mailto:']")
    assert link["href"].startswith("mailto:writer@example.org?subject=Comment%20on%3A%20Talk")
    assert not area.select("form")


@pytest.mark.build
def test_closed_post_keeps_its_thread_but_has_no_form(tmp_path, content):
    output = built(tmp_path, content, COMMENTS_ENDPOINT="https://c.example")
    page = soup(output / "posts" / "quiet" / "index.html")
    assert thread_shape(page.select_one("#comments > .comment-list")) == [("Gus", [])]
    assert "Comments are closed" in text(page.select_one("#post-a-comment"))
    assert not page.select("form.comment-form") and not page.select(".reply-link")


@pytest.mark.build
def test_counts_show_on_the_home_page(tmp_path, content):
    page = soup(built(tmp_path, content) / "index.html")
    counts = {text(a) for a in page.select(".comment-count a")}
    assert counts == {"6 comments", "1 comment"}
    assert "Readers have left 7 comments here." in text(page.select_one(".sidebar"))


@pytest.mark.build
def test_hostile_comment_files_render_inert(tmp_path, content):
    write_comment(
        content,
        "talk",
        "evil",
        comment(
            '<script>alert("a")</script>',
            "2024-01-07T10:00:00+00:00",
            '<img src=x onerror=alert(1)> [x](javascript:alert(1)) <a href="#" onclick="y()">z</a>',
            website='https://x.example/"><script>alert(1)</script>',
        ),
    )
    page = soup(built(tmp_path, content) / "posts" / "talk" / "index.html")
    evil = page.select_one("#comment-evil")
    assert text(evil.select_one(".comment-author")) == '<script>alert("a")</script>'
    assert not evil.select("script, img, iframe")
    for element in page.find_all(True):
        assert not any(name.startswith("on") for name in element.attrs), element
        assert not element.get("href", "").lower().startswith("javascript:"), element
    scripts = [
        s.get("src") for s in page.find_all("script") if s.get("type") != "application/ld+json"
    ]
    assert scripts == ["/theme/js/theme.js"]


@pytest.mark.build
def test_problem_files_are_reported_and_left_out(tmp_path, content):
    write_comment(
        content, "talk", "orphan", comment("Ho", "2024-01-08T10:00:00+00:00", "?", "nope")
    )
    write_comment(content, "talk", "nodate", "Author: Ivy\n\nNo date here.\n")
    duplicate = content / "comments" / "talk" / "b.markdown"
    duplicate.write_text(comment("Jo", "2024-01-08T11:00:00+00:00", "Same id."))
    write_comment(content, "ghost", "g", comment("Kim", "2024-01-08T12:00:00+00:00", "Lost."))
    result = build(write_settings(tmp_path, content))
    assert result.returncode == 0, result.stderr
    log = " ".join(result.stderr.split())
    assert "orphan.md: Reply-To 'nope' is not a comment on this post" in log
    assert "nodate.md: Date: required" in log
    assert "b.markdown: duplicate comment id 'b'" in log
    assert "ghost: no post has the slug 'ghost'" in log
    page = soup(tmp_path / "output" / "posts" / "talk" / "index.html")
    authors = {text(a) for a in page.select(".comment-author")}
    assert not authors & {"Ho", "Ivy", "Kim", "Jo"}
    assert text(page.select_one("#comments-title")) == "Comments (6)"


@pytest.mark.build
def test_strict_mode_fails_the_build_on_a_problem_file(tmp_path, content):
    write_comment(
        content, "talk", "orphan", comment("Ho", "2024-01-08T10:00:00+00:00", "?", "nope")
    )
    result = build(write_settings(tmp_path, content, COMMENTS_STRICT=True))
    assert result.returncode != 0
    assert "orphan.md" in " ".join(result.stderr.split())


@pytest.mark.build
def test_zero_configuration_and_no_comments_folder(tmp_path):
    content = tmp_path / "content"
    write_post(content, "alone.md", post("Alone"))
    page = soup(built(tmp_path, content) / "posts" / "alone" / "index.html")
    assert text(page.select_one("#comments")).startswith("Comments No comments yet.")


@pytest.mark.build
def test_comment_times_are_valid_and_in_the_blogs_time_zone(tmp_path, content):
    """Guards against `<time datetime>` with microseconds (the HTML checker refuses it), and
    comment times in UTC beside post dates in the blog's zone."""
    write_comment(
        content, "talk", "late", comment("Hu", "2026-11-26T01:29:39.095311+00:00", "Late.")
    )
    page = soup(
        built(tmp_path, content, TIMEZONE="America/New_York") / "posts" / "talk" / "index.html"
    )
    time = page.select_one("#comment-late time")
    assert time["datetime"] == "2026-11-25T20:29:39-05:00"
    assert text(time) == "November 25, 2026 at 20:29"


@pytest.mark.build
def test_the_writers_answers_are_marked_as_hers(tmp_path, content):
    write_comment(
        content,
        "talk",
        "mine",
        "Author: Pathways\nDate: 2024-01-07T10:00:00+00:00\nReply-To: b\nRole: author\n\n"
        "Thank you.\n",
    )
    page = soup(built(tmp_path, content) / "posts" / "talk" / "index.html")
    assert text(page.select_one("#comment-mine .comment-role")) == "Author"
    assert not page.select_one("#comment-b > article .comment-role")


@pytest.mark.build
def test_drafts_say_comments_open_on_publication(tmp_path, content):
    write_post(content, "soon.md", post("Soon", "2024-02-01 10:00+00:00", status="draft"))
    output = built(tmp_path, content, COMMENTS_ENDPOINT="https://c.example")
    [draft] = list(output.rglob("soon*.html")) or list((output / "drafts").rglob("*.html"))
    page = soup(draft)
    area = page.select_one("#post-a-comment")
    assert "Comments open when the post is published." in text(area)
    assert not area.select("form")


@pytest.mark.build
def test_the_forms_limits_are_the_models(tmp_path, content):
    from pathways.comments.model import FIELD_LIMITS

    page = soup(
        built(tmp_path, content, COMMENTS_ENDPOINT="https://c.example")
        / "posts"
        / "talk"
        / "index.html"
    )
    form = page.select_one("form[data-comment-form]")
    limits = {name: int(form.select_one(f"[name={name}]")["maxlength"]) for name in FIELD_LIMITS}
    assert limits == FIELD_LIMITS


@pytest.mark.build
def test_a_service_on_the_sites_own_domain_passes_the_link_check(tmp_path, content):
    """The README's set-up: COMMENTS_ENDPOINT under SITEURL; the no-JS Reply links to
    `/api/form?…` are the service's, not missing files."""
    from pathways.site.build import load_settings
    from pathways.site.checks import check_site

    settings = write_settings(
        tmp_path,
        content,
        publish=True,
        SITEURL="https://blog.example.org",
        COMMENTS_ENDPOINT="https://blog.example.org/api",
        SEARCH_INDEX=False,
    )
    assert build(settings).returncode == 0
    output = tmp_path / "output"
    page = soup(output / "posts" / "talk" / "index.html")
    assert page.select_one(".reply-link")["href"].startswith("https://blog.example.org/api/form?")
    problems = [str(p) for p in check_site(output, load_settings(settings), None)]
    assert not [p for p in problems if "/api/" in p], problems


@pytest.mark.build
def test_rebuilds_read_comments_from_the_cache_and_keep_it_up_to_date(tmp_path, content):
    cache = tmp_path / "cache"
    settings = write_settings(tmp_path, content, CACHE_PATH=str(cache))
    assert build(settings).returncode == 0
    (kept,) = cache.rglob("comments.pickle")
    written = kept.stat().st_mtime_ns
    assert build(settings).returncode == 0
    assert kept.stat().st_mtime_ns == written  # nothing changed: not written again

    write_comment(content, "talk", "c", comment("Hal", "2024-01-07T10:00:00+00:00", "New one."))
    (content / "comments" / "talk" / "b.md").unlink()
    page = built(tmp_path, content, CACHE_PATH=str(cache)) / "posts" / "talk" / "index.html"
    authors = [text(author) for author in soup(page).select(".comment-author")]
    assert "Hal" in authors and "Bea" not in authors
    assert kept.stat().st_mtime_ns != written
    assert build(settings).returncode == 0
    page = tmp_path / "output" / "posts" / "talk" / "index.html"
    assert [text(author) for author in soup(page).select(".comment-author")] == authors
