"""The site's faster typogrify gives exactly typogrify's output.

Thousands of texts are generated from the pieces typography reacts to (quotes next to tags
and words, apostrophes, dashes, dots, backslash escapes, entities, ampersands, capitals,
skipped and ignored tags, ends of blocks and inline tags, HTML comments, stray angle
brackets) and typogrified both ways,
with every dash setting, several ignored-tag lists and each filter left out in turn.
"""

import random

import pytest
import smartypants
from typogrify.filters import typogrify as reference

from plugins.pathways_markdown_reader.fast_typogrify import typogrify

# Seconds each (the command line in a process of its own, or many inputs): left out of
# `make test-fast`.
pytestmark = pytest.mark.slow

WORDS = ["rest", "the", "body's", "I'm", "don't", "KU", "CFS", "POTS", "D.O.T.", "JIMMY'S",
         "2KU2", "HE34T", "ME/CFS", "A.B. C.", "naïve", "café", "2024", "'80s", "'tis",
         "rock'n'roll", "x", "Dr.", "U.S.A.", "e.g.", "a\u00a0b", "1960s", "it\u2019s"]  # fmt: skip
MARKS = ['"', "'", "``", "''", "`", "--", "---", "...", ". . .", ".", "-", "\\\\", '\\"',
         "\\'", "\\.", "\\-", "\\`", "&quot;", "&amp;", " & ", " &amp; ", "&nbsp;&&nbsp;",
         "&#38;", "&#8220;", "&ldquo;", "&lsquo;", "&#8216;", "&mdash;", "&#8211;", "&#x2014;",
         "&lt;", "&gt;", "(", ")", "[", "{", "!", "?", ",", ";", ":", "<", ">", "\n", "\t",
         "  ", "\u00a0", "'\"", "\"'", "*", "#", "s", "s'", "'s", "'s'", "'\u00a0'", "\"\"",
         "&&#x2014;", "&&#x201c;"]  # fmt: skip
OPEN_TAGS = ["<p>", "<h2>", "<h1 id=\"x\">", "<li>", "<dd>", "<dt>", "<em>", "<strong>",
             "<b>", "<i>", "<span>", "<span class=\"caps\">", '<a href="/x?a=1&amp;b=\'2\'">',
             "<a title=\"One & Two\">", "<blockquote>", "<div>", "<sup>", "<abbr>", "<br>",
             "<br />", "<img alt=\"it's\" src=\"x.png\">", "<pre>", "<code>", "<kbd>",
             "<script>", "<samp>", "<tt>", "<math>", "<style>", "<pre class=\"math\">",
             "<span id=\"x\">", "<div class=\"test\">", "<PRE>", "<Code>", "<table>",
             "<td>", "<ol>", "<ul>", '<p title="<li">', '<em title="<p x">']  # fmt: skip
# What `widont` looks at: the end of blocks and of inline tags, spaces before them.
ENDS = ["</p>", "</li>", "</h3>", "</dd>", "</em> ", " </a>", "</b>\n", "<br>", "<b x >", " \n",
        "</strong></p>", "</p>\n<p>", "</span> </li>", "<b x</p>", "<em </li>"]  # fmt: skip
COMMENTS = ["<!-- note -->", "<!-- a -- b -->", "<!-- 'x' -->", "<!---->", "<!-- x --->",
            "<!-- --  >", "<!-- unclosed"]  # fmt: skip


def closing(tag: str) -> str:
    name = tag[1:].split(">")[0].split(" ")[0].rstrip("/")
    return f"</{name}>"


def fragment(rng: random.Random, depth: int = 0) -> str:
    parts = []
    for _ in range(rng.randint(1, 12)):
        roll = rng.random()
        if roll < 0.35:
            parts.append(rng.choice(WORDS))
        elif roll < 0.65:
            parts.append(rng.choice(MARKS))
        elif roll < 0.75:
            parts.append(" ")
        elif roll < 0.8:
            parts.append(rng.choice(ENDS))
        elif roll < 0.95 and depth < 3:
            tag = rng.choice(OPEN_TAGS)
            inner = fragment(rng, depth + 1)
            end = closing(tag) if rng.random() < 0.9 else ""
            parts.append(f"{tag}{inner}{end}")
        else:
            parts.append(rng.choice(COMMENTS))
    separator = rng.choice(["", " ", " ", "\n"])
    return separator.join(parts)


def generated_texts(count: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    return [fragment(rng) + rng.choice(["", "", "\n", " "]) for _ in range(count)]


DASH_SETTINGS = [smartypants.Attr.set1, smartypants.Attr.set2, smartypants.Attr.set3]
# typogrify cannot build its pattern for more than one tag with a class or id.
IGNORE_TAGS = [None, [], ["blockquote", "sup"], ["span.caps"], ["#x", "sup"], [".test"]]
FILTERS = ["amp", "smartypants", "caps", "initial_quotes", "widont"]


@pytest.fixture
def default_attributes():
    before = smartypants.Attr.default
    yield
    smartypants.Attr.default = before


@pytest.mark.parametrize("dashes", DASH_SETTINGS)
def test_the_output_is_typogrifys_for_generated_texts(default_attributes, dashes):
    smartypants.Attr.default = dashes | smartypants.Attr.w
    texts = generated_texts(1500, seed=dashes)
    for number, text in enumerate(texts):
        ignore = IGNORE_TAGS[number % len(IGNORE_TAGS)]
        omitted = {FILTERS[number % 6]: False} if number % 6 < 5 else {}
        assert typogrify(text, ignore, **omitted) == reference(text, ignore, **omitted), text


def test_the_output_is_typogrifys_with_other_smartypants_attributes(default_attributes):
    attributes = [smartypants.Attr.set1, smartypants.Attr.q | smartypants.Attr.B,
                  smartypants.Attr.set1 | smartypants.Attr.u, smartypants.Attr.set2
                  | smartypants.Attr.h, smartypants.Attr.set3 | smartypants.Attr.s,
                  smartypants.Attr.mask_d | smartypants.Attr.e, smartypants.Attr.set0]  # fmt: skip
    for number, text in enumerate(generated_texts(700, seed=7)):
        smartypants.Attr.default = attributes[number % len(attributes)]
        assert typogrify(text) == reference(text), text


def test_several_filters_left_out_together(default_attributes):
    smartypants.Attr.default = smartypants.Attr.set1 | smartypants.Attr.w
    rng = random.Random(11)
    for text in generated_texts(500, seed=11):
        omitted = dict.fromkeys(rng.sample(FILTERS, rng.randint(0, 5)), False)
        assert typogrify(text, **omitted) == reference(text, **omitted), text


def test_an_unknown_filter_is_refused_as_typogrify_refuses_it():
    with pytest.raises(TypeError, match="Unexpected keyword"):
        typogrify("<p>text</p>", sparkle=False)
