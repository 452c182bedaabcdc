"""The privacy domain: residents' own data (download, delete), erasure on request and
retention. Its routes live in ``routes.py``, imported by the app factory."""

from flask import Blueprint

bp = Blueprint("privacy", __name__)
