"""The e-mails a follower gets: the confirmation, and each new post (plain text and HTML).

No tracking: nothing in them loads from anywhere (the post's first photo is a link), links
are the site's own addresses, unchanged. Each post's e-mail has `List-Unsubscribe` with
one-click unsubscribe (RFC 8058) and a visible link to stop, which works without logging in.
"""

import re
from dataclasses import dataclass
from datetime import datetime
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from typing import Any
from urllib.parse import urlsplit

from jinja2 import Environment, PackageLoader, select_autoescape

LOOPBACK = ("127.0.0.1", "localhost", "::1")
templates = Environment(
    loader=PackageLoader("pathways.follow", "templates"),
    autoescape=select_autoescape(default=True),
)


def one_line(text: str) -> str:
    """Text for a header: line breaks and runs of spaces become one space."""
    return re.sub(r"\s+", " ", text).strip()


def smtp_problem(smtp: dict[str, Any]) -> str | None:
    """Why readers' e-mail cannot be sent with these settings, or None."""
    if not smtp.get("host"):
        return 'COMMENTS_SMTP has no "host": set your mail provider\'s settings'
    if not smtp.get("from"):
        return 'COMMENTS_SMTP has no "from": the address the e-mails come from'
    tls = smtp.get("starttls") or smtp.get("ssl")
    if not tls and smtp["host"] not in LOOPBACK:
        return (
            f'COMMENTS_SMTP reaches {smtp["host"]} without TLS: set "starttls": True (port 587)'
            ' or "ssl": True (port 465)'
        )
    return None


@dataclass(frozen=True)
class Letters:
    """Writes the e-mails of one blog."""

    site_name: str
    site_url: str
    sender: str

    def _message(self, to: str, subject: str) -> EmailMessage:
        message = EmailMessage()
        message["Subject"] = one_line(subject)
        message["From"] = Address(one_line(self.site_name), addr_spec=self.sender)
        message["To"] = to
        message["Date"] = format_datetime(datetime.now().astimezone())
        domain = self.sender.rpartition("@")[2] or "localhost"
        message["Message-ID"] = make_msgid(domain=domain)
        return message

    def confirmation(self, to: str, link: str, days: int) -> EmailMessage:
        message = self._message(to, f"Confirm: follow {self.site_name} by e-mail")
        values = {"letters": self, "link": link, "days": days}
        message.set_content(templates.get_template("confirm.txt").render(values))
        message.add_alternative(templates.get_template("confirm.html").render(values), "html")
        message["Auto-Submitted"] = "auto-generated"
        return message

    def post(
        self, to: str, post: dict[str, Any], unsubscribe: str, test: bool = False
    ) -> EmailMessage:
        """The e-mail of a new post to `to`; `unsubscribe` is its signed one-click link."""
        subject = ("[Test] " if test else "") + post["title"]
        message = self._message(to, subject)
        values = {
            "letters": self,
            "post": post,
            "post_url": f"{self.site_url.rstrip('/')}/{post['url']}",
            "date": datetime.fromisoformat(post["date"]),
            "unsubscribe": unsubscribe,
        }
        message["List-Id"] = f"{one_line(self.site_name)} <follow.{list_host(self.site_url)}>"
        message["List-Unsubscribe"] = f"<{unsubscribe}>"
        message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
        message.set_content(templates.get_template("post.txt").render(values))
        message.add_alternative(templates.get_template("post.html").render(values), "html")
        return message


def list_host(site_url: str) -> str:
    return urlsplit(site_url).hostname or "localhost"
