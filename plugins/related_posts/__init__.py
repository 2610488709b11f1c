"""Related posts under each article, from shared tags and shared words; deterministic.

Score: 3 per shared tag plus the overlap of the two posts' most frequent distinctive words
(Jaccard, times 10; words used by more than a tenth of all posts do not count). Only posts
sharing a tag or such a word are compared, through an index.
"""

import heapq
import re
from collections import Counter, defaultdict
from html import unescape
from typing import Any

from pelican import signals

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


def key_words(html: str) -> set[str]:
    plain = unescape(TAG.sub(" ", html)).lower()
    words = Counter(word for word in WORD.findall(plain) if word not in STOP_WORDS)
    return {word for word, _ in sorted(words.items(), key=lambda i: (-i[1], i[0]))[:TOP_WORDS]}


def relate(articles: list, count: int) -> dict[str, list]:
    tags = {a.slug: {t.slug for t in getattr(a, "tags", [])} for a in articles}
    words = {a.slug: key_words(a._content or "") for a in articles}
    # Words most posts use say little about any one of them, and would make every post a
    # candidate for every other; keep the distinctive ones.
    frequency = Counter(word for post_words in words.values() for word in post_words)
    limit = max(5, len(articles) // 10)
    words = {
        slug: {w for w in post_words if frequency[w] <= limit} for slug, post_words in words.items()
    }
    index: dict[str, set[str]] = defaultdict(set)
    for slug in tags:
        for key in {f"t:{t}" for t in tags[slug]} | {f"w:{w}" for w in words[slug]}:
            index[key].add(slug)
    by_slug = {a.slug: a for a in articles}
    newest_first = {a.slug: -a.date.timestamp() for a in articles}
    related = {}
    for article in articles:
        slug = article.slug
        own_tags, own_words = tags[slug], words[slug]
        keys = {f"t:{t}" for t in own_tags} | {f"w:{w}" for w in own_words}
        candidates = set().union(*(index[k] for k in keys)) - {slug} if keys else set()
        scored = []
        for other in candidates:
            other_words = words[other]
            union = len(own_words | other_words)
            overlap = len(own_words & other_words) / union if union else 0
            score = 3 * len(own_tags & tags[other]) + 10 * overlap
            if score > 0:
                scored.append((-score, newest_first[other], other))
        related[slug] = [by_slug[other] for _, _, other in heapq.nsmallest(count, scored)]
    return related


def add_related(generator: Any) -> None:
    count = generator.settings.get("RELATED_POSTS_COUNT", 3)
    related = relate(generator.articles, count)
    for article in generator.articles:
        article.related_posts = related[article.slug]


def register() -> None:
    signals.article_generator_finalized.connect(add_related)
