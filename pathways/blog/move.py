"""`pathways move-blog OLD NEW`: carry a blog made the old way (a clone of the engine's
repository, made hers by the old `make new-blog`) into a blog folder of its own.

Carried: all of `content/` (posts, pages, images, comments, `extra/`, the glossary, the
Blogger import's state file), and her settings: each top-level value of her settings files
that differs from the engine's default (equal ones are left to the engine, so its new
defaults reach her). Her changes to the theme's templates become her own templates
(`templates/`), compared with the release her clone last took from the engine (its git
upstream), or with this engine's theme when there is no such record. What cannot be carried
is listed: other changes to the theme, her changes to plugins, the Makefile or the engine's
code, settings that are not plain values, and the timers she installed from the old folder.
"""

import argparse
import ast
import importlib
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

from pathways import engine
from pathways.blog.layout import OVERRIDES
from pathways.blog.new import channel_for, first_commit, make_blog

# Settings that say where the engine's own files are: the new folder's defaults hold them.
ENGINE_LAYOUT = {
    "PATH",
    "OUTPUT_PATH",
    "THEME",
    "PLUGIN_PATHS",
    "PLUGINS",
    "THEME_TEMPLATES_OVERRIDES",
    "FEED_DOMAIN",
}
# What in a clone is the engine's, and whose changes cannot be carried.
ENGINE_CODE = ("plugins", "pathways", "Makefile", "server")


def _defaults(module: str) -> dict[str, Any]:
    """The settings an engine's defaults module sets."""
    return {
        name: value
        for name, value in vars(importlib.import_module(module)).items()
        if name.isupper()
    }


def _assigned(path: Path) -> tuple[dict[str, Any], list[str]]:
    """The plain values a settings file sets at its top level, and the names it sets to
    something else (an expression, a function)."""
    values, other = {}, []
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if not (isinstance(node, ast.Assign) and len(node.targets) == 1):
            continue
        target = node.targets[0]
        if not (isinstance(target, ast.Name) and target.id.isupper()):
            continue
        try:
            values[target.id] = ast.literal_eval(node.value)
        except ValueError:
            other.append(target.id)
    return values, other


def her_settings(old: Path) -> tuple[dict[str, dict[str, Any]], list[str]]:
    """Her values, for the new preview and production settings, and what was not carried."""
    preview_defaults = _defaults("pathways.defaults")
    production_defaults = _defaults("pathways.defaults.production")
    preview, other = _assigned(old / "pelicanconf.py")
    publish, publish_other = _assigned(old / "publishconf.py")
    kept_preview = {
        name: value
        for name, value in preview.items()
        if name not in ENGINE_LAYOUT and preview_defaults.get(name, object()) != value
    }
    production = {**preview_defaults, **kept_preview, **production_defaults}
    kept_publish = {
        name: value
        for name, value in publish.items()
        if name not in ENGINE_LAYOUT and production.get(name, object()) != value
    }
    kept_preview.setdefault("SITENAME", preview.get("SITENAME", old.name))
    not_carried = [
        f"{file}: {name} is not a plain value; set it again in the new {file}"
        for file, names in (("pelicanconf.py", other), ("publishconf.py", publish_other))
        for name in names
        if name not in ENGINE_LAYOUT
    ]
    if "PLUGINS" in preview and preview["PLUGINS"] != preview_defaults["PLUGINS"]:
        not_carried.append(
            "pelicanconf.py: PLUGINS differs from the engine's list; add your own plugins"
            " to plugins/ and PLUGINS = [*PLUGINS, ...] in the new pelicanconf.py"
        )
    return {"preview": kept_preview, "publish": kept_publish}, not_carried


def _git(old: Path, *args: str) -> str | None:
    result = subprocess.run(["git", "-C", str(old), *args], capture_output=True, text=True)
    return result.stdout if result.returncode == 0 else None


def changed_engine_files(old: Path) -> tuple[list[str], str]:
    """The files of the engine (theme, plugins, code) the clone at `old` changed, and what
    they were compared with."""
    base = _git(old, "merge-base", "HEAD", "@{upstream}")
    if base:
        base = base.strip()
        folders = ("theme", *ENGINE_CODE)
        changed = (_git(old, "diff", "--name-only", base, "--", *folders) or "").split()
        added = (_git(old, "ls-files", "--others", "--exclude-standard", *folders) or "").split()
        return sorted(set(changed) | set(added)), f"the engine's commit {base[:12]}"
    changed = []
    for path in sorted((old / "theme").rglob("*")):
        if path.is_file():
            relative = path.relative_to(old / "theme")
            shipped = engine.THEME / relative
            if not shipped.exists() or shipped.read_bytes() != path.read_bytes():
                changed.append(f"theme/{relative.as_posix()}")
    return changed, f"this engine's theme ({engine.__version__}; no record of the release)"


def move(old: Path, new: Path) -> tuple[list[str], list[str]]:
    """Make the blog `new` from the clone `old`; returns what was carried and what not."""
    settings, not_carried = her_settings(old)
    make_blog(new, settings, channel_for(None))
    shutil.copytree(old / "content", new / "content", dirs_exist_ok=True)
    carried = ["content/ (posts, pages, images, comments, extra/, the import's state)"]
    carried.append("settings: " + ", ".join(sorted({*settings["preview"], *settings["publish"]})))
    changed, compared = changed_engine_files(old)
    for name in changed:
        templates = "theme/templates/"
        if name.startswith(templates) and (old / name).is_file():
            target = new / OVERRIDES / name.removeprefix(templates)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(old / name, target)
            carried.append(f"{name} → {OVERRIDES}/{name.removeprefix(templates)}")
        else:
            not_carried.append(f"{name}: changed from {compared}; not carried")
    if (old / "publishing").is_dir():
        not_carried.append(
            f"timers or cron lines installed from {old}/publishing/ still publish the old"
            f" folder: install them again from {new}/publishing/"
        )
    return carried, not_carried


def run(args: argparse.Namespace, settings_file: Path) -> int:
    old, new = Path(args.old).resolve(), Path(args.new).resolve()
    if not (old / "pelicanconf.py").is_file() or not (old / "content").is_dir():
        print(f"move-blog: {old} is not a blog (no pelicanconf.py and content/)", file=sys.stderr)
        return 2
    if new.exists() and (not new.is_dir() or any(new.iterdir())):
        print(f"move-blog: {new} is not an empty folder; nothing was changed", file=sys.stderr)
        return 2
    carried, not_carried = move(old, new)
    print(f"Made {new} from {old}. Carried:")
    print("\n".join(f"  {line}" for line in carried))
    if not_carried:
        print("Not carried:")
        print("\n".join(f"  {line}" for line in not_carried))
    print(f"The new folder: {first_commit(new)}")
    print(f"Build it with `make html` in {new}; {old} was left as it was.")
    return 0


def add_parser(commands: argparse._SubParsersAction) -> argparse.ArgumentParser:
    move_blog = commands.add_parser(
        "move-blog", help="move a blog made in a copy of the engine into a folder of its own"
    )
    move_blog.add_argument("old", help="the blog made the old way (a clone of the engine)")
    move_blog.add_argument("new", help="the new blog's folder (new, or empty)")
    return move_blog
