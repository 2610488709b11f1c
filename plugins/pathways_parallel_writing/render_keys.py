"""Render keys: a hash of everything a page's template can see, so a page whose key is the
same as in the last build is known to render to the same text and need not be rendered.

A page's key is made of the site's key and the page's own:

- the site's key covers the code (every template the page's Jinja environment can load, the
  plugins and the `pathways` package, the versions of the packages that render), the settings,
  and every value of the build's shared context, with each post or page in it by its
  *outline*: all it carries except the parts only its own page shows (its text, table of
  contents, word count, comments, references and related posts; see `OWN_PAGE_ONLY` and
  `OWN_PAGE_LINKS`), and for a post without a `Summary:` the summary cut from its text;
- the page's own key covers its name and template, the variables it gets besides the shared
  context, and the full text of the post or page it shows and of the posts listed on it;
- a feed's own key covers its file, its options and the full text of the posts it shows.

So editing a post's text or a heading renders its own page again, the listing pages that
show it, and the pages of the posts whose related posts it changes; a change to its title,
date, tags, summary or comment count (or to a template, a setting or the code, the settings
file's functions included) renders every page again.
Values that cannot be described by their contents are described by `repr()`, which usually
names an address: such a page simply renders again each time.
"""

import dataclasses
import hashlib
import pickle
from collections.abc import Iterable, Mapping, Sequence
from importlib.metadata import version
from pathlib import Path
from typing import Any

from jinja2 import Environment
from markupsafe import Markup
from pelican.contents import Content
from pelican.paginator import Page, Paginator
from pelican.urlwrappers import URLWrapper

import pathways
from pathways.pelican_internals.content import HTML_ATTRIBUTE, content_html
from pathways.pelican_internals.writer import LISTED, SUBJECTS
from pathways.plugin_support import BUILD_LOCAL_SETTINGS, source_digest

# Parts of a post or page that the theme shows only on its own page: plain data, and links
# to other posts.
OWN_PAGE_ONLY = frozenset({HTML_ATTRIBUTE, "toc", "word_count", "comments", "references"})
OWN_PAGE_LINKS = frozenset({"related_posts"})
# Attributes that are not content: the settings and context every item carries.
NOT_CONTENT = frozenset({"settings", "_context"})
MEMO_SIZE = 8
# Context lists Pelican fills in the order of a set of file names, which differs from one
# build to the next: described in the order of their files.
UNORDERED = ("staticfiles",)
BUILD_PACKAGES = ("pelican", "jinja2", "markdown", "pygments", "typogrify", "smartypants",
                  "minify-html", "brotli", "rcssmin")  # fmt: skip


def _digest(*parts: str) -> str:
    hasher = hashlib.sha256()
    for part in parts:
        hasher.update(part.encode("utf-8", "surrogatepass"))
        hasher.update(b"\0")
    return hasher.hexdigest()


def _shared(context: Mapping[str, Any]) -> dict[str, Any]:
    """The context but for the settings that differ between builds of the same site, with
    the lists in no particular order sorted."""
    shared = {name: value for name, value in context.items() if name not in BUILD_LOCAL_SETTINGS}
    for name in UNORDERED:
        if isinstance(shared.get(name), list):
            shared[name] = sorted(shared[name], key=lambda item: str(item.source_path))
    return shared


def code_digest(environment: Environment, settings: Mapping[str, Any]) -> str:
    """The templates the environment can load, the theme's static files (their fingerprinted
    names end up in pages), the site's Python code, and the versions of the packages used."""
    parts = [",".join(version(package) for package in BUILD_PACKAGES)]
    for name in sorted(environment.list_templates()):
        source, _, _ = environment.loader.get_source(environment, name)
        parts += [name, source]
    theme = Path(settings["THEME"])
    for static in settings["THEME_STATIC_PATHS"]:
        for path in sorted((theme / static).rglob("*")):
            if path.is_file():
                parts += [str(path), hashlib.sha256(path.read_bytes()).hexdigest()]
    folders = [Path(pathways.__file__).parent, *(Path(path) for path in settings["PLUGIN_PATHS"])]
    for folder in folders:
        for path in sorted(folder.rglob("*.py")):
            parts += [str(path), path.read_text(encoding="utf-8")]
    return _digest(*parts)


def outlines(items: Sequence[Content], numbers: Iterable[int]) -> dict[int, str]:
    """The outlines of `items[n]` for each n of `numbers`, by n (to be given to `RenderKeys`
    by the items' ids, in the process that forked the one working them out)."""
    describer = RenderKeys({}, "")
    return {number: describer.outline(items[number]) for number in numbers}


