"""Front-matter values Pelican would read silently in a way the writer did not mean.

- A date such as `03.04.2026` can be the 3rd of April or March the 4th; Pelican takes the
  second. Such a date is an error that shows the accepted form.
- A field name that is not one this site reads but is close to one (`Dtae:` for `Date:`) is
  named with the field that was probably meant.
"""

import difflib
import re

# Pelican's own fields, then those of this site's plugins and theme.
KNOWN_FIELDS = frozenset(
    {"title", "date", "modified", "tags", "category", "slug", "summary", "status", "author",
     "authors", "lang", "translation", "template", "save_as", "url", "translation_of"}
    | {"series", "series-order", "references", "content-note", "content-note-collapse",
       "reviewed", "old-urls", "image", "comments", "list-tag", "list-series"}
)  # fmt: skip
# Day and month as two numbers, in either order, before the year.
TWO_WAY_DATE = re.compile(r"^\s*(\d{1,2})[./-](\d{1,2})[./-](\d{2,4})(?!\d)")
# How alike a name must be (difflib's ratio) to be taken for a typo of a known field.
CLOSE = 0.75


def two_way_date(value: object) -> bool:
    """Whether `value` reads as two different dates depending on the reader's country."""
    match = TWO_WAY_DATE.match(str(value))
    if not match:
        return False
    first, second = int(match.group(1)), int(match.group(2))
    return first != second and first <= 12 and second <= 12


def likely_field(name: str) -> str | None:
    """The known field `name` is probably a typo of, if it is not known itself."""
    if name in KNOWN_FIELDS:
        return None
    match = difflib.get_close_matches(name, sorted(KNOWN_FIELDS), n=1, cutoff=CLOSE)
    return match[0] if match else None
