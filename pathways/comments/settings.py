"""The comment system's settings: the comments plugin, the service and the moderation
commands all read them here (see the README, "Comments")."""

from pathways.settings import Feature, Setting


def _rate_limit(value: tuple | list) -> tuple[int, int]:
    if len(value) != 2 or not all(isinstance(n, int) and n > 0 for n in value):
        raise ValueError(f"must be (comments, seconds), two positive whole numbers, not {value!r}")
    return (value[0], value[1])


def _positive(value: int) -> int:
    if value < 1:
        raise ValueError(f"must be 1 or more, not {value!r}")
    return value


COMMENTS = Feature(
    "comments",
    (
        Setting(
            "COMMENTS_ENDPOINT",
            "",
            str,
            "Public address of the comment service; the form posts to `<endpoint>/comments`.",
        ),
        Setting("COMMENTS_EMAIL", "", str, "Address for the `mailto:` fallback."),
        Setting("COMMENTS_PATH", "comments", str, "Folder of comment files, inside `content/`."),
        Setting(
            "COMMENTS_MAX_DEPTH",
            3,
            int,
            'Replies nest this deep; deeper replies join the last level, with "replying to …".',
            _positive,
        ),
        Setting(
            "COMMENTS_STRICT",
            False,
            bool,
            "A problem comment file fails the build (`True` in `publishconf.py`).",
        ),
        Setting(
            "COMMENTS_DB",
            "comments.sqlite3",
            str,
            "The service's SQLite database (next to the settings file); "
            "`PATHWAYS_COMMENTS_DB` overrides it.",
        ),
        Setting(
            "COMMENTS_ALLOWED_ORIGINS",
            [],
            (list, tuple),
            "Pages allowed to send the form; empty means the origin of `SITEURL` "
            "(in preview, any `http://127.0.0.1` or `localhost` port).",
        ),
        Setting(
            "COMMENTS_RATE_LIMIT",
            (5, 600),
            (tuple, list),
            "At most 5 comments per client per 600 seconds.",
            _rate_limit,
        ),
        Setting(
            "COMMENTS_MIN_SECONDS",
            3,
            (int, float),
            "Forms sent faster than this after the page loaded (measured by the page's script) "
            "are held as spam.",
        ),
        Setting("COMMENTS_MAX_LINKS", 3, int, "Comments with more links are held as spam."),
        Setting(
            "COMMENTS_TRUST_PROXY",
            False,
            bool,
            "Take the client address from the last `X-Forwarded-For` entry "
            "(only behind your own proxy).",
        ),
        Setting(
            "COMMENTS_SMTP",
            {},
            dict,
            'E-mail the writer about new comments: `{"host": …, "port": 587, "starttls": True, '
            '"username": …, "from": …, "to": …}`; the password comes from '
            "`PATHWAYS_SMTP_PASSWORD` (`pathways comments secret smtp-password`).",
        ),
        Setting(
            "COMMENTS_TOKEN_FILE",
            "~/.config/pathways/moderation-token",
            str,
            "The file (outside the repository) holding the moderation token; "
            "`PATHWAYS_MODERATION_TOKEN` overrides it.",
        ),
        Setting(
            "COMMENTS_LINK_DAYS",
            7,
            int,
            "Days the moderation link in a notification e-mail works.",
            _positive,
        ),
        Setting(
            "COMMENTS_PUBLISH_ON_APPROVE",
            False,
            bool,
            "One server, no laptop step: the service writes approved comments into its own "
            "checkout and runs `pathways publish` there.",
        ),
        Setting(
            "COMMENTS_INDEX_SAVE_AS",
            "comments/posts.json",
            str,
            "The list of posts (and their comment ids) the build writes for the service.",
        ),
    ),
)
