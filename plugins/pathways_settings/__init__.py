"""Declared settings, filled in and checked before anything else reads them.

Every setting of the site is declared once in `pathways` (name, default, type, meaning).
This plugin, first in `PLUGINS`, writes the defaults the settings file left out into
Pelican's settings and replaces each value that fails its check by the default, with a
warning that names the setting, says what was wrong and what is used instead.
"""

from typing import Any

from pelican import signals

from pathways.settings import apply_defaults, features, read


def check_settings(pelican: Any) -> None:
    apply_defaults(pelican.settings)
    for feature in features():
        pelican.settings.update(read(pelican.settings, feature))


def register() -> None:
    signals.initialized.connect(check_settings)
