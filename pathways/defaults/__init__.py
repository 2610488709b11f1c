"""The settings every blog starts from: a blog's `pelicanconf.py` imports them all and sets
only its own values after (`from pathways.defaults import *`), so a default the engine adds
or changes reaches every blog with the next upgrade. `pathways.defaults.production` holds
what a production build changes (`publishconf.py` imports it).
"""

from pathways import engine, plugin_order

SITEURL = ""
SHARE_LINKS = ["email", "bluesky", "facebook"]
# Browser bar colour for the light and dark schemes.
THEME_COLOR_LIGHT = "#fffdf8"
THEME_COLOR_DARK = "#141619"

PATH = "content"
OUTPUT_PATH = "output"
THEME = str(engine.THEME)
# Your own versions of the theme's templates, found before the theme's (see README).
THEME_TEMPLATES_OVERRIDES = ["templates"]
TIMEZONE = "UTC"
DEFAULT_LANG = "en"
DEFAULT_DATE_FORMAT = "%B %-d, %Y"
DEFAULT_CATEGORY = "Journal"
# A post's category is the one its `Category:` names, never its folder; without one it is
# DEFAULT_CATEGORY (and the theme does not name it).
USE_FOLDER_AS_CATEGORY = False

ARTICLE_PATHS = ["posts"]
PAGE_PATHS = ["pages"]
STATIC_PATHS = ["images", "extra"]
EXTRA_PATH_METADATA = {}
# Comment files are read by the comments plugin, never as posts or pages.
IGNORE_FILES = [".#*", "*~", ".*.swp", "comments", "glossary", "data"]

# The engine's plugins, then your own (plugins/ beside the settings).
PLUGIN_PATHS = [str(engine.PLUGINS), "plugins"]
# The plugins, in the order they hear Pelican's signals: declared in pathways.plugin_order.
# Add your own after them: PLUGINS = [*preview_plugins(), "my_plugin"].
PLUGINS = plugin_order.preview_plugins()

# Clean URLs: /posts/<slug>/, /<page-slug>/, /tags/<tag>/ …
ARTICLE_URL = "posts/{slug}/"
ARTICLE_SAVE_AS = "posts/{slug}/index.html"
DRAFT_URL = "drafts/{slug}/"
DRAFT_SAVE_AS = "drafts/{slug}/index.html"
PAGE_URL = "{slug}/"
PAGE_SAVE_AS = "{slug}/index.html"
TAG_URL = "tags/{slug}/"
TAG_SAVE_AS = "tags/{slug}/index.html"
CATEGORY_URL = "category/{slug}/"
CATEGORY_SAVE_AS = "category/{slug}/index.html"
AUTHOR_URL = "author/{slug}/"
AUTHOR_SAVE_AS = "author/{slug}/index.html"
ARCHIVES_URL = "archives/"
ARCHIVES_SAVE_AS = "archives/index.html"
TAGS_URL = "tags/"
TAGS_SAVE_AS = "tags/index.html"
CATEGORIES_URL = "categories/"
CATEGORIES_SAVE_AS = "categories/index.html"
AUTHORS_URL = "authors/"
AUTHORS_SAVE_AS = "authors/index.html"
DIRECT_TEMPLATES = [
    "index",
    "tags",
    "categories",
    "authors",
    "archives",
    "search",
    "series",
    "glossary",
]
SEARCH_URL = "search/"
SEARCH_SAVE_AS = "search/index.html"
SERIES_URL = "series/"
SERIES_SAVE_AS = "series/index.html"
GLOSSARY_URL = "glossary/"
GLOSSARY_SAVE_AS = "glossary/index.html"
YEAR_ARCHIVE_URL = "archives/{date:%Y}/"
YEAR_ARCHIVE_SAVE_AS = "archives/{date:%Y}/index.html"
MONTH_ARCHIVE_URL = "archives/{date:%Y}/{date:%m}/"
MONTH_ARCHIVE_SAVE_AS = "archives/{date:%Y}/{date:%m}/index.html"
# A translation (the same slug, another `Lang:`) is written beside its original, as
# posts/<slug>/<lang>/; each links to the other. Drafts' translations stay unwritten.
ARTICLE_LANG_URL = "posts/{slug}/{lang}/"
ARTICLE_LANG_SAVE_AS = "posts/{slug}/{lang}/index.html"
PAGE_LANG_URL = "{slug}/{lang}/"
PAGE_LANG_SAVE_AS = "{slug}/{lang}/index.html"
DRAFT_LANG_SAVE_AS = ""

DEFAULT_PAGINATION = 10
PAGINATION_PATTERNS = (
    (1, "{url}", "{save_as}"),
    (2, "{base_name}/page/{number}/", "{base_name}/page/{number}/index.html"),
)

# Preview shows drafts (marked as such) so the writer can read them in place.
SHOW_DRAFTS = True

TYPOGRIFY = True
MARKDOWN = {
    "extension_configs": {
        "markdown.extensions.codehilite": {"css_class": "highlight", "guess_lang": False},
        "markdown.extensions.extra": {},
        "markdown.extensions.toc": {
            "permalink": "#",
            "permalink_class": "headerlink",
            "permalink_title": "Link to this section",
        },
    },
    "output_format": "html5",
}

# No feeds in preview: their links would point at the live domain.
FEED_ALL_ATOM = None
FEED_ALL_RSS = None
CATEGORY_FEED_ATOM = None
TRANSLATION_FEED_ATOM = None
AUTHOR_FEED_ATOM = None
AUTHOR_FEED_RSS = None

# Comments (see README, "Comments"). The form posts to COMMENTS_ENDPOINT, the address of the
# comment service (`make comments`); without one, "Post a Comment" is a mailto: link to
# COMMENTS_EMAIL.
COMMENTS_ENDPOINT = ""
COMMENTS_EMAIL = ""
COMMENTS_MAX_DEPTH = 3
COMMENTS_STRICT = False
COMMENTS_DB = "comments.sqlite3"

# Popular Posts (see README, "Popular Posts"): globs of your server's logs or CSV exports,
# relative to content/ unless absolute.
POPULAR_POSTS_SOURCES = []
POPULAR_POSTS_WINDOWS = ["30d", "365d", "all"]
# None: windows end at the end of yesterday.
POPULAR_POSTS_TODAY = None
# Count views with a cookieless beacon to the comment service (off: no request is made).
POPULAR_POSTS_BEACON = False

# Old Blogger label pages (/search/label/<Label>) lead to the tag pages.
REDIRECTS_BLOGGER_LABELS = True

# Learning and trust (see README, "Teaching and trust").
TOC_MIN_HEADINGS = 3
RELATED_POSTS_COUNT = 3
CONTENT_NOTES_COLLAPSE = False
DISCLAIMER_TAGS = []
DISCLAIMER_CATEGORIES = []
DISCLAIMER_TEXT = (
    "This is my personal experience, not medical advice. Please talk to your doctor "
    "about your own care."
)

# Speed (see README, "Build speed"): what was read is cached in .cache/ between builds, and
# posts are read and pages rendered by one process per CPU core (BUILD_WORKERS = 0).
CACHE_CONTENT = True
LOAD_CONTENT_CACHE = True
CACHE_PATH = ".cache"
GZIP_CACHE = False
BUILD_WORKERS = 0
