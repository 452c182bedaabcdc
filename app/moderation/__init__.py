"""The moderation domain. Its routes live in `routes*.py` modules, imported by the app factory."""

from flask import Blueprint

bp = Blueprint("moderation", __name__)
