"""`pathways subscribers`: FeedBurner's and Mailchimp's exports read, the writer's commands
through the service's token API, and a post's e-mail previewed and sent to the writer."""

import csv
import json

import pytest

from pathways.follow.csvimport import ImportFileError, read_export
from tests.follow_helpers import make_blog
from tests.servers import mail_server, serve_folder
from tests.sites import run_pathways

FEEDBURNER = """Email,Subscribed Date,Status
ana@example.org,2019-03-04 10:22:00,Active
bob@example.org,2019-05-01 08:00:00,Unverified
"Eve <eve@example.org>",2019-06-01 08:00:00,Active
CAROL@Example.ORG,2020-01-02 09:00:00,Active
"""
MAILCHIMP = (
    '"Email Address","First Name","Last Name","MEMBER_RATING","OPTIN_TIME","OPTIN_IP",'
    '"CONFIRM_TIME","CONFIRM_IP","LATITUDE","LONGITUDE"\n'
    '"dan@example.net","Dan","","2","2021-02-03 10:00:00","198.51.100.7",'
    '"2021-02-03 10:05:00","198.51.100.7","",""\n'
    '"erin@example.net","Erin","","2","2021-03-03 10:00:00","","2021-03-03 10:06:00","","",""\n'
)


def test_a_feedburner_export_gives_its_active_subscribers_and_names_bad_rows(tmp_path):
    path = tmp_path / "FeedBurner.csv"
    path.write_text(FEEDBURNER, encoding="utf-8")
    export = read_export(path)
    assert export.subscribers == [
        ("ana@example.org", "2019-03-04T10:22:00"),
        ("CAROL@example.org", "2020-01-02T09:00:00"),
    ]
    assert export.unconfirmed == 1
    [problem] = export.problems
    assert problem.startswith(f"{path}:4: Email:")


def test_a_mailchimp_export_keeps_the_address_and_the_confirmation_date_only(tmp_path):
    path = tmp_path / "subscribed_members_export.csv"
    path.write_text(MAILCHIMP, encoding="utf-8-sig")
    export = read_export(path)
    assert export.subscribers == [
        ("dan@example.net", "2021-02-03T10:05:00"),
        ("erin@example.net", "2021-03-03T10:06:00"),
    ]
    assert export.problems == [] and export.unconfirmed == 0


@pytest.mark.parametrize(
    ("text", "why"),
    [("", "the file is empty"), ("Name,Date\nAna,2020-01-01\n", "no e-mail column")],
)
def test_a_file_that_is_no_export_is_named_with_the_reason(tmp_path, text, why):
    path = tmp_path / "list.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ImportFileError, match=why) as error:
        read_export(path)
    assert str(path) in str(error.value)


