"""Related posts under each article, from shared tags and shared words; deterministic.

Score: 3 per shared tag plus the overlap of the two posts' most frequent distinctive words
(Jaccard, times 10; words used by more than a tenth of all posts do not count); ties go to the
newer post. Only posts sharing a word are scored one by one; among those sharing only tags,
the best are found by counting shared tags, so a blog with a few big tags stays fast. Each
post's words are kept in the build cache by a hash of its text, so a rebuild counts only the
words of posts that changed.
"""

import hashlib
import heapq
import re
from collections import Counter, defaultdict
from collections.abc import Callable
from html import unescape
from itertools import chain, islice
from pathlib import Path
from typing import Any

from pelican import signals

from pathways.pelican_internals.content import content_html
from pathways.plugin_support import build_cache, build_workers, keep, load_kept, parallel_map

WORD = re.compile(r"[a-z][a-z'-]{3,}")
TAG = re.compile(r"<[^>]+>")
# Common English words that say nothing about a post's subject.
STOP_WORDS = frozenset({
    "about", "after", "again", "also", "always", "because", "been", "before", "being",
    "between", "both", "could", "does", "doing", "down", "during", "each", "even", "every",
    "from", "have", "having", "here", "into", "just", "like", "made", "make", "more", "most",
    "much", "only", "other", "over", "same", "should", "some", "such", "than", "that",
    "their", "them", "then", "there", "these", "they", "this", "those", "through", "under",
    "until", "very", "were", "what", "when", "where", "which", "while", "will", "with",
    "would", "your", "yours", "myself", "itself", "really", "thing", "things", "still",
    "know", "feel", "felt", "time",
})  # fmt: skip
TOP_WORDS = 25
KEPT_WORDS = "related-words.pickle"


def key_words(html: str) -> set[str]:
    plain = unescape(TAG.sub(" ", html)).lower()
    words = Counter(word for word in WORD.findall(plain) if word not in STOP_WORDS)
    return {word for word, _ in sorted(words.items(), key=lambda i: (-i[1], i[0]))[:TOP_WORDS]}


class KeptWords:
    """Each post's key words by a hash of its text, kept between builds in `folder`."""

    def __init__(self, folder: Path | None, workers: int = 1) -> None:
        self._path = folder / KEPT_WORDS if folder is not None else None
        self._kept = (load_kept(self._path) if self._path else None) or {}
        self._used: dict[str, frozenset[str]] = {}
        self._workers = workers
        self._digests: dict[str, str] = {}

    def count(self, htmls: list[str]) -> None:
        """Work out the key words of the texts not kept yet, in `workers` processes at once."""
        for html in htmls:
            if html not in self._digests:
                self._digests[html] = _digest(html)
        new = [
            html
            for html, digest in self._digests.items()
            if digest not in self._kept and digest not in self._used
        ]
        for html, words in zip(new, parallel_map(key_words, new, self._workers), strict=True):
            self._used[self._digests[html]] = frozenset(words)

    def __call__(self, html: str) -> set[str]:
        digest = self._digests.get(html) or _digest(html)
        if digest not in self._used:
            kept = self._kept.get(digest)
            self._used[digest] = kept if kept is not None else frozenset(key_words(html))
        return set(self._used[digest])

    def save(self) -> None:
        if self._path is not None and self._used != self._kept:
            keep(self._path, self._used)


def _digest(html: str) -> str:
    return hashlib.sha256(html.encode("utf-8", "surrogatepass")).hexdigest()


def relate(
    articles: list, count: int, words_of: Callable[[str], set[str]] = key_words
) -> dict[str, list]:
    # Posts by rank: newest first, then by slug, the order ties are broken in.
    ranked = sorted(articles, key=lambda a: (-a.date.timestamp(), a.slug))
    tags = [{t.slug for t in getattr(a, "tags", [])} for a in ranked]
    words = [words_of(content_html(a)) for a in ranked]
    # Words most posts use say little about any one of them, and would make every post a
    # candidate for every other; keep the distinctive ones.
    frequency = Counter(word for post_words in words for word in post_words)
    limit = max(5, len(articles) // 10)
    words = [{w for w in post_words if frequency[w] <= limit} for post_words in words]
    by_tag: dict[str, list[int]] = defaultdict(list)
    by_word: dict[str, list[int]] = defaultdict(list)
    for rank, (post_tags, post_words) in enumerate(zip(tags, words, strict=True)):
        for tag in post_tags:
            by_tag[tag].append(rank)
        for word in post_words:
            by_word[word].append(rank)
    # For each set of tags, the posts sharing any of them: most shared tags first, newest
    # among equals (the lowest rank). Posts with the same tags share the list.
    by_tags: dict[frozenset[str], list[tuple[int, int]]] = {}
    related = {}
    for rank, article in enumerate(ranked):
        own_tags, own_words = tags[rank], words[rank]
        sharing_words = set(chain.from_iterable(by_word[w] for w in own_words)) - {rank}
        # Scored one by one: posts sharing words (3 per shared tag plus the word overlap).
        scored = []
        for other in sharing_words:
            other_words = words[other]
            overlap = len(own_words & other_words) / len(own_words | other_words)
            scored.append((-(3 * len(own_tags & tags[other]) + 10 * overlap), other))
        # The others score 3 per shared tag: the first of this tag set's list.
        key = frozenset(own_tags)
        if key not in by_tags:
            shared = Counter(chain.from_iterable(by_tag[t] for t in own_tags))
            by_tags[key] = sorted((-number, other) for other, number in shared.items())
        tag_only = (
            (3 * least, other)
            for least, other in by_tags[key]
            if other != rank and other not in sharing_words
        )
        scored += islice(tag_only, count)
        related[article.slug] = [ranked[other] for _, other in heapq.nsmallest(count, scored)]
    return related


def add_related(generator: Any) -> None:
    count = generator.settings["RELATED_POSTS_COUNT"]
    kept = KeptWords(build_cache(generator.settings), build_workers(generator.settings))
    kept.count([content_html(article) for article in generator.articles])
    related = relate(generator.articles, count, kept)
    kept.save()
    for article in generator.articles:
        article.related_posts = related[article.slug]


def register() -> None:
    signals.article_generator_finalized.connect(add_related)
