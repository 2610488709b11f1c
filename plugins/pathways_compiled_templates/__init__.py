"""Templates compiled once, not on every build.

Jinja compiles each template from its source to Python the first time a build uses it,
about ten milliseconds a template, in each process that renders pages. With the build
cache on, the compiled code is kept there (Jinja's own bytecode cache, which checks each
template's source and compiles again when it changed), in a folder named after what else
the compiled code depends on: Jinja's version, the environment's options, and its filters
and tests (whether one is given the context is settled when compiling, and one applied to
a constant is run then), each by its name and, but for Jinja's and Pelican's, its source.
"""

import hashlib
from importlib.metadata import version
from typing import Any

from jinja2 import Environment, FileSystemBytecodeCache
from pelican import signals

from pathways.plugin_support import build_cache, source_digest

# The environment's options that change what a template compiles to.
COMPILING = (
    "block_start_string", "block_end_string", "variable_start_string", "variable_end_string",
    "comment_start_string", "comment_end_string", "line_statement_prefix",
    "line_comment_prefix", "trim_blocks", "lstrip_blocks", "newline_sequence",
    "keep_trailing_newline", "optimized", "autoescape", "finalize", "is_async",
)  # fmt: skip


# Packages whose functions are known by their version, not read.
VERSIONED = ("jinja2", "markupsafe", "pelican")


def _named(value: Any) -> str:
    if not callable(value):
        return repr(value)
    module = getattr(value, "__module__", None) or type(value).__module__
    name = getattr(value, "__qualname__", None) or type(value).__qualname__
    if module.partition(".")[0] in VERSIONED:
        return f"{module}.{name}"
    return f"{module}.{name} {source_digest(value)}"


def compiled_for(environment: Environment) -> str:
    """A name for what the environment's compiled templates depend on besides their source."""
    parts = [*(version(package) for package in VERSIONED), *sorted(environment.extensions)]
    parts += [f"{option}={_named(getattr(environment, option))}" for option in COMPILING]
    for kind, table in (("filter", environment.filters), ("test", environment.tests)):
        parts += [f"{kind} {name} {_named(function)}" for name, function in sorted(table.items())]
    return hashlib.sha256("\n".join(parts).encode("utf-8")).hexdigest()[:16]


def keep_compiled_templates(generator: Any) -> None:
    environment = getattr(generator, "env", None)
    cache = build_cache(generator.settings)
    if environment is None or cache is None or environment.bytecode_cache is not None:
        return
    folder = cache / "templates" / compiled_for(environment)
    folder.mkdir(parents=True, exist_ok=True)
    environment.bytecode_cache = FileSystemBytecodeCache(str(folder))


def register() -> None:
    signals.generator_init.connect(keep_compiled_templates)
