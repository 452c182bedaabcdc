"""The public domain. Its routes live in `routes*.py` modules, imported by the app factory."""

from flask import Blueprint

bp = Blueprint("public", __name__)