class RenderKeys:
    """The render keys of a build's pages (see the module's docstring)."""

    def __init__(
        self, context: Mapping[str, Any], code: str, known: Mapping[int, str] | None = None
    ) -> None:
        """`known`: outlines worked out already (by `outlines`), by the item's id."""
        self._context = context
        self._outlines: dict[int, str] = dict(known or {})
        self._texts: dict[int, str] = {}
        # Items named by descriptions since the last look, but for those in the site's key.
        self._named: list[Content] = []
        self._in_site: set[int] = set()
        self._describing: set[int] = set()
        # Descriptions of long lists and mappings by id, with the value (so the id stays its)
        # and the items it names.
        self._described: dict[int, tuple[Any, str, list[Content]]] = {}
        described = self._describe(_shared(context))
        while self._named:  # every item the shared context leads to, however far
            self._outline(self._named.pop())
        self.site = _digest(code, described, *sorted(self._outlines.values()))
        self._in_site = set(self._outlines)
        for key, (value, described, _) in self._described.items():
            self._described[key] = (value, described, [])  # all in the site's key

    def page(self, name: str, template: str, localcontext: Mapping[str, Any]) -> str:
        parts = [self.site, name, template]
        for variable in sorted(localcontext):
            value = localcontext[variable]
            if self._context.get(variable, parts) is value:
                continue
            if variable in SUBJECTS and isinstance(value, Content):
                described = self._full(value)
            elif variable in LISTED and isinstance(value, Page):
                described = "|".join(self._full(item) for item in value.object_list)
                described += self._describe(value)
            else:
                described = self._describe(value)
            parts += [variable, described]
        return self._key(parts)

    def feed(
        self, name: str, context: Mapping[str, Any], shown: Sequence[Content], options: Mapping
    ) -> str:
        """A feed's key: its file, its options (address, type, title), the context it is
        written with (when it is not the shared one) and the posts it shows, in full."""
        parts = [self.site, name, self._describe(dict(options))]
        if context is not self._context:
            parts.append(self._describe(_shared(context)))
        parts += [self._full(item) for item in shown]
        return self._key(parts)

    def _key(self, parts: list[str]) -> str:
        """The key of `parts`, with the outlines of the items they named outside the site's
        key."""
        named, self._named = self._named, []
        outside = {self._outline(item) for item in named}
        self._named = []
        return _digest(*parts, *sorted(outside))

    def _full(self, item: Content) -> str:
        """An item with everything its own page shows."""
        key = id(item)
        if key not in self._texts:
            own = {name: getattr(item, name, None) for name in sorted(OWN_PAGE_ONLY)}
            try:
                # Text, headings and comments: plain data, which pickle describes fastest.
                described = hashlib.sha256(pickle.dumps(own, protocol=5)).hexdigest()
            except (pickle.PicklingError, TypeError, AttributeError):
                described = self._describe(own)
            links = {name: getattr(item, name, None) for name in sorted(OWN_PAGE_LINKS)}
            self._texts[key] = _digest(self._outline(item), described, self._describe(links))
        return self._texts[key]

    def outline(self, item: Content) -> str:
        """All an item carries but the parts only its own page shows, as a hash."""
        return self._outline(item)

    def _outline(self, item: Content) -> str:
        key = id(item)
        if key not in self._outlines:
            fields = {
                name: value
                for name, value in vars(item).items()
                if name not in OWN_PAGE_ONLY | OWN_PAGE_LINKS and name not in NOT_CONTENT
            }
            if "summary" not in item.metadata:
                # Other pages show the summary Pelican cuts from the text, not the text: an
                # edit after the first words changes no other page's view of the post.
                html = content_html(item)
                fields["summary"] = str(item.summary) if html else html
            fields["class"] = type(item).__qualname__
            self._outlines[key] = _digest(self._describe(fields, top=item))
        return self._outlines[key]

    def _describe(self, value: Any, top: Any = None) -> str:
        """A text that is the same for equal contents, naming other items by their path."""
        if value is None or isinstance(value, bool | int | float | str):
            return repr(value) if not isinstance(value, Markup) else repr(str(value))
        key = id(value)
        if key in self._described:
            _, described, named = self._described[key]
            self._named.extend(named)
            return described
        if key in self._describing:
            return "<again>"  # a value that contains itself, such as a reply and its parent
        self._describing.add(key)
        first_named = len(self._named)
        try:
            described = self._describe_contents(value, top)
        finally:
            self._describing.discard(key)
        if isinstance(value, list | tuple | Mapping) and len(value) > MEMO_SIZE:
            # Long lists (a tag's posts) are the same object on each page of a listing.
            described = f"#{_digest(described)}"
            self._described[key] = (value, described, self._named[first_named:])
        return described

    def _describe_contents(self, value: Any, top: Any) -> str:
        if isinstance(value, Content) and value is not top:
            if id(value) not in self._in_site:
                self._named.append(value)
            return f"<{type(value).__name__} {value.source_path}>"
        if isinstance(value, URLWrapper):
            return f"<{type(value).__name__} {value.name!r} {value.slug!r}>"
        if isinstance(value, Mapping):
            items = sorted(
                (self._describe(key), self._describe(item)) for key, item in value.items()
            )
            return "{" + ",".join(f"{key}:{item}" for key, item in items) + "}"
        if isinstance(value, list | tuple):
            return "[" + ",".join(self._describe(item) for item in value) + "]"
        if isinstance(value, set | frozenset):
            return "{" + ",".join(sorted(self._describe(item) for item in value)) + "}"
        if isinstance(value, Page):
            items = self._describe(list(value.object_list))
            return f"<Page {value.number} of {value.paginator.num_pages} {value.save_as} {items}>"
        if isinstance(value, Paginator):
            return f"<Paginator {value.name} {value.count} {value.per_page}>"
        if isinstance(value, type) or callable(value):
            name = getattr(value, "__qualname__", repr(value))
            return f"<{getattr(value, '__module__', '')}.{name} {source_digest(value)}>"
        if dataclasses.is_dataclass(value):
            return f"<{type(value).__qualname__} {self._describe(vars(value))}>"
        return repr(value)
