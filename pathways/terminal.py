"""Text from readers made inert before a command prints it.

A comment's fields can hold terminal control sequences (ESC, BEL, the C1 controls): printed
raw they clear the screen, hide text, set the window title, make links (OSC 8) or write the
clipboard (OSC 52). They, and the marks that reverse text's direction, are shown as visible
escapes instead (`\\x1b`), so the writer sees that they are there and nothing acts on them.
"""

import re

CONTROLS = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def inert(text: str) -> str:
    """`text` with every control character and direction mark written out as an escape."""
    return CONTROLS.sub(lambda found: ascii(found.group())[1:-1], text)
