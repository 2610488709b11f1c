"""Settings that changed name between engine versions: `make upgrade` renames each in a
blog's settings files with a message, and a build names the new name of an old one.

`RENAMED` maps an old name to its new name and the version that renamed it.
"""

import ast
from pathlib import Path

RENAMED: dict[str, tuple[str, str]] = {}


def rename_settings(path: Path, renamed: dict[str, tuple[str, str]] = RENAMED) -> list[str]:
    """Rename, in the settings file at `path`, every old name it uses (where it is set and
    where it is read), leaving everything else as it was; returns a message for each."""
    text = path.read_text(encoding="utf-8")
    lines = text.splitlines(keepends=True)
    found: dict[str, list[tuple[int, int]]] = {}
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, ast.Name) and node.id in renamed:
            found.setdefault(node.id, []).append((node.lineno - 1, node.col_offset))
    places = sorted(
        ((line, column, old) for old, spots in found.items() for line, column in spots),
        reverse=True,
    )
    for line, column, old in places:
        new = renamed[old][0]
        row = lines[line]
        lines[line] = row[:column] + new + row[column + len(old) :]
    if found:
        path.write_text("".join(lines), encoding="utf-8")
    return [
        f"{path.name}: {old} is now called {renamed[old][0]} (since {renamed[old][1]}); renamed"
        for old in sorted(found)
    ]
