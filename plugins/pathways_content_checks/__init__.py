"""Fail the build with a clear message on colliding slugs or a theme missing a template, and
warn about posts outside the folders the site reads."""

from .checks import register

__all__ = ["register"]
