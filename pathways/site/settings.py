"""The settings of the site as a whole: what the theme shows, the teaching and trust
features, the production build, the build's speed-ups and publishing (see the README,
"Settings" and "Publishing"). Pelican's own settings are Pelican's to declare."""

import logging

from pathways.settings import Feature, Setting

logger = logging.getLogger(__name__)


def _positive(value: int) -> int:
    if value < 1:
        raise ValueError(f"must be 1 or more, not {value!r}")
    return value


def _not_negative(value: int) -> int:
    if value < 0:
        raise ValueError(f"must be 0 or more, not {value!r}")
    return value


def _brotli_quality(value: int) -> int:
    if not 0 <= value <= 11:
        raise ValueError(f"must be from 0 to 11, not {value!r}")
    return value


SHARE_SERVICES = ("email", "bluesky", "facebook", "linkedin")


def _share_links(value: list | tuple) -> list[str]:
    unknown = [name for name in value if name not in SHARE_SERVICES]
    if unknown:
        logger.warning(
            "SHARE_LINKS: %s left out: the services are %s",
            ", ".join(map(repr, unknown)),
            ", ".join(SHARE_SERVICES),
        )
    return [name for name in value if name in SHARE_SERVICES]


SITE = Feature(
    "site",
    (
        Setting(
            "PROFILE_TEXT",
            "",
            str,
            'The sidebar\'s short "About" text (plain text); empty leaves it out.',
        ),
        Setting(
            "SHARE_LINKS",
            ["email", "bluesky", "facebook"],
            (list, tuple),
            'Share links under each post (also `"linkedin"`): plain links, nothing loads until '
            "clicked.",
            _share_links,
        ),
        Setting("THEME_COLOR_LIGHT", "#fffdf8", str, "The browser bar colour in the light scheme."),
        Setting("THEME_COLOR_DARK", "#141619", str, "The browser bar colour in the dark scheme."),
        Setting(
            "READING_TIME_WORDS_PER_MINUTE",
            220,
            int,
            'For the "N min read" figure.',
            _positive,
        ),
        Setting("TOC_MIN_HEADINGS", 3, int, 'Sections (`##`) a post needs for a "Contents" box.'),
        Setting("RELATED_POSTS_COUNT", 3, int, "Related posts under each post.", _not_negative),
        Setting("GLOSSARY_PATH", "glossary", str, "Folder of glossary terms, inside `content/`."),
        Setting(
            "CONTENT_NOTES_COLLAPSE",
            False,
            bool,
            "Posts with a `Content-Note:` start closed.",
        ),
        Setting(
            "DISCLAIMER_TAGS",
            [],
            (list, tuple),
            "Posts with one of these tags (slugs) show `DISCLAIMER_TEXT`.",
        ),
        Setting(
            "DISCLAIMER_CATEGORIES",
            [],
            (list, tuple),
            "Posts in one of these categories (slugs) show `DISCLAIMER_TEXT`.",
        ),
        Setting(
            "DISCLAIMER_TEXT",
            "This is my personal experience, not medical advice.",
            str,
            "The disclaimer shown above such posts.",
        ),
        Setting(
            "DISCLAIMER_PAGE_SLUG",
            "disclaimer",
            str,
            "The page the disclaimer links to.",
        ),
        Setting(
            "REDIRECTS_BLOGGER_LABELS",
            True,
            bool,
            "Old Blogger label pages (`/search/label/<Label>`) lead to the tag pages.",
        ),
        Setting(
            "REDIRECTS_BLOGGER_ARCHIVES",
            True,
            bool,
            "Old Blogger year and month pages (`/2021/`, `/2021/03/`) lead to the archives.",
        ),
        Setting(
            "REDIRECTS_BLOGGER_FEEDS",
            True,
            bool,
            "Blogger's feed addresses (`/feeds/posts/default`, a label's, `/atom.xml`, "
            "`/rss.xml`) lead to the site's feeds with a 301 (nginx, `_redirects`), so feed "
            "readers keep their subscriptions.",
        ),
        Setting("SEARCH_INDEX", True, bool, "Index posts and pages with Pagefind for `/search/`."),
        Setting(
            "SEARCH_PART_PAGES",
            1000,
            int,
            "Pages indexed by one Pagefind run: a larger blog's index is made in parts.",
            _positive,
        ),
        Setting(
            "MINIFY",
            False,
            bool,
            "Minify pages and stylesheets (`True` in `publishconf.py`).",
        ),
        Setting(
            "FINGERPRINT_ASSETS",
            False,
            bool,
            "Name theme files by their content (`True` in `publishconf.py`).",
        ),
        Setting(
            "PRECOMPRESS",
            False,
            bool,
            "Write `.gz` and `.br` copies of text files (`True` in `publishconf.py`).",
        ),
        Setting(
            "PRECOMPRESS_BROTLI_QUALITY",
            6,
            int,
            "Brotli quality of the `.br` copies (0 to 11).",
            _brotli_quality,
        ),
        Setting(
            "FAST_BUILD",
            True,
            bool,
            'The build\'s speed-ups (see "Build speed"); `False` builds exactly as Pelican alone '
            "would, one file after another.",
        ),
        Setting(
            "BUILD_WORKERS",
            0,
            int,
            "Processes that read posts and render pages at once; `0` is one per CPU core, `1` "
            "none besides the build itself.",
            _not_negative,
        ),
        Setting(
            "DEPLOY",
            {},
            dict,
            'Where `make publish` deploys (see "Publishing"); empty builds and checks only. '
            "`make publish` checks it before building.",
        ),
        Setting(
            "PUBLISH_CHECK",
            True,
            bool,
            "`make publish` checks the site before deploying.",
        ),
        # What the theme says and what the check accepts, for a writer making the site hers.
        Setting(
            "FOOTER_TEXT",
            "Written from personal experience; not medical advice.",
            str,
            "The line under every page, after the copyright (plain text).",
        ),
        Setting(
            "CHECK_LIVE_ADDRESSES",
            True,
            bool,
            "The production check fails when `SITEURL` or `COMMENTS_ENDPOINT` is a loopback "
            "or placeholder address; `False` only for test sites that publish to loopback on "
            "purpose.",
        ),
        Setting(
            "CHECK_DECORATIVE_IMAGE_CLASSES",
            ["popular-thumb"],
            (list, tuple),
            'Images with one of these classes and `alt=""` are decorative (the theme\'s '
            "Popular Posts thumbnails); every other image needs alt text.",
        ),
    ),
)


def _widths(value: list | tuple) -> list[int]:
    if not value or not all(isinstance(width, int) and 16 <= width <= 8192 for width in value):
        raise ValueError(f"must list widths in pixels from 16 to 8192, not {value!r}")
    return sorted(set(value))


# Photos (plugins/pathways_photos): the smaller copies of the images posts and pages show.
PHOTOS = Feature(
    "photos",
    (
        Setting(
            "PHOTOS_WIDTHS",
            [480, 800, 1200, 1600],
            (list, tuple),
            "Widths in pixels of the smaller copies of each photo (none wider than the photo).",
            _widths,
        ),
        Setting(
            "PHOTOS_AVIF",
            True,
            bool,
            "Also make AVIF copies (smaller than WebP; they take longer to make).",
        ),
    ),
)
