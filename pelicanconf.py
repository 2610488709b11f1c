"""Settings for building and previewing the site locally.

`publishconf.py` imports everything here and overrides what production needs.
"""

AUTHOR = "Pathways"
SITENAME = "Pathways"
SITESUBTITLE = "Living with chronic illness and post-covid syndrome, one step at a time"
SITEURL = ""
# The short profile in the sidebar's "About" box (plain text).
PROFILE_TEXT = (
    "I write about chronic illness, post-covid syndrome and the treatments I try, "
    "from my own experience."
)
# Share links under each post: plain links, nothing loads until a reader clicks one.
SHARE_LINKS = ["email", "bluesky", "facebook"]
# Browser bar colour for the light and dark schemes.
THEME_COLOR_LIGHT = "#fffdf8"
THEME_COLOR_DARK = "#141619"

PATH = "content"
OUTPUT_PATH = "output"
THEME = "theme"
TIMEZONE = "America/New_York"
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

PLUGIN_PATHS = ["plugins"]
PLUGINS = [
    "pathways_settings",
    "pathways_markdown_reader",
    "pathways_content_checks",
    "pathways_reading_time",
    "pathways_scheduling",
    "pathways_neighbors",
    "pathways_comments",
    "pathways_follow",
    "pathways_popular_posts",
    "pathways_series",
    "pathways_toc",
    "pathways_related_posts",
    "pathways_references",
    "pathways_glossary",
    "pathways_reader_care",
    "pathways_photos",
    "pathways_redirects",
    "pathways_search",
    "pathways_sitemap_robots",
    "pathways_accessible_code",
    "pathways_render_once",
    "pathways_compiled_templates",
    "pathways_parallel_writing",
]

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
# Translations are not used; keep their URLs out of the way of real ones.
ARTICLE_LANG_SAVE_AS = ""
PAGE_LANG_SAVE_AS = ""
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
# relative to content/ unless absolute (the sample blog ranks from a small sample log).
POPULAR_POSTS_SOURCES = ["data/sample-access.log"]
POPULAR_POSTS_WINDOWS = ["30d", "365d", "all"]
# None: windows end at the end of yesterday. The sample blog pins the day its log ends.
POPULAR_POSTS_TODAY = "2023-06-30"
# Count views with a cookieless beacon to the comment service (off: no request is made).
POPULAR_POSTS_BEACON = False

# Old Blogger label pages (/search/label/<Label>) lead to the tag pages.
REDIRECTS_BLOGGER_LABELS = True

# Learning and trust (see README, "Teaching and trust").
TOC_MIN_HEADINGS = 3
RELATED_POSTS_COUNT = 3
CONTENT_NOTES_COLLAPSE = False
DISCLAIMER_TAGS = ["ketamine", "post-covid-syndrome", "mental-health"]
DISCLAIMER_CATEGORIES = ["treatment"]
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
