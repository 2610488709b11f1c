"""pathways: the tools around a Pelican blog: building, previewing, writing, comments, views,
the Blogger import, checking and publishing.

Each feature is a package: `site/` (build, preview, check, deploy, publish), `comments/`,
`views/` (Popular Posts), `blogger/`; `plugin_support` is what the site's Pelican plugins
share with them; `settings` declares every setting of the site once.
"""

from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
