"""Rank posts by private view data for the theme's "Popular Posts" widget: the plugin's
hook; Popular Posts itself (sources, rules, ranking, the widget's content) is
`pathways.views`."""

from pathways.views.widget import register

__all__ = ["register"]
