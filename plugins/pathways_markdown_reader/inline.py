"""Markdown's inline step, without the patterns that cannot match in the document.

Python-Markdown tries each of its fifteen or so inline patterns (links, emphasis, code, HTML,
entities...) on every run of text of a document, although most documents have no backtick,
backslash, "<" or "&" at all. Every pattern Markdown and its footnotes extension bring needs
a character or string of its own to match (a link a "[", an entity a "&"), and the text a
pattern hands on to the others is part of the text it matched (or a footnote's number, in
the footnotes extension's `SUPERSCRIPT_TEXT`); so a pattern whose characters are in no text
of the document (nor in that setting) is left out of its inline step. A document converted
with patterns this module does not know keeps them all.
"""

from xml.etree.ElementTree import Element

from markdown import Markdown
from markdown import inlinepatterns as patterns
from markdown.extensions.footnotes import FootnoteInlineProcessor
from markdown.treeprocessors import InlineProcessor

# Markdown's priority for its inline step (`markdown.treeprocessors.build_treeprocessors`).
INLINE_PRIORITY = 20
# What each known pattern (its class and regular expression) needs in a text to match.
NEEDS = {
    (patterns.BacktickInlineProcessor, patterns.BACKTICK_RE): ("`",),
    (patterns.EscapeInlineProcessor, patterns.ESCAPE_RE): ("\\",),
    (FootnoteInlineProcessor, r"\[\^([^\]]*)\]"): ("[^",),
    (patterns.ReferenceInlineProcessor, patterns.REFERENCE_RE): ("[",),
    (patterns.LinkInlineProcessor, patterns.LINK_RE): ("[",),
    (patterns.ShortReferenceInlineProcessor, patterns.REFERENCE_RE): ("[",),
    (patterns.ImageInlineProcessor, patterns.IMAGE_LINK_RE): ("![",),
    (patterns.ImageReferenceInlineProcessor, patterns.IMAGE_REFERENCE_RE): ("![",),
    (patterns.ShortImageReferenceInlineProcessor, patterns.IMAGE_REFERENCE_RE): ("![",),
    (patterns.AutolinkInlineProcessor, patterns.AUTOLINK_RE): ("<",),
    (patterns.AutomailInlineProcessor, patterns.AUTOMAIL_RE): ("<",),
    (patterns.HtmlInlineProcessor, patterns.HTML_RE): ("<",),
    (patterns.HtmlInlineProcessor, patterns.ENTITY_RE): ("&",),
    (patterns.SubstituteTagInlineProcessor, patterns.LINE_BREAK_RE): ("  \n",),
}


def _needs(pattern: patterns.Pattern) -> tuple[str, ...] | None:
    """What `pattern` needs in a text to match, or None if it is not a known pattern."""
    if type(pattern) is patterns.DelimiterProcessor:
        return tuple(pattern.tokens)  # emphasis: one of its delimiters ("*", "_")
    return NEEDS.get((type(pattern), getattr(pattern, "pattern", None)))


class SkippingInlineProcessor(InlineProcessor):
    """Markdown's inline step, given only the patterns that may match in the document."""

    def run(self, tree: Element, ancestors: list[str] | None = None) -> Element:
        every = self.inlinePatterns
        text = "".join(part for node in tree.iter() for part in (node.text, node.tail) if part)
        text += "".join(
            pattern.footnotes.getConfig("SUPERSCRIPT_TEXT")
            for pattern in every
            if type(pattern) is FootnoteInlineProcessor
        )
        kept = []
        for pattern in every:
            needs = _needs(pattern)
            if needs is None:
                kept = every
                break
            if any(piece in text for piece in needs):
                kept.append(pattern)
        self.inlinePatterns = kept
        try:
            return super().run(tree, ancestors)
        finally:
            self.inlinePatterns = every


def skip_unmatchable_patterns(md: Markdown) -> Markdown:
    """Give `md` the inline step above in place of Markdown's own."""
    md.treeprocessors.register(SkippingInlineProcessor(md), "inline", INLINE_PRIORITY)
    return md
