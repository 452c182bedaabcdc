"""Registers the API's authentication hooks (``app.api.auth``) with the blueprint.

The app factory imports every ``routes*.py`` module of a domain; this one exists so the
hooks load without touching the resource modules.
"""

from app.api import auth  # noqa: F401
