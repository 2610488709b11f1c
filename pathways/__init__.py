"""pathways: the tools around a Pelican blog: building, previewing, writing, comments, views,
the Blogger import, checking and publishing.

Each feature is a package: `site/` (build, preview, check, deploy, publish), `comments/`,
`views/` (Popular Posts), `blogger/`; `plugin_support` is what the site's Pelican plugins
share with them; `settings` declares every setting of the site once; `defaults` holds
the settings every blog starts from; `engine` says where the theme, the plugins and the
files installed for a blog are; `blog/` makes, upgrades and moves a writer's blog folder.
"""

from pathlib import Path

# The engine's version: a blog pins it, `make upgrade` moves the pin.
__version__ = "0.2.0"

# The folder of this source tree (when the engine runs from one; see `engine`).
PROJECT_ROOT = Path(__file__).resolve().parent.parent
