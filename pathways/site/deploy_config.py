"""The `DEPLOY` setting checked before anything is built: every mistake in it is one line
naming the key and what to write, never a traceback or a deploy to a mistyped place."""

import difflib
from pathlib import Path

# Per target: the keys it needs, and those it may have.
TARGETS: dict[str, tuple[frozenset[str], frozenset[str]]] = {
    "folder": (frozenset({"path"}), frozenset()),
    "git": (frozenset({"repository"}), frozenset({"branch", "cname"})),
    "rsync": (
        frozenset({"destination"}),
        frozenset({"keep", "port", "identity", "known_hosts"}),
    ),
}


def _close(name: str, known: set[str] | frozenset[str]) -> str:
    match = difflib.get_close_matches(name, sorted(known), n=1, cutoff=0.6)
    return f" (did you mean {match[0]!r}?)" if match else ""


# Written into every site deployed to a folder: a folder without it is not ours to replace.
SITE_MARK = ".pathways-site"


def _folder_problem(path: Path, keep: tuple[Path, ...]) -> str | None:
    """What keeps `path` from being a folder the site is swapped into, or None. `keep` are
    folders a deploy must never replace (the project, its content, its build)."""
    for kept in keep:
        if path == kept or path in kept.parents:
            return f"{path} holds {kept}, which a deploy would delete: choose another folder"
    if path.is_dir() and any(path.iterdir()) and not (path / SITE_MARK).exists():
        return (
            f"{path} already holds files that are not a site published here; publish into a "
            "new or empty folder (nothing in it was changed)"
        )
    for parent in path.parents:
        if parent.exists() and not parent.is_dir():
            return f"{parent} is a file, not a folder"
    if path.exists() and not path.is_dir():
        return f"{path} is a file, not a folder"
    if not path.parent.is_dir():
        return f"{path.parent} does not exist: create it first, or correct the path"
    return None


def deploy_problems(config: object, keep: tuple[Path, ...] = ()) -> list[str]:
    """What is wrong with a `DEPLOY` value, one line each; empty when it can be used. A
    folder target may not be or hold any of the folders in `keep`."""
    if not isinstance(config, dict):
        return [f"DEPLOY must be a dict such as {{'target': 'folder', 'path': …}}, not {config!r}"]
    if not config:
        return []
    target = config.get("target")
    if target not in TARGETS:
        return [
            f"DEPLOY target {target!r} is not one of {', '.join(map(repr, TARGETS))}"
            + _close(str(target), set(TARGETS))
        ]
    required, optional = TARGETS[target]
    known = required | optional | {"target"}
    problems = [
        f"DEPLOY has an unknown key {key!r} for target {target!r}{_close(str(key), known)}"
        for key in config
        if key not in known
    ]
    for key in sorted(required | optional):
        value = config.get(key)
        if key in required and (value is None or value == ""):
            problems.append(f"DEPLOY needs {key!r} for target {target!r}")
        elif key == "keep" and value is not None:
            if not isinstance(value, int) or isinstance(value, bool) or value < 1:
                problems.append(f"DEPLOY 'keep' must be a whole number of 1 or more, not {value!r}")
        elif key == "port" and value is not None:
            if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= 65535:
                problems.append(f"DEPLOY 'port' must be a number from 1 to 65535, not {value!r}")
        elif value is not None and not isinstance(value, str):
            problems.append(f"DEPLOY {key!r} must be text, not {value!r}")
    if target == "folder" and isinstance(config.get("path"), str) and config["path"]:
        kept = tuple(folder.resolve() for folder in keep)
        problem = _folder_problem(Path(config["path"]).expanduser().resolve(), kept)
        if problem:
            problems.append(f"DEPLOY 'path': {problem}")
    return problems
