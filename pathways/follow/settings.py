"""Follow by e-mail's settings: the build, the service and `pathways subscribers` read them
here (see the README, "Follow by e-mail")."""

from dataclasses import dataclass
from typing import Any

from pathways.settings import Feature, Setting, read


def _pair(value: tuple | list) -> tuple[int, int]:
    if len(value) != 2 or not all(isinstance(n, int) and n > 0 for n in value):
        raise ValueError(f"must be (count, seconds), two positive whole numbers, not {value!r}")
    return (value[0], value[1])


def _content(value: str) -> str:
    if value not in ("summary", "full"):
        raise ValueError(f'must be "summary" or "full", not {value!r}')
    return value


def _positive(value: int | float) -> int | float:
    if value <= 0:
        raise ValueError(f"must be more than 0, not {value!r}")
    return value


FOLLOW = Feature(
    "follow",
    (
        Setting(
            "FOLLOW_EMAIL",
            False,
            bool,
            "Readers can follow by e-mail: a form on every post and a Follow page "
            "(needs `COMMENTS_ENDPOINT` and `COMMENTS_SMTP`).",
        ),
        Setting(
            "FOLLOW_CONTENT",
            "summary",
            str,
            'What the e-mail of a new post holds: `"summary"` or `"full"` (the whole post).',
            _content,
        ),
        Setting(
            "FOLLOW_RATE",
            (30, 60),
            (tuple, list),
            "At most 30 e-mails per 60 seconds through the mail provider.",
            _pair,
        ),
        Setting(
            "FOLLOW_SIGNUP_LIMIT",
            (5, 3600),
            (tuple, list),
            "At most 5 sign-ups per client per 3600 seconds.",
            _pair,
        ),
        Setting(
            "FOLLOW_CONFIRMATIONS_PER_HOUR",
            100,
            int,
            "At most this many confirmation e-mails an hour, whoever asks.",
            _positive,
        ),
        Setting(
            "FOLLOW_LINK_DAYS",
            3,
            int,
            "Days the link in a confirmation e-mail works.",
            _positive,
        ),
        Setting(
            "FOLLOW_MAX_AGE_DAYS",
            30,
            int,
            "A post that first appears dated more than this many days ago (an imported post) "
            "is not sent.",
            _positive,
        ),
        Setting(
            "FOLLOW_POLL_SECONDS",
            20,
            (int, float),
            "How often the service looks for newly published posts.",
            _positive,
        ),
        Setting(
            "FOLLOW_URL",
            "follow/",
            str,
            "The address of the Follow page.",
        ),
        Setting(
            "FOLLOW_SAVE_AS",
            "follow/index.html",
            str,
            "Where the Follow page is written.",
        ),
        Setting(
            "FOLLOW_INDEX_SAVE_AS",
            "follow/posts.json",
            str,
            "The posts with what their e-mail needs, written by the build for the service.",
        ),
    ),
)


@dataclass(frozen=True)
class FollowConfig:
    """Follow by e-mail's settings, as the service needs them."""

    site_name: str
    rate: tuple[int, int]
    signup_limit: tuple[int, int]
    confirmations_per_hour: int
    link_days: int
    max_age_days: int
    poll_seconds: float
    index_path: str


def follow_config(settings: dict[str, Any]) -> FollowConfig | None:
    """The service's follow settings; None when following by e-mail is off."""
    if not settings.get("FOLLOW_EMAIL"):
        return None
    values = read(settings, FOLLOW)
    return FollowConfig(
        site_name=settings.get("SITENAME") or "The blog",
        rate=values["FOLLOW_RATE"],
        signup_limit=values["FOLLOW_SIGNUP_LIMIT"],
        confirmations_per_hour=values["FOLLOW_CONFIRMATIONS_PER_HOUR"],
        link_days=values["FOLLOW_LINK_DAYS"],
        max_age_days=values["FOLLOW_MAX_AGE_DAYS"],
        poll_seconds=values["FOLLOW_POLL_SECONDS"],
        index_path=values["FOLLOW_INDEX_SAVE_AS"],
    )
