"""Any Blogger blog, drawn from the export's grammar (see `tests/blogger_generated.py`), in
both formats: the import needs no hand edit before the site builds and passes its checks;
each live comment of a live post is shown once, under its parent; nothing trashed, spam,
awaiting moderation, removed, draft or still scheduled is anywhere on the site; both
formats give the same Markdown but for what only one carries (the search description);
importing again changes nothing; every old address leads to a page of the site.

`PATHWAYS_HYPOTHESIS_PROFILE=thorough` draws many more blogs, and runs the HTML checker too.
"""

import os
import tempfile
from pathlib import Path
from urllib.parse import quote

import pytest
from bs4 import BeautifulSoup
from hypothesis import given

from pathways.blogger.html_to_markdown import inert
from pathways.comments.model import clean_line
from tests.blogger_generated import blogs, import_into, markdown_files, token
from tests.sites import build, run_pathways, write_settings

SITE = "https://pathways.example.org"
SHOWN_FILES = (".html", ".xml", ".txt", ".json", ".js")
THOROUGH = os.environ.get("PATHWAYS_HYPOTHESIS_PROFILE") == "thorough"


def same_but_search_descriptions(classic: dict, takeout: dict, descriptions: set[str]) -> None:
    assert sorted(classic) == sorted(takeout)
    for name, data in classic.items():
        if data == takeout[name]:
            continue
        other = takeout[name].decode().splitlines()
        summary = next(line for line in other if line.startswith("Summary: "))
        assert summary.removeprefix("Summary: ") in descriptions, name
        assert [
            line for line in data.decode().splitlines() if not line.startswith("Summary: ")
        ] == [line for line in other if not line.startswith("Summary: ")], name


def page_of(content: Path, output: Path, item) -> Path:
    """The built page of a live post or page, found by the word only it holds."""
    folder = "posts" if item.kind == "post" else "pages"
    for path in (content / folder).glob("*.md"):
        if token(item.id) in path.read_text(encoding="utf-8"):
            slug = path.stem
            return output / ("posts" if item.kind == "post" else "") / slug / "index.html"
    raise AssertionError(f"no Markdown file holds {item.kind} {item.id}")


def shown_text(output: Path) -> str:
    return "\n".join(
        path.read_text(encoding="utf-8", errors="replace")
        for path in output.rglob("*")
        if path.suffix in SHOWN_FILES
    )


def expected_parent(post, comment) -> str | None:
    parents = {other.id: other for other in post.comments}
    parent = parents.get(comment.parent)
    return f"comment-{parent.id}" if parent is not None and parent.status == "live" else None


@pytest.mark.build
@given(blog=blogs())
def test_any_blog_imports_builds_and_shows_each_entry_where_it_belongs(blog):
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        for fmt in ("classic", "takeout"):
            import_into(root / fmt / "content", blog, fmt)
        content = root / "takeout" / "content"
        before = markdown_files(content)
        descriptions = {
            inert(clean_line(post.meta_description)) for post in blog.posts if post.meta_description
        }
        same_but_search_descriptions(
            markdown_files(root / "classic" / "content"), before, descriptions
        )

        again, _ = import_into(content, blog, "takeout")
        assert not again.written and not again.updated and not again.outdated
        assert markdown_files(content) == before

        settings = write_settings(
            root / "takeout", content, publish=True, CHECK_LIVE_ADDRESSES=False
        )
        built = build(settings)
        assert built.returncode == 0, built.stderr
        check = run_pathways(
            "check", "--settings", str(settings), *([] if THOROUGH else ["--skip-html"])
        )
        assert check.returncode == 0, check.stderr
        output = root / "takeout" / "output"

        everything = shown_text(output)
        hidden = []
        for item in blog.posts:
            live = item.status == "live"
            if not live:
                hidden.append(token(item.id))
            for comment in item.comments:
                if not live or comment.status != "live":
                    hidden.append(token(comment.id))
            if not live:
                continue
            page = BeautifulSoup(page_of(content, output, item).read_text(encoding="utf-8"), "lxml")
            assert token(item.id) in page.select_one(".post-body").get_text()
            for comment in item.comments:
                found = page.select(f"#comment-{comment.id}")
                if comment.status != "live":
                    assert found == []
                    continue
                assert len(found) == 1, comment.id
                assert token(comment.id) in found[0].select_one(".comment-body").get_text(" ")
                parent = found[0].find_parent("li", class_="comment")
                assert (parent["id"] if parent else None) == expected_parent(item, comment)
        assert [word for word in hidden if word in everything] == []

        redirects = dict(
            line.split(" ")[:2] for line in (output / "_redirects").read_text().splitlines() if line
        )
        for item in blog.posts:
            if item.status == "live" and item.path:
                assert quote(item.path) in redirects, item.path
        for old, target in redirects.items():
            if target.startswith(SITE):
                path = target.removeprefix(SITE).split("#")[0].lstrip("/")
                assert (output / path / "index.html").is_file() or (output / path).is_file(), old
