"""Settings for the production build: `make publish` builds with these.

Everything in `pelicanconf.py` applies, then the engine's production defaults
(`pathways.defaults.production`), then what is set here.
"""

import os
import sys

sys.path.append(os.path.dirname(__file__))
# The order matters (the preview's settings, then production's): imports are not sorted here.
# isort: off
from pelicanconf import *  # noqa: F403
from pathways.defaults.production import *  # noqa: F403
from pathways.plugin_order import production_plugins
# isort: on

# The one place the live address is set; every URL and feed link derives from it.
SITEURL = "https://pathways.example.org"
FEED_DOMAIN = SITEURL

# Production's extra steps (minified pages, security headers and cache rules for the host,
# compressed copies), each where pathways.plugin_order places it: pages are finished before
# the search index is made from them, so the index is the same whether a page was rendered
# again or carried over.
PLUGINS = production_plugins(PLUGINS)  # noqa: F405

# Views for Popular Posts: with the comment service on your server, `make publish` fetches
# the server's counts into content/data/server-views.csv and ranks from them; list other
# sources here (CSV exports, logs). With none, the widget shows the most discussed posts.
POPULAR_POSTS_SOURCES = []

# Where `make publish` deploys after building and checking (see README, "Publishing"):
#   {"target": "folder", "path": "/srv/blog"}
#   {"target": "git", "repository": "git@github.com:me/me.github.io.git", "branch": "gh-pages",
#    "cname": "blog.example.org"}
#   {"target": "rsync", "destination": "me@host:/srv/blog"}   (then serve /srv/blog/current;
#    optional: "port": 22, "identity": "~/.ssh/id_ed25519", "known_hosts": "…", "keep": 3)
DEPLOY = {}
PUBLISH_CHECK = True
