"""What a production build changes from `pathways.defaults`: a blog's `publishconf.py`
imports its `pelicanconf.py`, then these (`from pathways.defaults.production import *`), then
sets its own production values (its address, where it is deployed) and places the
production plugins (`PLUGINS = production_plugins(PLUGINS)`).
"""

# The production site is built into a folder of its own, so a preview build (output/) never
# replaces it, and a rebuild carries over every page that did not change (README, "Build speed").
OUTPUT_PATH = "public"
RELATIVE_URLS = False

FEED_ALL_ATOM = "feeds/all.atom.xml"
FEED_ALL_RSS = "feeds/all.rss.xml"
CATEGORY_FEED_ATOM = "feeds/category/{slug}.atom.xml"
TAG_FEED_ATOM = "feeds/tag/{slug}.atom.xml"
RSS_FEED_SUMMARY_ONLY = False
# Each feed carries the newest 25 posts in full, as Blogger's feeds did: feed readers keep
# what they fetched before, and every poll downloads the whole file.
FEED_MAX_ITEMS = 25

# A comment file with a problem fails the production build instead of being left out.
COMMENTS_STRICT = True

# Production extras: minified pages and stylesheets, theme files named by their content,
# gzip and brotli copies of text files (with their plugins, see pathways.plugin_order).
MINIFY = True
FINGERPRINT_ASSETS = True
PRECOMPRESS = True
PRECOMPRESS_BROTLI_QUALITY = 6

# Drafts are never written in production, nor posts dated in the future (until the first
# build after their date: see README, "Writing").
WITH_FUTURE_DATES = False
SHOW_DRAFTS = False
DRAFT_SAVE_AS = ""
DRAFT_LANG_SAVE_AS = ""
DRAFT_PAGE_SAVE_AS = ""
DRAFT_PAGE_LANG_SAVE_AS = ""

# Popular Posts' windows end at the end of yesterday, whatever day the preview pins.
POPULAR_POSTS_TODAY = None

# With the comment service on your server, `make publish` first fetches the server's view
# counts (never a reader's address or user agent) into these files; the first is then a
# Popular Posts source (see README, "Popular Posts").
POPULAR_POSTS_SERVER_VIEWS = "data/server-views.csv"
POPULAR_POSTS_SERVER_SITES = "data/server-sites.csv"
