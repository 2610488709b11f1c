"""Moderating from the command line: list, approve (writes the comment file), reject, delete."""

import pytest

from pathways.comments.model import make_comment
from pathways.comments.store import CommentStore
from tests.sites import build, post, run_pathways, soup, text, write_post, write_settings

# Seconds each (the command line in a process of its own, or many inputs): left out of
# `make test-fast`.
pytestmark = pytest.mark.slow


@pytest.fixture
def site(tmp_path):
    content = tmp_path / "content"
    write_post(content, "talk.md", post("Talk", "2024-01-02 10:00+00:00"))
    settings = write_settings(tmp_path, content)
    store = CommentStore(tmp_path / "moderation.sqlite3")
    for comment_id, author, body, parent in [
        ("c1", "Ana", "First **comment**.", None),
        ("c2", "Bo", "A reply.", "c1"),
        ("c3", "Cy", "Rude words.", None),
    ]:
        comment = make_comment(
            post_slug="talk", author=author, body=body, parent=parent, comment_id=comment_id
        )
        store.add(comment, client="test")
    return tmp_path, content, settings, store


def moderate(site, *args):
    folder, _, settings, _ = site
    database = {"PATHWAYS_COMMENTS_DB": str(folder / "moderation.sqlite3")}
    return run_pathways("comments", "--settings", str(settings), *args, env=database)


def test_list_shows_pending_comments_with_post_author_and_text(site):
    result = moderate(site, "list")
    assert result.returncode == 0
    assert "c1  [pending]  talk" in result.stdout
    assert "Ana" in result.stdout and "First **comment**." in result.stdout
    assert "c2  [pending]  talk (reply to c1)" in result.stdout


@pytest.mark.build
def test_approve_writes_comment_files_and_the_rebuild_shows_the_thread(site):
    folder, content, settings, store = site
    result = moderate(site, "approve", "c1", "c2")
    assert result.returncode == 0, result.stderr
    written = content / "comments" / "talk" / "c1.md"
    assert written.read_text().startswith("Author: Ana\nDate: ")
    assert "Reply-To: c1" in (content / "comments" / "talk" / "c2.md").read_text()
    assert [item.comment.id for item in store.list("approved")] == ["c1", "c2"]

    assert build(settings).returncode == 0
    page = soup(folder / "output" / "posts" / "talk" / "index.html")
    assert text(page.select_one("#comment-c1 .comment-body")) == "First comment."
    assert page.select_one("#comment-c1 strong")
    assert text(page.select_one("#comment-c1 #comment-c2 .comment-author")) == "Bo"


def test_approve_never_overwrites_an_existing_file(site):
    _, content, _, _ = site
    existing = content / "comments" / "talk" / "c1.md"
    existing.parent.mkdir(parents=True)
    existing.write_text("Author: Edited\nDate: 2024-01-01T00:00:00+00:00\n\nMy edit.\n")
    result = moderate(site, "approve", "c1")
    assert result.returncode == 1
    assert "exists and differs; your file is kept, not overwritten" in result.stderr
    assert "My edit." in existing.read_text()


def test_reject_and_delete(site):
    _, content, _, store = site
    assert moderate(site, "reject", "c3").returncode == 0
    assert store.get("c3").status == "rejected"
    assert not (content / "comments" / "talk" / "c3.md").exists()
    assert moderate(site, "delete", "c3").returncode == 0
    assert store.get("c3") is None
    missing = moderate(site, "reject", "nope")
    assert missing.returncode == 1 and "no such comment" in missing.stderr


def test_the_writer_sees_the_commenters_e_mail_and_answers_at_once(site):
    _, content, _, store = site
    comment = make_comment(post_slug="talk", author="Di", body="Question?", comment_id="c4")
    store.add(comment, client="test", email="di@example.org")
    listed = moderate(site, "list")
    assert "Di <di@example.org>" in listed.stdout
    answered = moderate(site, "reply", "c4", "An answer.")
    assert answered.returncode == 0, answered.stderr
    [answer] = [s for s in store.list("approved") if s.comment.parent == "c4"]
    assert answer.comment.role == "author" and answer.comment.author == "Pathways"
    written = (content / "comments" / "talk" / f"{answer.comment.id}.md").read_text()
    assert "Role: author" in written and "Reply-To: c4" in written
    assert (content / "comments" / "talk" / "c4.md").exists()
    assert store.get("c4").status == "approved"
