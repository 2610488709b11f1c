"""Code blocks highlighted with formatters made once per set of options give exactly the
HTML of Python-Markdown's codehilite making one per block: on blocks in many languages,
with line numbers, highlighted lines, inline styles, another style and formatter names
Pygments does not know, on the benchmark's ordinary posts and on the writing guide."""

from pathlib import Path

import pytest
from markdown import Markdown

from bench.corpus import post_texts
from plugins.pathways_markdown_reader.highlighting import reuse_formatters

# Seconds each (the command line in a process of its own, or many inputs): left out of
# `make test-fast`.
pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent
EXTENSIONS = ["markdown.extensions.codehilite", "markdown.extensions.extra",
              "markdown.extensions.toc"]  # fmt: skip
CONFIGURATIONS = [
    {"css_class": "highlight", "guess_lang": False},
    {"linenums": True},
    {"noclasses": True, "pygments_style": "monokai"},
    {"guess_lang": True, "pygments_formatter": "no-such-formatter"},
]
BLOCKS = [
    "```python\ndef rest(hours):\n    return hours * 2\n```",
    '```{.python hl_lines="1 2"}\nimport os\nprint(os.sep)\n```',
    "```bash\ngrep -c 'pain' diary.txt\n```",
    "```text\n07:00  pills\n```",
    "```no-such-language\n<b>x</b> & y\n```",
    "```\n#!/usr/bin/env python\nprint('guessed')\n```",
    "    :::javascript\n    let x = 1 < 2;",
    "    indented() # with no language",
    '```{.html linenums="true"}\n<p class="x">&amp;</p>\n```',
]


def documents() -> list[str]:
    texts = [f"Some text.\n\n{block}\n\nMore text.\n" for block in BLOCKS]
    texts.append("\n\n".join(BLOCKS * 2))
    texts += post_texts("plain", 40)
    texts.append((ROOT / "content" / "pages" / "writing-guide.md").read_text(encoding="utf-8"))
    return texts


@pytest.mark.parametrize("config", CONFIGURATIONS)
def test_reused_formatters_give_codehilites_html(config):
    settings = {
        "extensions": EXTENSIONS,
        "extension_configs": {"markdown.extensions.codehilite": config},
        "output_format": "html5",
    }
    reused = reuse_formatters(Markdown(**settings))
    for text in documents():
        reused.reset()
        assert reused.convert(text) == Markdown(**settings).convert(text), text
