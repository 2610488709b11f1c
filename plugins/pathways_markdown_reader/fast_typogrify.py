"""typogrify's `typogrify` filter, giving the same output with less work.

typogrify runs smartypants on every run of text between two tags, and smartypants passes
each run through a dozen `re.sub` calls with patterns given as strings (so every call looks
its pattern up again), although most runs have no quote, dash, dot or backslash to change.
Here a run is only given the steps that can change it, with the patterns compiled once and
literal replacements done as `str.replace`; a pattern that the regex engine would try at
every character (one that starts with the character before a quote, or with a word
boundary) is written to start with the quote, or tried only next to the capitals it needs;
`amp` is skipped when the text has no ampersand it would wrap; and `caps` reuses the runs
smartypants found instead of splitting the text again; `widont` looks for the last word
before each closing tag it cares about rather than trying its pattern at every character.
Everything else is typogrify's own code. `tests/test_fast_typogrify.py` compares the output
with typogrify's on thousands of generated texts, `tests/test_typography_corpora.py` on
whole posts.
"""

import re

import smartypants as sp
from typogrify import filters

# smartypants' `_tokenize`: a run of text, then a tag or an HTML comment.
TAG_SOUP = re.compile(r"([^<]*)(<!--.*?--\s*>|<[^>]*>)", re.S)
SKIPPED_TAG = re.compile(f"<(/)?({'|'.join(sp.tags_to_skip)})[^>]*>", re.I)
NOT_SPACE = re.compile(r"\S")
# Part of every ampersand `amp` wraps (`(\s|&nbsp;)(&|&amp;|&#38;)(\s|&nbsp;)`); it starts with
# a literal "&", which the regex engine finds fast.
AMP_NEEDED = re.compile(r"&(?:amp;|\#38;)?(?:\s|&nbsp;)")
CAPS_SKIPPED_TAG = re.compile("<(/)?(?:kbd|script)[^>]*>", re.IGNORECASE)
# A run of text that is only one of these is curled by the character before it.
QUOTES = ("'", '"')

Token = tuple[bool, str]  # (is a tag, text)


def tokenize(text: str) -> list[Token]:
    """smartypants' `_tokenize`, as (is a tag, text) pairs. (`_tokenize` matches where the
    last match ended, and stops at the first "<" without a ">" after it: so does `finditer`,
    as no "<" after that one has a ">" either.)"""
    tokens: list[Token] = []
    end = 0
    for match in TAG_SOUP.finditer(text):
        if match.group(1):
            tokens.append((False, match.group(1)))
        tag = match.group(2)
        # A comment with "--" inside is not a comment to smartypants, but text.
        is_tag = not (tag.startswith("<!--") and "--" in tag[4:].rstrip(">").rstrip().rstrip("-"))
        tokens.append((is_tag, tag))
        end = match.end()
    if end < len(text):
        tokens.append((False, text[end:]))
    return tokens


# smartypants.convert_quotes, its patterns compiled once. A pattern that starts with the
# character before a quote is tried by the regex engine at every character of the text; the
# same pattern written from the quote, with that character in a lookbehind, is tried only at
# quotes, which the engine finds fast. Both replace the same quotes, except where a match would
# take in a character of the match before it (`re.sub` does not let matches overlap, a
# lookbehind may look into the last match): then, rarely, smartypants' own pattern is used.
_PUNCT = r"""[!"#\$\%'()*+,-.\/:;<=>?\@\[\\\]\^_`{|}~]"""
_CLOSE = r"[^\ \t\r\n\[\{\(\-]"
_DEC_DASHES = "&#8211;|&#8212;"
_OPENING = r"""
            (
                \s          |   # a whitespace char, or
                &nbsp;      |   # a non-breaking space entity, or
                --          |   # dashes, or
                &[mn]dash;  |   # named dash entities
                %s          |   # or decimal entities
                &\#x201[34];    # or hex
            )
            %s                # the quote
            (?=\w)            # followed by a word character
            """
# What comes before an opening quote in `_OPENING`, as the regex engine reads it: in verbose
# mode "#" starts a comment, so the decimal entities are left out, and what is left of their
# line, "&", runs into the hex entities. None of it holds a quote, so no match can take in a
# character of the one before, and the lookbehinds give the same matches.
_OPENED = ("\\s", "&nbsp;", "--", "&[mn]dash;", "&&\\#x201[34];")


def _opening(quote: str) -> re.Pattern:
    return re.compile(
        quote + "(?:" + "|".join(f"(?<={before}{quote})" for before in _OPENED) + r")(?=\w)"
    )


