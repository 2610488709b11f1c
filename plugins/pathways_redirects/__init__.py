"""Keep old links working: redirect pages, `_redirects` and an nginx map for moved posts."""

from .generator import register

__all__ = ["register"]
