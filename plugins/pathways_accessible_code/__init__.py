"""Make code blocks reachable by keyboard, so wide ones can be scrolled without a mouse.

Markdown's code blocks become `<pre>` boxes that scroll sideways on narrow screens; a
scrollable region must be focusable (WCAG 2.1.1), so each gets `tabindex="0"`.
"""

from typing import Any

from pelican import signals

from pathways.pelican_internals.content import content_html, set_content_html

PLAIN_PRE = "<pre>"
FOCUSABLE_PRE = '<pre tabindex="0">'


def make_code_blocks_focusable(html: str) -> str:
    return html.replace(PLAIN_PRE, FOCUSABLE_PRE)


def _on_content(content: Any) -> None:
    if content_html(content):
        set_content_html(content, make_code_blocks_focusable(content_html(content)))


def register() -> None:
    signals.content_object_init.connect(_on_content)
