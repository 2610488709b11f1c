"""One server, no laptop step: with COMMENTS_PUBLISH_ON_APPROVE, approving a comment on the
service writes its file into the service's checkout and publishes the site there."""

import json
import shutil
import time
import urllib.request
from urllib.parse import urlencode

import pytest

from tests.comment_helpers import running_service
from tests.servers import serve_folder
from tests.sites import ROOT, run_pathways, write_settings

TOKEN = "one-server-token-8c1d"


def fetch(url: str, data: dict | None = None, **headers) -> str:
    request = urllib.request.Request(
        url, data=urlencode(data).encode() if data is not None else None, headers=headers
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.read().decode()


@pytest.mark.sample
@pytest.mark.build
@pytest.mark.server
def test_approving_on_the_server_publishes_the_comment(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    published = tmp_path / "published"
    published.mkdir()
    site_url, static = serve_folder(published)
    settings = write_settings(
        tmp_path,
        content,
        publish=True,
        SITEURL=site_url,
        COMMENTS_ENDPOINT="http://127.0.0.1:9",
        COMMENTS_DB=str(tmp_path / "state" / "comments.sqlite3"),
        COMMENTS_MIN_SECONDS=0,
        COMMENTS_PUBLISH_ON_APPROVE=True,
        DEPLOY={"target": "folder", "path": str(published)},
        SEARCH_INDEX=False,
        PUBLISH_CHECK=False,
    )
    try:
        first = run_pathways("publish", "--settings", str(settings), "--no-pull")
        assert first.returncode == 0, first.stderr
        with running_service(settings, None, env={"PATHWAYS_MODERATION_TOKEN": TOKEN}) as url:
            form = {"post": "ketamine", "author": "Cy", "body": "From one server."}
            fetch(f"{url}/comments", form, Origin=site_url, Accept="application/json")
            auth = {"Authorization": f"Bearer {TOKEN}"}
            [pending] = json.loads(fetch(f"{url}/moderation/api/comments", **auth))["comments"]
            fetch(f"{url}/moderation/api/comments/{pending['id']}/approve", {}, **auth)
            deadline = time.monotonic() + 180
            while "From one server." not in fetch(f"{site_url}/posts/ketamine/"):
                assert time.monotonic() < deadline, "the approved comment was not published"
                time.sleep(0.5)
        assert (content / "comments" / "ketamine" / f"{pending['id']}.md").exists()
    finally:
        static.shutdown()
