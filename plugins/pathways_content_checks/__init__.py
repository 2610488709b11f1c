"""Fail the build with a clear message on broken front matter or colliding slugs."""

from .checks import register

__all__ = ["register"]
