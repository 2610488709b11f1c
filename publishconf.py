"""Settings for the production build: `make publish` builds with these.

Everything in `pelicanconf.py` applies unless overridden here.
"""

import os
import sys

sys.path.append(os.path.dirname(__file__))
from pathways.plugin_order import production_plugins
from pelicanconf import *  # noqa: F403

# The production site is built into a folder of its own, so a preview build (output/) never
# replaces it, and a rebuild carries over every page that did not change (README, "Build speed").
OUTPUT_PATH = "public"

# The one place the live address is set; every URL and feed link derives from it.
SITEURL = "https://pathways.example.org"
RELATIVE_URLS = False

FEED_DOMAIN = SITEURL
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
# security headers and cache rules for the host, gzip and brotli copies of text files. Each
# goes where pathways.plugin_order places it (pages are finished before the search index is
# made from them, so the index is the same whether a page was rendered again or carried over).
PLUGINS = production_plugins(PLUGINS)  # noqa: F405
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

# Views for Popular Posts: your web server's logs (or CSV exports), e.g.
# ["/var/log/nginx/access.log*"]. With none, the widget shows the most discussed posts.
# Windows end at the time of the build (the preview's date is for its sample log only).
POPULAR_POSTS_SOURCES = []
POPULAR_POSTS_TODAY = None

# Where `make publish` deploys after building and checking (see README, "Publishing"):
#   {"target": "folder", "path": "/srv/blog"}
#   {"target": "git", "repository": "git@github.com:me/me.github.io.git", "branch": "gh-pages",
#    "cname": "blog.example.org"}
#   {"target": "rsync", "destination": "me@host:/srv/blog"}   (then serve /srv/blog/current;
#    optional: "port": 22, "identity": "~/.ssh/id_ed25519", "known_hosts": "…", "keep": 3)
DEPLOY = {}
PUBLISH_CHECK = True