class Step:
    """One `re.sub` of smartypants: its pattern and replacement, and the same written from
    the quote, with `overlap` a pattern found in the texts where the two may differ."""

    def __init__(
        self,
        pattern: re.Pattern,
        replacement: str,
        fast: re.Pattern | None = None,
        fast_replacement: str = "",
        overlap: re.Pattern | None = None,
    ) -> None:
        self.pattern = pattern
        self.replacement = replacement
        self.fast = fast
        self.fast_replacement = fast_replacement
        self.overlap = overlap

    def sub(self, text: str) -> str:
        if self.fast is None or (self.overlap is not None and self.overlap.search(text)):
            return self.pattern.sub(self.replacement, text)
        return self.fast.sub(self.fast_replacement, text)


SINGLE_STEPS = (
    Step(re.compile(r""""'(?=\w)"""), "&#8220;&#8216;"),
    Step(re.compile(r"""'"(?=\w)"""), "&#8216;&#8220;"),
    Step(re.compile(r"""\b'(?=\d{2}s)"""), "&#8217;",
         re.compile(r"'(?<=\w')(?=\d{2}s)"), "&#8217;"),
    Step(re.compile(_OPENING % (_DEC_DASHES, "'"), re.VERBOSE), r"\1&#8216;",
         _opening("'"), "&#8216;"),
    # A match takes the character before the quote: the one of a quote just after it.
    Step(re.compile(rf"({_CLOSE})'(?!\s | s\b | \d)", re.VERBOSE), r"\1&#8217;",
         re.compile(rf"'(?<={_CLOSE}')(?!\s|s\b|\d)"), "&#8217;", re.compile("''")),
    # … and the character after the quote: the one before a quote two characters on.
    Step(re.compile(rf"({_CLOSE})'(\s | s\b)", re.VERBOSE), r"\1&#8217;\2",
         re.compile(rf"'(?<={_CLOSE}')(\s|s\b)"), r"&#8217;\1", re.compile("'.?'", re.S)),
)  # fmt: skip
FIRST_SINGLE = (re.compile(rf"""^'(?={_PUNCT}\\B)"""), "&#8217;")
FIRST_DOUBLE = (re.compile(rf"""^"(?={_PUNCT}\\B)"""), "&#8221;")
DOUBLE_STEPS = (
    Step(re.compile(_OPENING % (_DEC_DASHES, '"'), re.VERBOSE), r"\1&#8220;",
         _opening('"'), "&#8220;"),
    # smartypants' pattern has "(%s)?" here, but commented out by its "#"
    Step(re.compile(r'"(?=\s)'), "&#8221;"),
    Step(re.compile(rf'^"(?={_PUNCT})', re.VERBOSE), "&#8221;"),
    Step(re.compile(rf'({_CLOSE})"', re.VERBOSE), r"\1&#8221;",
         re.compile(rf'"(?<={_CLOSE}")'), "&#8221;", re.compile('""')),
)  # fmt: skip


def convert_quotes(text: str) -> str:
    """smartypants.convert_quotes; a step is skipped when its quote is not in the text (no
    step puts a quote back)."""
    single = "'" in text
    double = '"' in text
    if single:
        text = FIRST_SINGLE[0].sub(FIRST_SINGLE[1], text)
    if double:
        text = FIRST_DOUBLE[0].sub(FIRST_DOUBLE[1], text)
    if single:
        for step in SINGLE_STEPS:
            text = step.sub(text)
        text = text.replace("'", "&#8216;")
    if double:
        for step in DOUBLE_STEPS:
            text = step.sub(text)
        text = text.replace('"', "&#8220;")
    return text


ESCAPES = (("\\\\", "&#92;"), ('\\"', "&#34;"), ("\\'", "&#39;"), ("\\.", "&#46;"),
           ("\\-", "&#45;"), ("\\`", "&#96;"))  # fmt: skip
DASHES = {
    sp.Attr.d: (("--", "&#8212;"),),
    sp.Attr.D: (("---", "&#8212;"), ("--", "&#8211;")),
    sp.Attr.i: (("---", "&#8211;"), ("--", "&#8212;")),
}
ENTITY_MODES = {sp.Attr.u: 0, sp.Attr.h: 1, sp.Attr.s: 2}
# A character some step of `_educate` but the entities' one changes (or starts an entity).
EDUCATED = re.compile(r"""[\\&\-.`'"]""")


