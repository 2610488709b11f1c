"""Fail the build with a clear message on colliding slugs or a theme missing a template."""

from .checks import register

__all__ = ["register"]
