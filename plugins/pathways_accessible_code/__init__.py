"""Make what Markdown writes reachable and named: code blocks and tables that scroll, links
that would be read out as "#", "1" or "↩".

Markdown's code blocks become `<pre>` boxes that scroll sideways on narrow screens; a
scrollable region must be focusable (WCAG 2.1.1), so each gets `tabindex="0"`. A table is
wrapped in a named region that scrolls by itself and can be focused; its columns' alignment
is written as classes (`align-right` …), not as `style` attributes, which the site's Content
Security Policy blocks. Heading links, footnote markers and the links back from a note get
names a screen reader can say.
"""

import xml.etree.ElementTree as ET
from typing import Any

from markdown import Extension, Markdown
from markdown.treeprocessors import Treeprocessor
from pelican import signals

from pathways.pelican_internals.content import content_html, set_content_html

PLAIN_PRE = "<pre>"
FOCUSABLE_PRE = '<pre tabindex="0">'
ALIGNMENTS = ("left", "center", "right")
TABLE_NAME = "Table (scrolls sideways when it is wider than the screen)"


def make_code_blocks_focusable(html: str) -> str:
    return html.replace(PLAIN_PRE, FOCUSABLE_PRE)


def _add_class(element: ET.Element, name: str) -> None:
    element.set("class", " ".join(filter(None, (element.get("class"), name))))


def _align_with_class(cell: ET.Element) -> None:
    style = cell.attrib.pop("style", "")
    for alignment in ALIGNMENTS:
        if f"text-align: {alignment}" in style:
            _add_class(cell, f"align-{alignment}")


def _wrap_tables(parent: ET.Element) -> None:
    for index, child in enumerate(list(parent)):
        if child.tag == "table":
            region = ET.Element(
                "div",
                {"class": "table-scroll", "role": "region", "tabindex": "0"},
            )
            region.set("aria-label", TABLE_NAME)
            region.tail, child.tail = child.tail, "\n"
            parent.remove(child)
            region.append(child)
            parent.insert(index, region)
            region.text = "\n"
        else:
            _wrap_tables(child)


def _name_links(root: ET.Element) -> None:
    for link in root.iter("a"):
        classes = (link.get("class") or "").split()
        if "headerlink" in classes:
            link.set("aria-label", "Link to this section")
        elif "footnote-ref" in classes:
            link.set("aria-label", f"Note {''.join(link.itertext())}")
    for notes in root.iter("div"):
        if "footnote" not in (notes.get("class") or "").split():
            continue
        for number, item in enumerate(notes.iter("li"), start=1):
            for link in item.iter("a"):
                if "footnote-backref" in (link.get("class") or "").split():
                    link.set("aria-label", f"Back to the text of note {number}")


class AccessibleMarkup(Treeprocessor):
    """Runs after the footnotes, tables and table of contents have been made."""

    def run(self, root: ET.Element) -> None:
        for cell in (*root.iter("th"), *root.iter("td")):
            _align_with_class(cell)
        _wrap_tables(root)
        _name_links(root)


class AccessibleMarkupExtension(Extension):
    def __repr__(self) -> str:
        # The same in every build: the settings it sits in are part of what says whether a
        # page must be rendered again.
        return f"{type(self).__qualname__}()"

    def extendMarkdown(self, md: Markdown) -> None:
        md.treeprocessors.register(AccessibleMarkup(md), "pathways_accessible", 1)


def add_extension(pelican: Any) -> None:
    markdown = pelican.settings.setdefault("MARKDOWN", {})
    extensions = markdown.setdefault("extensions", [])
    if not any(isinstance(e, AccessibleMarkupExtension) for e in extensions):
        extensions.append(AccessibleMarkupExtension())


def _on_content(content: Any) -> None:
    if content_html(content):
        set_content_html(content, make_code_blocks_focusable(content_html(content)))


def register() -> None:
    signals.initialized.connect(add_extension)
    signals.content_object_init.connect(_on_content)