def _educate(text: str, attr: int, previous_last: str) -> str:
    """What smartypants does to one run of text outside skipped tags."""
    entities = attr & sp.Attr.mask_o
    if not entities and not EDUCATED.search(text):
        return text
    if "\\" in text:
        for escape, entity in ESCAPES:
            text = text.replace(escape, entity)
    if attr & sp.Attr.w:
        text = text.replace("&quot;", '"')
    for dashes, entity in DASHES.get(attr & sp.Attr.mask_d, ()):
        text = text.replace(dashes, entity)
    if attr & sp.Attr.e and "." in text:
        text = text.replace("...", "&#8230;").replace(". . .", "&#8230;")
    backticks = attr & sp.Attr.mask_b
    if backticks == sp.Attr.b:
        text = text.replace("``", "&#8220;").replace("''", "&#8221;")
    elif backticks == sp.Attr.B:
        text = text.replace("`", "&#8216;").replace("'", "&#8217;")
    if attr & sp.Attr.q:
        if text in QUOTES:
            after_word = NOT_SPACE.match(previous_last)
            if text == "'":
                text = "&#8217;" if after_word else "&#8216;"
            else:
                text = "&#8221;" if after_word else "&#8220;"
        elif "'" in text or '"' in text:
            text = convert_quotes(text)
    if entities:
        text = sp.convert_entities(text, ENTITY_MODES.get(entities, 3))
    return text


def smartypants(tokens: list[Token]) -> list[Token]:
    """smartypants.smartypants with the default attributes, on tokens and giving tokens."""
    attr = sp.Attr.default
    skipped: list[str] = []
    in_pre = False
    previous_last = ""
    result: list[Token] = []
    for is_tag, text in tokens:
        if is_tag:
            result.append((True, text))
            skip = SKIPPED_TAG.match(text)
            if skip:
                if not skip.group(1):
                    skipped.append(skip.group(2).lower())
                    in_pre = True
                else:
                    if skipped and skip.group(2).lower() == skipped[-1]:
                        skipped.pop()
                    if not skipped:
                        in_pre = False
        else:
            last = text[-1:]
            if not in_pre:
                text = _educate(text, attr, previous_last)
            previous_last = last
            result.append((False, text))
    return result


def caps(tokens: list[Token]) -> str:
    """typogrify's `caps`, on smartypants' tokens of the text."""
    result = []
    in_skipped_tag = False
    for is_tag, text in tokens:
        if is_tag:
            result.append(text)
            close = CAPS_SKIPPED_TAG.match(text)
            in_skipped_tag = bool(close) and close.group(1) is None
        elif in_skipped_tag:
            result.append(text)
        else:
            result.append(_caps_in(text))
    return "".join(result)


# typogrify's pattern in `caps`.
CAP_FINDER = re.compile(
    r"""(
        (\b[A-Z\d]*        # group 2: caps and digits,
        [A-Z]\d*[A-Z]      # with at least two caps (digits may come between them)
        [A-Z\d']*\b)       # then caps, digits or dumb apostrophes
        | (\b[A-Z]+\.\s?   # or group 3: caps, a dot and an optional space,
        (?:[A-Z]+\.\s?)+)  # at least twice
        (?:\s|\b|$))
    """,
    re.VERBOSE,
)
# Part of every match of CAP_FINDER (two capitals with digits, or a dot and a space, between
# them), far cheaper to look for; in a match, only capitals and digits come before the first.
CAPS_NEEDED = re.compile(r"[A-Z](?:\d*|\.\s?)[A-Z]")
CAP_OR_DIGIT = re.compile(r"[A-Z\d]")


def _caps_in(text: str) -> str:
    """`CAP_FINDER.sub(_cap_wrapper, text)`, with the pattern, which the regex engine would
    try at every character, tried only where a match can start: from the capitals and
    digits just before each part that every match holds."""
    result = []
    done = position = 0
    while found := CAPS_NEEDED.search(text, position):
        first = found.start()
        while first > position and CAP_OR_DIGIT.match(text, first - 1):
            first -= 1
        for start in range(first, found.start() + 1):
            match = CAP_FINDER.match(text, start)
            if match:
                result += (text[done:start], _cap_wrapper(match))
                done = position = match.end()
                break
        else:
            position = found.start() + 1
    if not result:
        return text
    result.append(text[done:])
    return "".join(result)


def _cap_wrapper(match: re.Match) -> str:
    if match.group(2):
        return f'<span class="caps">{match.group(2)}</span>'
    dotted = match.group(3)
    if dotted[-1] == " ":
        return f'<span class="caps">{dotted[:-1]}</span> '
    return f'<span class="caps">{dotted}</span>'


