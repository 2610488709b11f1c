"""Comment bodies are cleaned and rendered exactly as the general path would do it.

Plain bodies (paragraphs of words and punctuation) are not run through Markdown, and control
characters are found with a pattern instead of asking `unicodedata` character by character:
generated bodies and every Unicode code point check that nothing a reader sees changes.
"""

import random
import sys
import unicodedata

import pytest

from pathways.comments import model
from pathways.comments.model import BIDI_CONTROLS, clean_body, clean_line, markdown_html

# Seconds each (the command line in a process of its own, or many inputs): left out of
# `make test-fast`.
pytestmark = pytest.mark.slow

PIECES = ["rest", "Rest", "I'm", "don't", "é", "naïve", "Ünal", "2024", "x2", "CFS", "東京",
          "Αθήνα", "ok", "a_b", " ", " ", "  ", ".", ",", ";", ":", "!", "?", "'", '"', "(",
          ")", "/", "%", "+", "=", "-", "--", "---", "*", "**", "_", "`", "```", "~~~", "#",
          "> ", "- ", "+ ", "* ", "1. ", "2) ", "[", "]", "[a](https://x.example)", "<b>",
          "<", ">", "&", "&amp;", "\\", "\t", "    ", "===", "\u00a0", "\u200d", "😀", "²",
          "①", "\u0301", "ǅ", "\u0661", "\u0661. ", "\u3000", "\u2028", "\u2003", "💛 ", "ﬁ",
          "Ⅻ", "@", "$", "^", "~~", "{x}", "|", "\\.", "\\(", "a\\-b"]  # fmt: skip
BREAKS = ["\n", "\n\n", "\n\n\n", "  \n", " \n", "\n ", "\n    ", "\n\t", "\n-", "\n="]


def generated_body(rng: random.Random) -> str:
    """Words and spaces, with a few other pieces (alone or around a word) and line breaks."""
    parts = []
    for _ in range(rng.randint(1, 40)):
        roll = rng.random()
        if roll < 0.6:
            parts.append(rng.choice(PIECES[:14]))
        elif roll < 0.85:
            parts.append(" ")
        elif roll < 0.93:
            parts.append(rng.choice(BREAKS[:3]) + rng.choice(PIECES[:4]))
        elif roll < 0.96:
            special = rng.choice(PIECES)
            parts.append(f"{special}{rng.choice(PIECES[:4])}{special}")
        elif roll < 0.98:
            parts.append(rng.choice(PIECES))
        else:
            parts.append(rng.choice(BREAKS))
    return "".join(parts)


def reference_html(text: str) -> str:
    converter = model._markdown
    if text.count("[") > model.MAX_LINK_BRACKETS:
        converter = model._markdown_without_links
    converter.reset()
    return converter.convert(text)


def test_bodies_get_the_html_markdown_gives_them():
    rng = random.Random(5)
    plain = 0
    for _ in range(6000):
        body = clean_body(generated_body(rng))
        if not body:
            continue
        plain += bool(model.PLAIN_BODY.fullmatch(body))
        assert markdown_html(body) == reference_html(body), repr(body)
    # Both paths are exercised: the plain one and Markdown's.
    assert 500 < plain < 5500


def dangerous(ch: str) -> bool:
    return unicodedata.category(ch) in ("Cc", "Cs")


def test_control_characters_are_those_unicode_names_control_characters():
    everything = "a" + "".join(map(chr, range(sys.maxunicode + 1))) + "a"
    body = everything.replace("\r", "\n")
    kept = "".join(ch for ch in body if ch in "\n\t" or not dangerous(ch))
    assert clean_body(everything) == kept.strip()
    line = "".join(" " if dangerous(ch) else ch for ch in everything if ch not in BIDI_CONTROLS)
    assert clean_line(everything) == " ".join(line.split())
