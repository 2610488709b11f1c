"""The Markdown a writer edits behind each built page: front matter read as Pelican reads
it, and the source file (and line) of a post, page or comment found in the built site."""

import re
from functools import cached_property
from pathlib import Path

import markdown
from pelican.utils import get_date, slugify

COMMENT_ANCHOR = re.compile(r"comment-(?P<id>[\w-]+)$")
CODE_SPAN = re.compile(r"(`+).*?\1")


def front_matter(text: str) -> dict[str, str]:
    """The `Key: value` header of a Markdown post, keys in lower case, as Pelican's Markdown
    reader (Python-Markdown's `meta` extension) reads it; continuation lines are joined."""
    header = text.replace("\r\n", "\n").split("\n\n", 1)[0]
    md = markdown.Markdown(extensions=["meta"])
    md.convert(header + "\n\n")
    return {key: " ".join(values).strip() for key, values in md.Meta.items()}


def line_of(path: Path, needle: str) -> int | None:
    """The first line of `path` that contains `needle` outside code (a code span or a fenced
    block shows markup rather than using it), else the first that contains it at all."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return None
    fenced = False
    for number, line in enumerate(lines, 1):
        if line.lstrip().startswith(("```", "~~~")):
            fenced = not fenced
        elif not fenced and needle in CODE_SPAN.sub("", line):
            return number
    return next((number for number, line in enumerate(lines, 1) if needle in line), None)


class Sources:
    """Built pages and comments mapped back to the files in `content/`."""

    def __init__(self, settings: dict) -> None:
        self.settings = settings
        self.content = Path(settings["PATH"])

    def markdown_files(self, setting: str) -> list[Path]:
        folders = [self.content / folder for folder in self.settings[setting]]
        return sorted(path for folder in folders for path in folder.rglob("*.md"))

    def _built(self, source: Path, pattern: str) -> tuple[str | None, str]:
        """Where Pelican writes `source`, and its slug."""
        meta = front_matter(source.read_text(encoding="utf-8"))
        slug = meta.get("slug") or slugify(
            meta.get("title", source.stem), regex_subs=self.settings["SLUG_REGEX_SUBSTITUTIONS"]
        )
        if meta.get("save_as"):
            return meta["save_as"], slug
        fields: dict = {"slug": slug, "lang": self.settings["DEFAULT_LANG"]}
        try:
            if meta.get("date"):
                fields["date"] = get_date(meta["date"])
            return pattern.format(**fields), slug
        except (KeyError, ValueError, IndexError):
            return None, slug

    @cached_property
    def pages(self) -> dict[str, tuple[Path, str]]:
        """Built file (relative to the output) → the post or page it was written from, and
        its slug."""
        found = {}
        for setting, pattern in (
            ("PAGE_PATHS", "PAGE_SAVE_AS"),
            ("ARTICLE_PATHS", "ARTICLE_SAVE_AS"),
        ):
            for source in self.markdown_files(setting):
                save_as, slug = self._built(source, self.settings[pattern])
                if save_as:
                    found[save_as] = (source, slug)
        return found

    def source(self, page: str, anchor_ids: list[str]) -> Path | None:
        """The file behind what was found on `page` (relative to the output): the comment
        whose anchor is among `anchor_ids`, else the post or page itself."""
        if page not in self.pages:
            return None
        post, slug = self.pages[page]
        comments = self.content / self.settings["COMMENTS_PATH"] / slug
        for anchor in anchor_ids:
            match = COMMENT_ANCHOR.match(anchor)
            if match and (comments / f"{match['id']}.md").is_file():
                return comments / f"{match['id']}.md"
        return post
