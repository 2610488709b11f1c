"""Blogger export files for the import tests, in both formats, with the same blog inside.

The blog: a post with labels, an image, odd HTML and a thread (a comment, a reply to it, a
reply from a Blogger profile, a deleted comment, a hostile one); a second post with the same
Blogger slug in another month; an untitled post; a draft; a trashed post; a page; a post
without a date. `ImageHost` stands in for Blogger's image hosts.
"""

import threading
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from xml.sax.saxutils import escape, quoteattr

BLOG = "tag:blogger.com,1999:blog-111"
KIND = "http://schemas.google.com/g/2005#kind"
LABEL = "http://www.blogger.com/atom/ns#"

BODY = (
    '<div dir="ltr" style="text-align: left;"><div>Today was my <b>third</b> infusion.'
    "<span></span></div><div><br /></div><div>It went well.<br />Really.</div>"
    '<div class="separator" style="clear: both;"><a href="{images}/img/s1600/arm.jpg">'
    '<img border="0" src="{images}/img/s320/arm.jpg" alt="My arm with the IV line" '
    'width="320" /></a></div><h3>What I felt</h3><ul><li>calm</li><li>tired</li></ul>'
    '<blockquote>You are safe.</blockquote><p>H<sub>2</sub>O <font color="red">and</font> '
    '<a href="javascript:alert(1)" onclick="x()">a bad link</a>'
    '<script>alert("x")</script></p><iframe src="https://www.youtube.com/embed/abc123">'
    '</iframe><img src="{images}/img/missing.png" alt="Gone" /></div>'
)

POSTS = [
    # id, kind, status, title, published, path, labels, body
    ("1001", "post", "LIVE", "Third infusion", "2023-05-18T20:00:00.001-04:00",
     "/2023/05/third-infusion.html", ["Ketamine", "Post-covid"], BODY),
    ("1002", "post", "LIVE", "Third infusion", "2023-06-02T08:00:00.000-04:00",
     "/2023/06/third-infusion.html", ["Ketamine"],
     '<p>Again, a month later (see <a href="https://spoonie.blogspot.com/2023/05/'
     'third-infusion.html#more">the first</a>, <a href="http://spoonie.blogspot.de/2023/05/'
     'third-infusion.html">its old copy</a> and <a href="https://elsewhere.example/2023/05/'
     'third-infusion.html">someone else\'s</a>).</p>'),
    ("1003", "post", "LIVE", "", "2023-07-01T10:00:00.000-04:00",
     "/2023/07/blog-post.html", [], "<p>A post without a title.</p>"),
    ("1004", "post", "DRAFT", "Not ready", "2023-08-01T10:00:00.000-04:00",
     "", ["Drafts"], "<p>Half a thought.</p>"),
    ("1005", "post", "SOFT_TRASHED", "Thrown away", "2023-08-02T10:00:00.000-04:00",
     "/2023/08/thrown-away.html", [], "<p>Gone.</p>"),
    ("1006", "post", "LIVE", "No date", "", "/2023/09/no-date.html", [], "<p>When?</p>"),
    ("2001", "page", "LIVE", "About me", "2022-01-01T10:00:00.000-05:00",
     "/p/about-me.html", [], "<p>I write here.</p>"),
]  # fmt: skip

COMMENTS = [
    # id, status, author, uri, published, parent comment id, body
    ("5001", "LIVE", "Ana", "https://ana.example/", "2023-05-19T10:00:00.000-04:00", None,
     "<p>So glad it <i>helped</i>.</p>"),
    ("5002", "LIVE", "Writer", "https://www.blogger.com/profile/999",
     "2023-05-19T12:00:00.000-04:00", "5001", "Thank you, Ana!"),
    ("5003", "LIVE", "Bo", "", "2023-05-20T12:00:00.000-04:00", "5002",
     '<script>alert(1)</script>Me too <a href="javascript:alert(2)">click</a>'),
    ("5004", "DELETED", "Spammer", "", "2023-05-21T12:00:00.000-04:00", None,
     "Buy now"),
]  # fmt: skip


def _category(scheme: str, term: str) -> str:
    return f"<category scheme={quoteattr(scheme)} term={quoteattr(term)}/>"


def _uri(uri: str) -> str:
    return f"<uri>{escape(uri)}</uri>" if uri else ""


