"""Confirmed subscribers from another service's CSV export: FeedBurner's ("Email",
"Subscribed Date", "Status") or Mailchimp's ("Email Address", "CONFIRM_TIME",
"OPTIN_TIME", and a file per status).

Only the address and the date of consent are taken; names and every other column are left.
A row that is not confirmed (FeedBurner's "Unverified", Mailchimp's unsubscribed or cleaned
export) is skipped; a row whose address is not usable is named with its line and why.
"""

import csv
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from pathways.follow.addresses import AddressError, check_address

EMAIL_COLUMNS = ("email", "email address", "e-mail", "e-mail address")
DATE_COLUMNS = ("confirm_time", "optin_time", "subscribed date", "date subscribed", "date")
STATUS_COLUMNS = ("status", "member status")
CONFIRMED = ("", "active", "subscribed", "confirmed", "verified")
DATE_FORMATS = ("%m/%d/%Y %H:%M", "%m/%d/%Y", "%d/%m/%Y")


class ImportFileError(ValueError):
    """A file that cannot be read as a subscriber export; the message names it."""


@dataclass
class Export:
    """What a CSV export holds: confirmed (address, date of consent) pairs, the rows left."""

    subscribers: list[tuple[str, str]] = field(default_factory=list)
    unconfirmed: int = 0
    problems: list[str] = field(default_factory=list)


def _date(text: str) -> str:
    text = text.strip()
    if not text:
        return ""
    try:
        return datetime.fromisoformat(text).isoformat(timespec="seconds")
    except ValueError:
        pass
    for pattern in DATE_FORMATS:
        try:
            return datetime.strptime(text, pattern).isoformat(timespec="seconds")
        except ValueError:
            continue
    return ""


def _column(names: dict[str, str], wanted: tuple[str, ...]) -> str | None:
    return next((names[name] for name in wanted if name in names), None)


def read_export(path: Path) -> Export:
    try:
        with path.open(encoding="utf-8-sig", newline="") as stream:
            rows = list(csv.reader(stream))
    except (OSError, UnicodeDecodeError, csv.Error) as error:
        raise ImportFileError(f"{path}: cannot be read as a CSV file ({error})") from None
    if not rows:
        raise ImportFileError(f"{path}: the file is empty")
    header = [name.strip() for name in rows[0]]
    names = {name.lower(): name for name in header}
    email = _column(names, EMAIL_COLUMNS)
    if email is None:
        raise ImportFileError(
            f"{path}: no e-mail column (looked for {', '.join(EMAIL_COLUMNS)}); "
            f"its columns are {', '.join(header) or 'none'}"
        )
    date, status = _column(names, DATE_COLUMNS), _column(names, STATUS_COLUMNS)
    export = Export()
    seen: set[str] = set()
    for line, values in enumerate(rows[1:], start=2):
        row = dict(zip(header, values, strict=False))
        if not any(value.strip() for value in values):
            continue
        if status and row.get(status, "").strip().lower() not in CONFIRMED:
            export.unconfirmed += 1
            continue
        try:
            address = check_address(row.get(email, ""))
        except AddressError as error:
            export.problems.append(f"{path}:{line}: {error}")
            continue
        if address.lower() not in seen:
            seen.add(address.lower())
            export.subscribers.append((address, _date(row.get(date, "")) if date else ""))
    return export
