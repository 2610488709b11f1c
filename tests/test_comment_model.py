"""The comment model: parsing files, checking fields, safe paths and sanitised bodies."""

from datetime import UTC, datetime

import pytest
from bs4 import BeautifulSoup

from pathways.comments.model import (
    CommentError,
    comment_path,
    format_comment,
    make_comment,
    parse_comment,
    render_body,
    write_comment_file,
)

XSS_BODIES = [
    "<script>alert(1)</script>",
    '<img src=x onerror="alert(1)">',
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[data](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "![pic](javascript:alert(1))",
    '<a href="javascript:alert(1)" onclick="alert(1)">x</a>',
    "<iframe src=https://evil.example></iframe>",
    '<svg onload="alert(1)"><circle/></svg>',
    "<style>body{display:none}</style>",
    '[x](https://ok.example "title" onmouseover="alert(1)")',
    "<p onmouseover=alert(1)>hover</p>",
]


@pytest.mark.parametrize("body", XSS_BODIES)
def test_hostile_markdown_renders_inert(body):
    html = render_body(body)
    page = BeautifulSoup(html, "html.parser")
    for element in page.find_all(True):
        assert element.name in {"p", "a", "em", "strong", "code", "pre", "br", "ul", "li"}
        for name, value in element.attrs.items():
            assert not name.startswith("on"), html
            if name == "href":
                assert value.startswith(("http://", "https://", "mailto:")), html
    assert "<script" not in html and "<img" not in html and "<iframe" not in html


def test_raw_html_is_shown_as_text_not_markup():
    html = render_body("I <3 this <b>so</b> much")
    assert "&lt;b&gt;so&lt;/b&gt;" in html


def test_allowed_markdown_survives_with_safe_links():
    html = render_body(
        "*Thank you* for **this**.\n\n> quoted\n\n- one\n- two\n\n`code` and "
        "[a link](https://example.org/)"
    )
    page = BeautifulSoup(html, "html.parser")
    assert page.em and page.strong and page.blockquote and len(page.find_all("li")) == 2
    assert page.code.get_text() == "code"
    assert page.a["href"] == "https://example.org/"
    assert page.a["rel"] == ["nofollow", "ugc", "noopener"]


def test_comment_file_round_trip():
    comment = make_comment(
        post_slug="ketamine",
        author="Ana",
        body="Hello\n\nSecond paragraph",
        date=datetime(2024, 3, 4, 10, 22, tzinfo=UTC),
        parent="20240301T090000-aaaaaa",
        website="https://ana.example/",
        comment_id="20240304T102200-abcdef",
    )
    text = format_comment(comment)
    assert text.startswith("Author: Ana\nDate: 2024-03-04T10:22:00+00:00\nReply-To: ")
    again = parse_comment(text, post_slug="ketamine", comment_id=comment.id)
    assert (again.author, again.date, again.body, again.parent, again.website) == (
        comment.author,
        comment.date,
        comment.body,
        comment.parent,
        comment.website,
    )


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("Date: 2024-01-01T00:00:00+00:00\n\nBody", "Author"),
        ("Author: A\n\nBody", "Date"),
        ("Author: A\nDate: yesterday\n\nBody", "Date"),
        ("Author: A\nDate: 2024-01-01T00:00:00+00:00\n\n   ", "Comment"),
        ("Author: A\nDate: 2024-01-01T00:00:00+00:00\nReply-To: ../../x\n\nBody", "Reply-To"),
        ("Author: A\nDate: 2024-01-01T00:00:00+00:00\nWebsite: javascript:x\n\nB", "Website"),
        ("Author: A\nColour: red\n\nBody", "Colour"),
    ],
)
def test_broken_comment_files_name_the_field(text, problem):
    with pytest.raises(CommentError, match=problem):
        parse_comment(text, post_slug="p", comment_id="c1")


def test_author_and_website_are_single_clean_lines():
    comment = make_comment(
        post_slug="p", author="  Ana\n\u202eEvil\x00  ", body="x", website=" https://a.example "
    )
    assert comment.author == "Ana Evil"
    assert comment.website == "https://a.example"


@pytest.mark.parametrize(
    ("slug", "comment_id"),
    [("../etc", "x"), ("p", "../../passwd"), ("p/../../x", "y"), ("", "x"), ("p", ".hidden")],
)
def test_paths_from_input_stay_inside_the_comments_folder(tmp_path, slug, comment_id):
    with pytest.raises(CommentError):
        comment_path(tmp_path, slug, comment_id)


def test_writing_a_comment_file_never_overwrites(tmp_path):
    comment = make_comment(post_slug="p", author="A", body="first", comment_id="c1")
    path = write_comment_file(tmp_path, comment)
    assert path == tmp_path / "p" / "c1.md"
    comment.body = "second"
    with pytest.raises(FileExistsError):
        write_comment_file(tmp_path, comment)
    assert "first" in path.read_text()
    assert [p.name for p in path.parent.iterdir()] == ["c1.md"]


def test_a_body_full_of_brackets_is_rendered_without_links():
    """Markdown's link patterns take time growing with the square of the "[" in a paragraph:
    past a bound, links are left as text."""
    html = render_body("[a link](https://x.example/) " + "[" * 100)
    assert "<a" not in html and "[a link](https://x.example/)" in html
    assert "<a" in render_body("[a link](https://x.example/) [and] [more]")


def test_comment_files_get_whole_seconds():
    comment = make_comment(post_slug="talk", author="Ana", body="Hi.")
    assert comment.date.microsecond == 0
    moment = datetime(2026, 11, 26, 1, 29, 39, 95311, tzinfo=UTC)
    dated = make_comment(post_slug="talk", author="Ana", body="Hi.", date=moment)
    assert "Date: 2026-11-26T01:29:39+00:00\n" in format_comment(dated)


def test_the_writers_replies_say_so_in_their_file():
    answer = make_comment(post_slug="talk", author="Me", body="Thanks!", parent="c1", role="author")
    text = format_comment(answer)
    assert "Role: author" in text
    assert parse_comment(text, post_slug="talk", comment_id="r1").role == "author"
    with pytest.raises(CommentError, match="Role"):
        parse_comment(text.replace("author\n", "admin\n"), post_slug="talk", comment_id="r1")
