"""A small blog that readers follow by e-mail, for the follow tests: its settings, a build,
the comment service as the writer runs it (a process of its own), and a real SMTP server."""

import email
import email.policy
import os
import re
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from tests.sites import ROOT, build, free_port, post, run_pathways, write_post, write_settings

TOKEN = "a-moderation-token-for-tests-only"
LINK = re.compile(r"http://127\.0\.0\.1:\d+/follow/(?:confirm|unsubscribe)\?\S+")


def dated(days_ago: float = 0) -> str:
    return (datetime.now(UTC) - timedelta(days=days_ago)).strftime("%Y-%m-%d %H:%M:%S+00:00")


@dataclass
class Blog:
    folder: Path
    settings: Path
    site_url: str
    service_port: int

    @property
    def service_url(self) -> str:
        return f"http://127.0.0.1:{self.service_port}"

    @property
    def output(self) -> Path:
        return self.folder / "output"

    @property
    def env(self) -> dict[str, str]:
        # The preview's HTML file goes to the test's own folder.
        return {"PATHWAYS_MODERATION_TOKEN": TOKEN, "TMPDIR": str(self.folder)}

    def publish(self, name: str, title: str, body: str = "", **meta: str) -> None:
        """The writer adds a post (dated now) and builds the site."""
        meta.setdefault("date", dated())
        text = post(title, body=body or f"About {title}.", **meta)
        write_post(self.folder / "content", name, text)
        self.build()

    def build(self) -> None:
        result = build(self.settings)
        assert result.returncode == 0, result.stderr

    def pathways(self, *args: str) -> subprocess.CompletedProcess:
        return run_pathways(*args[:1], "--settings", str(self.settings), *args[1:], env=self.env)

    def start_service(self, log: Path) -> subprocess.Popen:
        """`pathways comments serve`, as the writer runs it, once it answers."""
        command = [sys.executable, "-m", "pathways", "comments", "serve"]
        command += ["--settings", str(self.settings), "--port", str(self.service_port)]
        command += ["--site", str(self.output), "--site-url", self.site_url]
        with log.open("ab") as stream:
            process = subprocess.Popen(
                command, cwd=ROOT, stderr=stream, env={**os.environ, **self.env}
            )
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(f"{self.service_url}/health", timeout=5).close()
                return process
            except urllib.error.HTTPError:
                return process
            except OSError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise RuntimeError(f"the service did not start: {log.read_text()}") from None
                time.sleep(0.1)


def make_blog(folder: Path, site_url: str, smtp_port: int, **settings: object) -> Blog:
    """A blog with one post published before following was turned on, built."""
    content = folder / "content"
    write_post(content, "before.md", post("Before", date=dated(2)))
    port = free_port()
    values = {
        "COMMENTS_ENDPOINT": f"http://127.0.0.1:{port}",
        "COMMENTS_DB": str(folder / "comments.sqlite3"),
        "COMMENTS_SMTP": {
            "host": "127.0.0.1",
            "port": smtp_port,
            "from": "blog@example.org",
            "to": "writer@example.org",
        },
        "FOLLOW_EMAIL": True,
        "FOLLOW_POLL_SECONDS": 0.2,
        "FOLLOW_RATE": (100, 1),
        "SITENAME": "Pathways",
        **settings,
    }
    blog = Blog(folder, write_settings(folder, content, **values), site_url, port)
    blog.build()
    return blog


def import_followers(blog: Blog, addresses: list[str]) -> None:
    """Confirmed followers from a Mailchimp export, through `pathways subscribers import`."""
    export = blog.folder / "subscribed_members_export.csv"
    rows = [f'"{a}","Ana","","2021-03-0{1 + i % 9} 10:00:00"' for i, a in enumerate(addresses)]
    text = '"Email Address","First Name","Last Name","CONFIRM_TIME"\n' + "\n".join(rows)
    export.write_text(text + "\n", encoding="utf-8")
    result = blog.pathways("subscribers", "import", str(export))
    assert result.returncode == 0, result.stderr
    assert f"{len(addresses)} subscriber(s) added" in result.stdout


def posts_to(messages: list, address: str, title: str) -> list:
    return [m for m in messages if m["To"] == address and m["Subject"] == title]


def received(mailbox) -> list:
    """Every message the SMTP server has received, parsed."""
    return [
        email.message_from_string(text, policy=email.policy.default) for text in mailbox.messages
    ]


def link_in(message, kind: str) -> str:
    """The confirm or unsubscribe link in a message's plain text."""
    text = message.get_body(("plain",)).get_content()
    return next(link for link in LINK.findall(text) if f"/follow/{kind}?" in link)
