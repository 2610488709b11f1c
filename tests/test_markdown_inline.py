"""The site's Markdown, whose inline step skips patterns that cannot match, gives exactly the
HTML of Python-Markdown's own, on generated documents that use every inline construct (and
on the shipped posts), with the site's extensions and with others."""

import random
from pathlib import Path

import pytest
from markdown import Markdown

from plugins.pathways_markdown_reader.inline import skip_unmatchable_patterns

# Seconds each (the command line in a process of its own, or many inputs): left out of
# `make test-fast`.
pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent
SITE = {
    "extensions": ["markdown.extensions.codehilite", "markdown.extensions.extra",
                   "markdown.extensions.toc", "markdown.extensions.meta"],
    "extension_configs": {
        "markdown.extensions.codehilite": {"css_class": "highlight", "guess_lang": False},
        "markdown.extensions.toc": {"permalink": "#"},
    },
    "output_format": "html5",
}  # fmt: skip
CONFIGURATIONS = [
    SITE,
    {},
    {"extensions": ["footnotes"], "extension_configs": {"footnotes": {"SUPERSCRIPT_TEXT": "*{}*"}}},
    {"extensions": ["extra", "nl2br", "smarty", "sane_lists"]},
]
WORDS = ["rest", "walk", "I'm", "POTS", "naïve", "2024", "x", "a_b", "snake_case", "5*3"]
INLINE = ["*em*", "**strong**", "_em_", "__strong__", "***both***", "*", "_", "`code`",
          "``co`de``", "`", "\\*", "\\\\", "\\`", "\\[", "[link](https://x.example/)",
          '[link](/a "title")', "[ref][r1]", "[r1]", "[^1]", "[^2]", "[^3]", "[^missing]",
          "![alt](/i.png)", "![alt][r1]", "![r1]", "<https://x.example/a>",
          "<me@x.example>", "<b>bold</b>", "<span class=\"x\">", "</span>", "&amp;", "&copy;",
          "&#8220;", "& ", "AT&T", "<", ">", "[", "]", "!", "  \n", "\n", "*POTS*",
          "H~2~O", "==mark==", "\"quoted\"", "--", "...", "<!-- note -->", "{: .cls }",
          "CFS"]  # fmt: skip
BLOCKS = ["## Heading {#h}", "# Title", "- item\n- item *two*", "1. one\n2. two",
          "> quoted *text*", "```python\nprint('x')\n```", "    indented code",
          "| a | b |\n|---|---|\n| *1* | `2` |", "Term\n:   Definition *here*",
          "*[POTS]: Postural tachycardia", "[r1]: https://r.example/ \"R\"",
          "[^1]: A note with *emphasis*.", "[^2]: Another [link](/x).", "[^3]: A plain note.",
          '<div markdown="1">*inside*</div>', "---", "[TOC]", "***"]  # fmt: skip


def paragraph(rng: random.Random) -> str:
    parts = []
    for _ in range(rng.randint(1, 14)):
        parts.append(rng.choice(INLINE) if rng.random() < 0.25 else rng.choice(WORDS))
        parts.append(rng.choice([" ", " ", " ", "", "\n"]))
    return "".join(parts).strip()


def document(rng: random.Random) -> str:
    """Mostly plain paragraphs, like most posts, with a few constructs here and there."""
    blocks = []
    for _ in range(rng.randint(1, 8)):
        roll = rng.random()
        if roll < 0.3:
            blocks.append(" ".join(rng.choice(WORDS) for _ in range(rng.randint(1, 12))))
        elif roll < 0.8:
            blocks.append(paragraph(rng))
        else:
            blocks.append(rng.choice(BLOCKS))
    if rng.random() < 0.5:
        blocks.append(f"Notes[^3].\n\n[^3]: {rng.choice(WORDS)}.")
    return "\n\n".join(blocks) + "\n"


def convert(markdown: Markdown, text: str) -> str:
    markdown.reset()
    return markdown.convert(text)


@pytest.mark.parametrize("number", range(len(CONFIGURATIONS)))
def test_generated_documents_get_markdowns_html(number):
    configuration = CONFIGURATIONS[number]
    reference = Markdown(**configuration)
    skipping = skip_unmatchable_patterns(Markdown(**configuration))
    rng = random.Random(number)
    for _ in range(400):
        text = document(rng)
        assert convert(skipping, text) == convert(reference, text), text


def test_the_shipped_posts_and_pages_get_markdowns_html():
    reference = Markdown(**SITE)
    skipping = skip_unmatchable_patterns(Markdown(**SITE))
    sources = sorted((ROOT / "content").rglob("*.md"))
    assert sources
    for source in sources:
        text = source.read_text(encoding="utf-8")
        assert convert(skipping, text) == convert(reference, text), source
