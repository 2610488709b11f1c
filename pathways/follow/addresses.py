"""A reader's e-mail address, checked as hostile input before it is stored or written to.

Only a plain ASCII address of one mailbox is taken: no display name, no second address, no
line break or control character (a header injection), no character beyond ASCII (a look-alike
such as the Cyrillic U+0430 for "a"), at most 254 characters (RFC 5321). The domain is kept in
lower case, so one mailbox is one subscriber.
"""

import re
import unicodedata

from pathways.comments.model import MAX_EMAIL

# RFC 5322's dot-atom for the local part; a domain of dot-separated labels with a letter TLD.
LOCAL = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
ADDRESS = re.compile(rf"({LOCAL})@((?:{LABEL}\.)+[A-Za-z][A-Za-z0-9-]{{0,61}}[A-Za-z0-9])")
MAX_LOCAL = 64


class AddressError(ValueError):
    """An address that cannot be used; the message says why, for the reader."""


def check_address(value: str) -> str:
    """The address to store, or AddressError saying what is wrong with it."""
    value = value.strip()
    if not value:
        raise AddressError("Email: please give your e-mail address.")
    if len(value) > MAX_EMAIL:
        raise AddressError(f"Email: longer than {MAX_EMAIL} characters; give one address.")
    if any(ord(c) < 32 or ord(c) == 127 for c in value):
        raise AddressError("Email: it holds a line break or a control character.")
    if re.search(r"[,;\s]", value) or value.count("@") > 1:
        raise AddressError("Email: give one address only (no spaces, commas or names).")
    for character in value:
        if ord(character) > 127:
            name = unicodedata.name(character, f"U+{ord(character):04X}")
            raise AddressError(
                f"Email: {character!r} ({name}) is not a plain letter; type the address with "
                "the letters a-z, digits and . _ - + only."
            )
    found = ADDRESS.fullmatch(value)
    if found is None or len(found.group(1)) > MAX_LOCAL:
        raise AddressError("Email: not a valid address (it should look like name@example.org).")
    return f"{found.group(1)}@{found.group(2).lower()}"
