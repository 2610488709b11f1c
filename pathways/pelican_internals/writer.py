"""How Pelican's generators call its writer, read by argument name rather than position.

Generators call `Writer.write_file(name, template, context, …)` and `write_feed(…)` with
some arguments by position and some by name; the parallel writer collects those calls and
makes them later, with another template, so it reads and replaces arguments through the
method's own signature. The template variables in `SUBJECTS` and `LISTED` hold what a page
shows; render keys describe them.
"""

import inspect
from typing import Any

from pelican.writers import Writer

WRITE_FILE = inspect.signature(Writer.write_file)
WRITE_FEED = inspect.signature(Writer.write_feed)
# The variables that hold the post or page a page shows, and the page of posts a listing shows.
SUBJECTS = ("article", "page")
LISTED = ("articles_page", "dates_page")


def _position(name: str) -> int:
    """Where `name` comes in a call's positional arguments (after `self`)."""
    return list(WRITE_FILE.parameters).index(name) - 1


def file_argument(args: tuple, kwargs: dict, name: str) -> Any:
    """The argument `name` of a `write_file(*args, **kwargs)` call (None when not given)."""
    position = _position(name)
    return args[position] if len(args) > position else kwargs.get(name)


def with_file_argument(args: tuple, kwargs: dict, name: str, value: Any) -> tuple[tuple, dict]:
    """The same `write_file` call with `value` as its argument `name`."""
    position = _position(name)
    if len(args) > position:
        return (*args[:position], value, *args[position + 1 :]), kwargs
    return args, {**kwargs, name: value}


def feed_arguments(writer: Writer, args: tuple, kwargs: dict) -> dict[str, Any]:
    """A `write_feed(*args, **kwargs)` call's arguments by name, defaults included."""
    call = WRITE_FEED.bind(writer, *args, **kwargs)
    call.apply_defaults()
    return dict(call.arguments)
