"""Settings of the sample blog, for building and previewing it locally.

Every setting starts at the engine's default (`pathways.defaults`); these are the sample
blog's own values. `publishconf.py` imports everything here and overrides what production
needs.
"""

from pathways.defaults import *  # noqa: F403

AUTHOR = "Pathways"
SITENAME = "Pathways"
SITESUBTITLE = "Living with chronic illness and post-covid syndrome, one step at a time"
# The short profile in the sidebar's "About" box (plain text).
PROFILE_TEXT = (
    "I write about chronic illness, post-covid syndrome and the treatments I try, "
    "from my own experience."
)
TIMEZONE = "America/New_York"

# This tree is the engine: its theme and plugins are the ones beside this file.
THEME = "theme"
PLUGIN_PATHS = ["plugins"]
THEME_TEMPLATES_OVERRIDES = []

# Popular Posts ranks the sample blog from a small sample log (relative to content/), up to
# the day that log ends.
POPULAR_POSTS_SOURCES = ["data/sample-access.log"]
POPULAR_POSTS_TODAY = "2023-06-30"

# Posts with these tags or in these categories show DISCLAIMER_TEXT.
DISCLAIMER_TAGS = ["ketamine", "post-covid-syndrome", "mental-health"]
DISCLAIMER_CATEGORIES = ["treatment"]
