"""The posts of the build benchmark's corpora, by a fixed seed (tests read them too).

"summaries": posts with a `Summary:`, short paragraphs, headings, lists, quotes, a footnote,
code, an image, three tags each and a few series. "plain": ordinary posts with no `Summary:`
(listings cut one from the text), 6 to 14 long paragraphs with quotes, dashes and capitals,
a heading or two and one to three code blocks.
"""

import random
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

WORDS = ["rest", "energy", "walk", "infusion", "calm", "doctor", "sleep", "pain", "better",
         "hope", "breath", "slowly", "nausea", "clinic", "fatigue", "recovery", "morning",
         "evening", "family", "support", "symptoms", "heart", "brain", "nervous",
         "system"]  # fmt: skip
TAGS = ["ketamine", "recovery", "sleep", "fatigue", "family", "doctors", "diet", "exercise",
        "anxiety", "hope", "pain", "research"]  # fmt: skip


def words(rng: random.Random, count: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(count))


FIRST_POST = datetime(2015, 1, 1, 9, tzinfo=UTC)
LAST_POST = datetime(2026, 1, 1, 9, tzinfo=UTC)


def post_interval(posts: int) -> timedelta:
    """Posts 37 hours apart, or closer when needed for all of them to be in the past (a post
    dated in the future is scheduled, left out of our build but not of vanilla Pelican's)."""
    return min(timedelta(hours=37), (LAST_POST - FIRST_POST) / max(posts, 1))


def post_text(rng: random.Random, number: int, posts: int) -> str:
    tags = ", ".join(rng.sample(TAGS, 3))
    date = FIRST_POST + post_interval(posts) * number
    meta = [
        f"Title: Post {number}: {words(rng, 3)}",
        f"Date: {date:%Y-%m-%d %H:%M}+00:00",
        f"Tags: {tags}",
        f"Summary: {words(rng, 20).capitalize()}.",
    ]
    if number % 10 == 0:
        meta += [f"Series: Series {number // 50}", f"Series-Order: {number % 50}"]
    body = [f"{words(rng, 60).capitalize()}[^1]."]
    for section in range(4):
        body.append(f"## Section {section + 1}")
        body += [f"{words(rng, 70).capitalize()}." for _ in range(2)]
        body.append("\n".join(f"- {words(rng, 6)}" for _ in range(4)))
        body.append(f"> {words(rng, 25).capitalize()}.")
    body.append("```python\ndef rest(hours):\n    return hours * 2\n```")
    body.append("![A path drawn between two dots]({static}/images/path.svg)")
    body.append(f"[^1]: {words(rng, 12).capitalize()}.")
    return "\n".join(meta) + "\n\n" + "\n\n".join(body) + "\n"


# Sentences of an ordinary post: quotes, apostrophes, dashes and dots for typography to work on.
SENTENCES = ["I'm not sure what \"better\" means anymore -- some days it's just {w}.",
             "The doctor said {w}, and I wrote it down... twice.",
             "We walked to the {w} in the morning; it took 40 minutes (it used to take 15).",
             "My sister's note read: \"{w}.\" I kept it on the fridge.",
             "It's been a year since the first infusion and I'd call it {w}.",
             "Nobody warned me about the {w} -- or about the 'good' days either.",
             "The ME/CFS clinic at the NHS trust asked about {w} again.",
             "Some of you asked what a day looks like: {w}, rest, {w}."]  # fmt: skip
CODE = ["```python\ndef rest(hours):\n    return hours * 2\n```",
        "```text\n07:00  pills\n08:30  walk (10 min)\n13:00  rest\n```",
        "```bash\ngrep -c 'pain' diary.txt\n```"]  # fmt: skip


def paragraph(rng: random.Random) -> str:
    return " ".join(
        rng.choice(SENTENCES).format(w=words(rng, rng.randint(2, 8)))
        for _ in range(rng.randint(3, 8))
    )


def plain_post_text(rng: random.Random, number: int, posts: int) -> str:
    """An ordinary post: no `Summary:` (the listings cut one from the text), 6 to 14 long
    paragraphs, a heading or two and one to three code blocks."""
    date = FIRST_POST + post_interval(posts) * number
    meta = [
        f"Title: Post {number}: {words(rng, 3)}",
        f"Date: {date:%Y-%m-%d %H:%M}+00:00",
        f"Tags: {', '.join(rng.sample(TAGS, 3))}",
    ]
    body = [paragraph(rng) for _ in range(rng.randint(6, 14))]
    for code in rng.sample(CODE, rng.randint(1, 3)):
        body.insert(rng.randint(1, len(body)), code)
    for section in range(rng.randint(1, 2)):
        body.insert(rng.randint(1, len(body)), f"## Part {section + 1}: {words(rng, 3)}")
    return "\n".join(meta) + "\n\n" + "\n\n".join(body) + "\n"


# A post's text from (random numbers, its number, the corpus' size).
CORPORA: dict[str, Callable[[random.Random, int, int], str]] = {
    "summaries": post_text,
    "plain": plain_post_text,
}


def post_texts(corpus: str, posts: int, seed: int = 1) -> list[str]:
    """The posts of a corpus of `posts` posts, in order (the source of `post-<n>.md`)."""
    rng = random.Random(seed)
    return [CORPORA[corpus](rng, number, posts) for number in range(posts)]
