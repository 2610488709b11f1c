"""Attach approved comment threads and counts to posts (`article.comments`)."""

from .attach import register

__all__ = ["register"]
