"""The comment service says which engine version it runs, over its token API, so that
`make publish` can warn when the server was left on another version than the laptop."""

import json
import urllib.error
import urllib.request

import pytest

from pathways import __version__
from pathways.comments.remote import Remote
from pathways.comments.service import CommentService, ServiceConfig
from tests.servers import ServiceThread

TOKEN = "moderation-token-for-tests-0123456789"


@pytest.mark.server
def test_the_service_tells_its_version_to_the_token_holder_only(tmp_path):
    config = ServiceConfig(
        db_path=tmp_path / "comments.sqlite3",
        site_dir=tmp_path,
        site_url="http://site.example",
        moderation_token=TOKEN,
    )
    with ServiceThread(CommentService(config).app()) as running:
        request = urllib.request.Request(f"{running.url}/moderation/api/version")
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(request, timeout=10)
        assert refused.value.code == 401
        request.add_header("Authorization", f"Bearer {TOKEN}")
        with urllib.request.urlopen(request, timeout=10) as response:
            assert json.loads(response.read()) == {"version": __version__}
        assert Remote(running.url, TOKEN).version() == __version__
        assert Remote(running.url, "wrong").version() == ""
