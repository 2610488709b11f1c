"""A glossary: terms defined once in `content/glossary/*.md`, explained where posts use them.

Each file holds `Term:`, optional `Aliases:` (comma-separated) and the definition in Markdown.
The first use of a term in a post becomes a button that opens the definition in a popover
(HTML's `popover`: keyboard, touch and screen readers, no JavaScript). The context gets
`glossary` for the page listing every term with the posts that use it.
"""

import logging
import re
from pathlib import Path
from typing import Any

from markdown import Markdown
from pelican import signals
from pelican.utils import slugify
from smartypants import smartypants

from pathways.pelican_internals.content import content_html, set_content_html
from pathways.plugin_support import post_refreshed

logger = logging.getLogger(__name__)

SKIPPED_PARENTS = {"a", "code", "pre", "h1", "h2", "h3", "h4", "h5", "h6", "button", "dfn",
                   "abbr", "script", "style", "sup", "blockquote", "summary"}  # fmt: skip


def read_glossary(folder: Path, settings: dict) -> list[dict]:
    """The terms, with the definition rendered inline (it is shown inside a sentence)."""
    if not folder.is_dir():
        return []
    markdown = Markdown(extensions=["markdown.extensions.meta"])
    terms = []
    for path in sorted(folder.glob("*.md")):
        markdown.reset()
        html = markdown.convert(path.read_text(encoding="utf-8"))
        meta = {key.lower(): " ".join(value) for key, value in markdown.Meta.items()}
        name = meta.get("term", "").strip()
        if not name or not html.strip():
            logger.warning("%s: a glossary entry needs a 'Term:' and a definition", path)
            continue
        slug = slugify(name, regex_subs=settings["SLUG_REGEX_SUBSTITUTIONS"])
        aliases = [a.strip() for a in meta.get("aliases", "").split(",") if a.strip()]
        words = sorted({name, *aliases}, key=len, reverse=True)
        pattern = re.compile(r"\b(" + "|".join(map(re.escape, words)) + r")\b", re.IGNORECASE)
        inline = re.sub(r"</?p>", " ", html).strip()
        if settings["TYPOGRIFY"]:
            inline = smartypants(inline)
        terms.append({"term": name, "slug": slug, "definition": inline, "pattern": pattern,
                      "posts": []})  # fmt: skip
    return terms


def explain_first_uses(html: str, terms: list[dict], glossary_url: str) -> tuple[str, list]:
    """The HTML with each term's first use explained, and the terms that were used."""
    lowered = html.lower()
    candidates = [t for t in terms if t["pattern"].search(lowered)]
    if not candidates:
        return html, []
    # Imported here, when a post uses a term: it takes longer to import than many builds
    # spend on the glossary.
    from bs4 import BeautifulSoup, NavigableString

    soup = BeautifulSoup(html, "html.parser")
    used = []
    for term in candidates:
        for node in soup.find_all(string=term["pattern"]):
            if any(parent.name in SKIPPED_PARENTS for parent in node.parents):
                continue
            match = term["pattern"].search(node)
            before, word, after = node[: match.start()], match.group(0), node[match.end() :]
            popover = f"glossary-{term['slug']}"
            fragment = BeautifulSoup(
                f'<button type="button" class="glossary-term" popovertarget="{popover}">{word}'
                f'</button><span class="glossary-popover" id="{popover}" popover role="note">'
                f"<dfn>{term['term']}</dfn>: {term['definition']} "
                f'<a href="{glossary_url}#term-{term["slug"]}">All terms</a></span>',
                "html.parser",
            )
            node.replace_with(NavigableString(before), *fragment.contents, NavigableString(after))
            used.append(term)
            break
    return str(soup), used


def _glossary_url(settings: dict) -> str:
    return f"{settings.get('SITEURL', '')}/{settings.get('GLOSSARY_URL', 'glossary/')}"


def apply_glossary(generator: Any) -> None:
    settings = generator.settings
    folder = Path(settings["PATH"]) / settings["GLOSSARY_PATH"]
    terms = read_glossary(folder, settings)
    url = _glossary_url(settings)
    for article in [*generator.articles, *generator.drafts]:
        text, used = explain_first_uses(content_html(article), terms, url)
        set_content_html(article, text)
        for term in used:
            if article.status != "draft":
                term["posts"].append(article)
    generator.context["glossary"] = terms


def refresh_post(generator: Any, article: Any) -> None:
    """A post re-read by the preview gets its terms explained again."""
    terms = generator.context.get("glossary", [])
    url = _glossary_url(generator.settings)
    set_content_html(article, explain_first_uses(content_html(article), terms, url)[0])


def register() -> None:
    signals.article_generator_finalized.connect(apply_glossary)
    post_refreshed.connect(refresh_post)