def classic(images: str) -> str:
    """The blog in Blogger's classic export format (`kind#…` categories, thr:in-reply-to)."""
    entries = [
        f"<entry><id>{BLOG}.settings.BLOG_NAME</id>"
        + _category(KIND, "http://schemas.google.com/blogger/2008/kind#settings")
        + "<content type='text'>My blog</content></entry>"
    ]
    for id_, kind, status, title, published, path, labels, body in POSTS:
        if status not in ("LIVE", "DRAFT"):
            continue  # the classic export leaves trashed posts out
        prefix = "page" if kind == "page" else "post"
        parts = [
            f"<entry><id>{BLOG}.{prefix}-{id_}</id>",
            f"<published>{published}</published>" if published else "",
            f"<updated>{published or '2023-01-01T00:00:00Z'}</updated>",
            _category(KIND, f"http://schemas.google.com/blogger/2008/kind#{kind}"),
            *(_category(LABEL, label) for label in labels),
            f"<title type='text'>{escape(title)}</title>",
            f"<content type='html'>{escape(body.format(images=images))}</content>",
            f"<link rel='alternate' type='text/html' href='https://writer.blogspot.com{path}'/>"
            if path and status == "LIVE"
            else "",
            "<author><name>Writer</name><uri>https://www.blogger.com/profile/999</uri></author>",
            "<app:control><app:draft>yes</app:draft></app:control>" if status == "DRAFT" else "",
            "</entry>",
        ]
        entries.append("".join(parts))
    for id_, status, author, uri, published, parent, body in COMMENTS:
        removed = (
            "<gd:extendedProperty name='blogger.contentRemoved' value='true'/>"
            if status == "DELETED"
            else ""
        )
        feed = "https://www.blogger.com/feeds/111/1001/comments/default"
        related = f"<link rel='related' href='{feed}/{parent}'/>" if parent else ""
        entries.append(
            f"<entry><id>{BLOG}.post-{id_}</id><published>{published}</published>"
            f"<updated>{published}</updated>"
            + _category(KIND, "http://schemas.google.com/blogger/2008/kind#comment")
            + f"<title type='text'>{escape(author)}</title>"
            f"<content type='html'>{escape(body)}</content>"
            f"<author><name>{escape(author)}</name>{_uri(uri)}</author>"
            f"<thr:in-reply-to href='https://writer.blogspot.com/2023/05/third-infusion.html' "
            f"ref='{BLOG}.post-1001' type='text/html'/>{related}{removed}</entry>"
        )
    return (
        "<?xml version='1.0' encoding='UTF-8'?>"
        "<feed xmlns='http://www.w3.org/2005/Atom' xmlns:gd='http://schemas.google.com/g/2005' "
        "xmlns:thr='http://purl.org/syndication/thread/1.0' xmlns:app='http://purl.org/atom/app#'>"
        f"<id>{BLOG}</id><title>My blog</title>" + "".join(entries) + "</feed>"
    )


def newer(images: str) -> str:
    """The same blog in the newer format (`blogger:type`, `blogger:status`, `blogger:parent`)."""
    entries = []
    for id_, kind, status, title, published, path, labels, body in POSTS:
        entries.append(
            f"<entry><id>{BLOG}.post-{id_}</id>"
            + (f"<published>{published}</published>" if published else "")
            + f"<updated>{published or '2023-01-01T00:00:00Z'}</updated>"
            f"<blogger:type>{kind.upper()}</blogger:type><blogger:status>{status}</blogger:status>"
            + (f"<blogger:filename>{path}</blogger:filename>" if path else "")
            + "".join(f"<category term={quoteattr(label)}/>" for label in labels)
            + f"<title>{escape(title)}</title>"
            f"<content type='html'>{escape(body.format(images=images))}</content>"
            "<author><name>Writer</name><uri>http://www.blogger.com/profile/999</uri>"
            "</author></entry>"
        )
    for id_, status, author, uri, published, parent, body in COMMENTS:
        entries.append(
            f"<entry><id>{BLOG}.post-{id_}</id><published>{published}</published>"
            f"<blogger:type>COMMENT</blogger:type><blogger:status>{status}</blogger:status>"
            f"<blogger:parent>{BLOG}.post-{parent or '1001'}</blogger:parent>"
            f"<content type='html'>{escape(body)}</content>"
            f"<author><name>{escape(author)}</name>{_uri(uri)}</author></entry>"
        )
    return (
        "<?xml version='1.0' encoding='UTF-8'?>"
        "<feed xmlns='http://www.w3.org/2005/Atom' "
        "xmlns:blogger='http://schemas.google.com/blogger/2018'>"
        f"<id>{BLOG}</id><title>My blog</title>" + "".join(entries) + "</feed>"
    )


class ImageHost:
    """Blogger's image hosts, played by a server on 127.0.0.1: `/<host>/<path>` answers with
    the corpus's image for `https://<host>/<path>` (see PATHWAYS_BLOGGER_IMAGE_ORIGIN).
    `requests` counts the requests per URL; `missing` URLs answer 404, `flaky` ones 503 the
    first time; `replies` gives other bytes for a URL."""

    def __init__(self, image_bytes) -> None:
        self.image_bytes = image_bytes
        self.requests: Counter = Counter()
        self.missing: set[str] = set()
        self.flaky: set[str] = set()
        self.replies: dict[str, bytes] = {}
        host = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                url = "https:/" + self.path
                host.requests[url] += 1
                if url in host.missing or (url in host.flaky and host.requests[url] == 1):
                    self.send_error(404 if url in host.missing else 503)
                    return
                data = host.replies.get(url) or host.image_bytes(url)
                self.send_response(200)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.origin = f"http://127.0.0.1:{self.server.server_port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def requested(self) -> Counter:
        """Requests per URL with the scheme left out (Blogger serves both)."""
        return Counter({url.split(":", 1)[1]: count for url, count in self.requests.items()})

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
