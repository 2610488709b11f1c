"""Templates compiled once, not on every build.

Jinja compiles each template from its source to Python the first time a build uses it,
about ten milliseconds a template, in each process that renders pages. With the build
cache on, the compiled code is kept there (Jinja's own bytecode cache, which checks each
template's source and compiles again when it changed).
"""

from typing import Any

from jinja2 import FileSystemBytecodeCache
from pelican import signals

from pathways.plugin_support import build_cache


def keep_compiled_templates(generator: Any) -> None:
    environment = getattr(generator, "env", None)
    cache = build_cache(generator.settings)
    if environment is None or cache is None or environment.bytecode_cache is not None:
        return
    folder = cache / "templates"
    folder.mkdir(parents=True, exist_ok=True)
    environment.bytecode_cache = FileSystemBytecodeCache(str(folder))


def register() -> None:
    signals.generator_init.connect(keep_compiled_templates)
