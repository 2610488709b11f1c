"""Popular Posts' settings: the plugin, `pathways views` and the beacon read them here
(see the README, "Popular Posts")."""

from datetime import date, datetime
from pathlib import Path, PurePosixPath

from pathways.settings import Feature, Setting
from pathways.views.sources import parse_source

WINDOW_HELP = "use 7d, 30d, 365d, all or <n>d"
RANKINGS = ("views", "comments", "views_per_day")
FALLBACKS = ("discussed", "hide")


def check_window(window: str) -> str:
    """`window` if it is one Popular Posts knows, else ValueError saying what is accepted."""
    if window == "all" or (window.endswith("d") and window[:-1].isdigit() and int(window[:-1]) > 0):
        return window
    raise ValueError(f"has an unknown window {window!r}: {WINDOW_HELP}")


def parse_today(value: str) -> date | datetime:
    """A `YYYY-MM-DD` date or an ISO 8601 instant with its offset; ValueError otherwise."""
    text = value.strip()
    try:
        if len(text) == 10:
            return date.fromisoformat(text)
        moment = datetime.fromisoformat(text)
    except ValueError:
        moment = None
    if moment is None or moment.tzinfo is None:
        raise ValueError(
            "must be a date (2026-11-20) or an instant with its offset"
            f" (2026-11-20T23:59:59Z), not {value!r}"
        )
    return moment


def _today(value: str | None) -> str | None:
    if value is not None:
        parse_today(value)
    return value


def _sources(value: list | tuple) -> list | tuple:
    for source in value:
        if not isinstance(source, str):
            raise ValueError(f"must hold paths or globs (strings), not {source!r}")
        parse_source(source)
    return value


def _hosts(value: list | tuple | None) -> list | tuple | None:
    for host in value or ():
        if not isinstance(host, str) or not host.strip() or "/" in host:
            raise ValueError(f"must hold host names (example.org), not {host!r}")
    return value


def _content_file(value: str) -> str:
    if value and (PurePosixPath(value).is_absolute() or ".." in PurePosixPath(value).parts):
        raise ValueError(f"must be a file inside content/ (data/server-views.csv), not {value!r}")
    return value


def view_sources(config: dict, settings: dict) -> list[str]:
    """`POPULAR_POSTS_SOURCES`, and the server's counts (`POPULAR_POSTS_SERVER_VIEWS`) once
    `make publish` has fetched them."""
    sources = list(config["POPULAR_POSTS_SOURCES"])
    counts = config["POPULAR_POSTS_SERVER_VIEWS"]
    if counts and counts not in sources and (Path(settings["PATH"]) / counts).is_file():
        sources.append(counts)
    return sources


def _windows(value: list | tuple) -> list[str]:
    if not value:
        raise ValueError("is empty")
    return [check_window(str(window)) for window in value]


def _one_of(choices: tuple[str, ...]):
    def check(value: str) -> str:
        if value not in choices:
            raise ValueError(f"must be one of {', '.join(choices)}, not {value!r}")
        return value

    return check


def _count(value: int) -> int:
    if not 1 <= value <= 10:
        raise ValueError(f"must be from 1 to 10, not {value!r}")
    return value


POPULAR_POSTS = Feature(
    "popular posts",
    (
        Setting(
            "POPULAR_POSTS_SOURCES",
            [],
            (list, tuple),
            "Logs and CSV files (globs, relative to `content/` unless absolute; a CSV of totals"
            ' may add its period: `"pages.csv 2026-10-22..2026-11-20"`).',
            _sources,
        ),
        Setting(
            "POPULAR_POSTS_WINDOWS", ["30d"], (list, tuple), "Windows to show, in order.", _windows
        ),
        Setting("POPULAR_POSTS_COUNT", 5, int, "Posts per window (1 to 10).", _count),
        Setting(
            "POPULAR_POSTS_RANK_BY",
            "views",
            str,
            'Or `"comments"` (in the window) or `"views_per_day"` (since publication).',
            _one_of(RANKINGS),
        ),
        Setting(
            "POPULAR_POSTS_TODAY",
            None,
            (str, type(None)),
            "The instant windows end at: a date (the end of that day in `TIMEZONE`) or an ISO"
            " 8601 instant with offset (`2026-11-20T23:59:59Z`); `None` is the end of yesterday.",
            _today,
        ),
        Setting(
            "POPULAR_POSTS_SERVER_LOGS",
            ["/var/log/nginx/blog.access.log*"],
            (list, tuple),
            "The site's access logs on the server, read by `pathways views count` (globs).",
            _sources,
        ),
        Setting(
            "POPULAR_POSTS_SERVER_VIEWS",
            "",
            str,
            "Where `make publish` writes the server's views per post and day, fetched from the"
            " comment service (relative to `content/`; a Popular Posts source when it exists);"
            ' `""`: not fetched. Production: `"data/server-views.csv"`.',
            _content_file,
        ),
        Setting(
            "POPULAR_POSTS_SERVER_SITES",
            "",
            str,
            "Where `make publish` writes the server's referring sites per day (as"
            ' `POPULAR_POSTS_SERVER_VIEWS`). Production: `"data/server-sites.csv"`.',
            _content_file,
        ),
        Setting(
            "POPULAR_POSTS_HOSTS",
            None,
            (list, tuple, type(None)),
            "Host names whose requests are the site's, in logs that name one (Caddy's JSON,"
            " Apache's `vhost_combined`); `None` is the host of `SITEURL` (every host when it"
            " has none).",
            _hosts,
        ),
        Setting(
            "POPULAR_POSTS_REDIRECTS", {}, dict, "Old path → new path, for views of moved pages."
        ),
        Setting("POPULAR_POSTS_SNIPPET", False, bool, "Show the post's summary under its title."),
        Setting(
            "POPULAR_POSTS_THUMBNAIL",
            False,
            bool,
            "Show the post's `Image:` (or its first image).",
        ),
        Setting(
            "POPULAR_POSTS_FALLBACK",
            "discussed",
            str,
            'Or `"hide"`: what to do without view data.',
            _one_of(FALLBACKS),
        ),
        Setting(
            "POPULAR_POSTS_BEACON", False, bool, "Send the view beacon to the comment service."
        ),
    ),
)
