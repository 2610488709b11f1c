"""Make code blocks reachable by keyboard, so wide ones can be scrolled without a mouse.

Markdown's code blocks become `<pre>` boxes that scroll sideways on narrow screens; a
scrollable region must be focusable (WCAG 2.1.1), so each gets `tabindex="0"`.
"""

from typing import Any

from pelican import signals

PLAIN_PRE = "<pre>"
FOCUSABLE_PRE = '<pre tabindex="0">'


def make_code_blocks_focusable(html: str) -> str:
    return html.replace(PLAIN_PRE, FOCUSABLE_PRE)


def _on_content(content: Any) -> None:
    if getattr(content, "_content", None):
        content._content = make_code_blocks_focusable(content._content)


def register() -> None:
    signals.content_object_init.connect(_on_content)
