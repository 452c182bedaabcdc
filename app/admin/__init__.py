"""The admin domain. Its routes live in `routes*.py` modules, imported by the app factory."""

from flask import Blueprint

bp = Blueprint("admin", __name__)