@pytest.mark.build
@pytest.mark.server
def test_the_writer_imports_lists_exports_removes_previews_and_tests(tmp_path):
    (tmp_path / "output").mkdir()
    site_url, static = serve_folder(tmp_path / "output")
    with mail_server() as mailbox:
        blog = make_blog(tmp_path, site_url, mailbox.port)
        blog.publish("draft.md", "A draft to check", status="draft")
        blog.publish("private.md", "Private", email="no")
        blog.publish(
            "walk.md",
            "A walk",
            summary="A *short* walk.",
            body="![The lake at dusk](https://photos.example.org/lake.jpg)\n\n"
            '<script>alert(1)</script><iframe src="https://ads.example"></iframe>Home again.',
        )
        index = json.loads((blog.output / "follow" / "posts.json").read_text())
        sent = {" ".join(post["title"].split()): post["email"] for post in index["posts"]}
        assert sent == {"Before": True, "A draft to check": True, "Private": False, "A walk": True}
        [walk] = [post for post in index["posts"] if post["id"] == "posts/walk.md"]
        assert walk["photo"] == "https://photos.example.org/lake.jpg"
        assert walk["html"] == "<p>A <em>short</em>&nbsp;walk.</p>"  # typography kept
        assert [post["id"] for post in index["posts"] if post["draft"]] == ["posts/draft.md"]
        service = blog.start_service(tmp_path / "service.log")
        try:
            feedburner = tmp_path / "FeedBurner.csv"
            feedburner.write_text(FEEDBURNER, encoding="utf-8")
            result = blog.pathways("subscribers", "import", str(feedburner))
            assert result.returncode == 1  # a row was refused, and named
            assert "2 subscriber(s) added" in result.stdout
            assert (
                "1 not confirmed" in result.stdout and "FeedBurner.csv:4: Email:" in result.stderr
            )

            listing = blog.pathways("subscribers", "list")
            assert "ana@example.org  [confirmed]" in listing.stdout
            assert "2 subscriber(s)." in listing.stdout
            assert "Confirmed per month: 2019-03: 1, 2020-01: 1." in listing.stdout

            exported = tmp_path / "followers.csv"
            assert blog.pathways("subscribers", "export", "--output", str(exported)).returncode == 0
            with exported.open(encoding="utf-8") as stream:
                rows = list(csv.DictReader(stream))
            assert [row["Email"] for row in rows] == ["ana@example.org", "CAROL@example.org"]
            assert rows[0]["Confirmed"] == "2019-03-04T10:22:00"

            removed = blog.pathways("subscribers", "remove", "ana@example.org", "zed@example.org")
            assert removed.returncode == 1
            assert "ana@example.org: removed" in removed.stdout
            assert "zed@example.org: not a subscriber" in removed.stdout
            assert "ana@example.org" not in blog.pathways("subscribers", "list").stdout

            preview = blog.pathways("subscribers", "preview", "draft")
            assert preview.returncode == 0, preview.stderr
            assert "Subject: A draft to check" in preview.stdout
            assert "About A draft to check." in " ".join(preview.stdout.split())

            full = blog.pathways("subscribers", "preview", "walk")
            assert "Photo: https://photos.example.org/lake.jpg" in full.stdout
            assert "A *short* walk." in " ".join(full.stdout.split())
            assert "script" not in full.stdout and "ads.example" not in full.stdout

            sent = blog.pathways("subscribers", "test", "draft")
            assert sent.returncode == 0, sent.stderr
            assert "sent to writer@example.org" in sent.stdout
            test = mailbox.wait(1)
            assert test["To"] == "writer@example.org"
            assert test["Subject"] == "[Test] A draft to check"
            assert blog.pathways("subscribers", "preview", "nothing").returncode == 1
        finally:
            service.terminate()
            service.wait(timeout=10)
            static.shutdown()


@pytest.mark.build
@pytest.mark.server
def test_a_wrong_token_is_refused_clearly(tmp_path):
    (tmp_path / "output").mkdir()
    site_url, static = serve_folder(tmp_path / "output")
    with mail_server() as mailbox:
        blog = make_blog(tmp_path, site_url, mailbox.port)
        service = blog.start_service(tmp_path / "service.log")
        try:
            result = blog.pathways("subscribers", "list")
            assert result.returncode == 0
            wrong = run_pathways(
                "subscribers",
                "--settings",
                str(blog.settings),
                "list",
                env={"PATHWAYS_MODERATION_TOKEN": "wrong"},
            )
            assert wrong.returncode == 1
            assert "refused the moderation token" in wrong.stderr
        finally:
            service.terminate()
            service.wait(timeout=10)
            static.shutdown()


@pytest.mark.build
def test_a_whole_post_in_the_email_has_its_photos_as_links_and_nothing_that_runs(tmp_path):
    blog = make_blog(tmp_path, "http://127.0.0.1:9", 25, FOLLOW_CONTENT="full")
    blog.publish(
        "walk.md",
        "A walk",
        body="![The lake at dusk](https://photos.example.org/lake.jpg)\n\n"
        '<script>alert(1)</script><iframe src="https://ads.example"></iframe>\n\n'
        "Home *again*, [tired](/posts/before/).",
    )
    index = json.loads((blog.output / "follow" / "posts.json").read_text())
    [walk] = [post for post in index["posts"] if post["id"] == "posts/walk.md"]
    assert walk["full"] is True
    assert (
        '<a href="https://photos.example.org/lake.jpg">Photo: The lake at dusk</a>' in walk["html"]
    )
    assert "<em>again</em>" in walk["html"]
    for unwanted in ("<img", "<script", "alert", "<iframe", "ads.example", "<picture"):
        assert unwanted not in walk["html"]
    assert "Home *again*" in walk["text"] and "alert" not in walk["text"]
