"""Rank posts by private view data for the theme's "Popular Posts" widget."""

from .widget import register

__all__ = ["register"]
