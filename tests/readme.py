"""Reading the README the way a writer does: its tables of settings."""

import json
import re
from pathlib import Path
from typing import Any

from tests.sites import ROOT

README = ROOT / "README.md"
ROW = re.compile(r"^\| (.+?) \| (.+?) \| (.+) \|$")
CODE = re.compile(r"`([^`]+)`")


def literal(value: Any) -> str:
    """A default as the README writes it: Python, with strings in double quotes."""
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, list):
        return "[" + ", ".join(literal(item) for item in value) + "]"
    if isinstance(value, tuple):
        return "(" + ", ".join(literal(item) for item in value) + ")"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{literal(k)}: {literal(v)}" for k, v in value.items()) + "}"
    return repr(value)


def settings_rows(readme: Path = README) -> dict[str, tuple[str, str]]:
    """Setting name -> (default as written, meaning), from every settings table."""
    rows = {}
    for line in readme.read_text(encoding="utf-8").splitlines():
        match = ROW.match(line)
        if not match:
            continue
        names = [n for n in CODE.findall(match.group(1)) if re.fullmatch(r"[A-Z][A-Z0-9_]+", n)]
        defaults = CODE.findall(match.group(2))
        for position, name in enumerate(names):
            default = defaults[position] if len(defaults) == len(names) else ""
            if len(names) == 1 and defaults:
                default = defaults[0]
            rows[name] = (default, match.group(3))
    return rows