# typogrify's pattern in `initial_quotes`: a quote at the start of the text or of a block,
# after any opening inline tags.
QUOTE_FINDER = re.compile(
    r"""((<(p|h[1-6]|li|dt|dd)[^>]*>|^)  # a block's opening tag or the start of the text
    \s*
    (<(a|em|span|strong|i|b)[^>]*>\s*)*)  # opening inline tags
    (("|&ldquo;|&\#8220;)|('|&lsquo;|&\#8216;))  # a double (group 7) or single quote (8)
    """,
    re.VERBOSE,
)
# Where QUOTE_FINDER can start besides the start of the text (a literal "<" is found fast).
BLOCK_START = re.compile(r"<(?:p|h[1-6]|li|dt|dd)")


def initial_quotes(text: str) -> str:
    """typogrify's `initial_quotes`, trying its pattern only where a match can start."""
    result = []
    done = 0
    for start in [0, *(found.start() for found in BLOCK_START.finditer(text, 1))]:
        match = QUOTE_FINDER.match(text, start) if start >= done else None
        if match:
            kind, quote = ("dquo", match.group(7)) if match.group(7) else ("quo", match.group(8))
            result += (text[done:start], match.group(1), f'<span class="{kind}">{quote}</span>')
            done = match.end()
    result.append(text[done:])
    return "".join(result)


# typogrify's pattern in `widont`: a space between the last two words before a closing p,
# h1-h6, li, dt or dd tag (or the end), and what comes just before and after it.
WIDONT_FINDER = re.compile(
    r"""((?:</?(?:a|em|span|strong|i|b)[^>]*>)|[^<>\s])  # an inline tag or a character
    \s+                                                # the space to replace
    ([^<>\s]+                                          # the last word
    \s*
    (</(a|em|span|strong|i|b)>\s*)*                    # closing inline tags
    ((</(p|h[1-6]|li|dt|dd)>)|$))                      # the end of the block or text
    """,
    re.VERBOSE,
)
BLOCK_END = re.compile(r"</(?:p|h[1-6]|li|dt|dd)>")
# WIDONT_FINDER without its end, backwards: matched on the reversed text from a block's end,
# it finds where the match ending there must start.
LAST_WORD_REVERSED = re.compile(
    r"""(?:\s*>(?:a|me|naps|gnorts|i|b)/<)*\s*[^<>\s]+\s+
    (?:[^<>\s]|>[^>]*(?:a|me|naps|gnorts|i|b)/?<)""",
    re.VERBOSE,
)
# A "<" inside a tag: then a match's tag may hold a block's end, so blocks are not separate.
TAG_IN_TAG = re.compile(r"<[^>]*<")


def widont(text: str) -> str:
    """typogrify's `widont`. Without a "<" inside a tag, each match lies between two block
    ends (no block end can be its first tag) and starts where the reversed pattern says, so
    the pattern is tried there only."""
    if TAG_IN_TAG.search(text):
        return filters.widont(text)
    reverse = text[::-1]
    size = len(text)
    result = []
    done = 0
    for end in [*(found.start() for found in BLOCK_END.finditer(text)), size]:
        last_word = LAST_WORD_REVERSED.match(reverse, size - end)
        match = last_word and WIDONT_FINDER.match(text, size - last_word.end())
        if match:
            result += (text[done : match.start()], match[1], "&nbsp;", match[2])
            done = match.end()
    result.append(text[done:])
    return "".join(result)


def applyfilters(text: str, **kwargs: bool) -> str:
    """typogrify's `applyfilters`: amp, smartypants, caps, initial_quotes and widont, each
    unless its keyword is False."""
    if kwargs.pop("amp", True) and AMP_NEEDED.search(text):
        text = filters.amp(text)
    tokens = None
    if kwargs.pop("smartypants", True):
        tokens = smartypants(tokenize(text))
        text = "".join(token for _, token in tokens)
        # A text run that holds a "<" (an HTML comment with "--" inside, a "<" without a ">")
        # may split differently once educated.
        if any(not is_tag and "<" in token for is_tag, token in tokens):
            tokens = None
    if kwargs.pop("caps", True):
        text = caps(tokens if tokens is not None else tokenize(text))
    if kwargs.pop("initial_quotes", True):
        text = initial_quotes(text)
    if kwargs.pop("widont", True):
        text = widont(text)
    if kwargs:
        raise TypeError(f"Unexpected keyword argument(s): {list(kwargs.keys())}")
    return text


def typogrify(text: str, ignore_tags: list[str] | None = None, **kwargs: bool) -> str:
    """typogrify.filters.typogrify: the filters applied outside the ignored tags."""
    return "".join(
        applyfilters(section, **kwargs) if process else section
        for section, process in filters.process_ignores(text, ignore_tags)
    )
