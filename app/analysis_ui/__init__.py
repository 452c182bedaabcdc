"""The analysis_ui domain. Its routes live in `routes*.py` modules, imported by the app factory."""

from flask import Blueprint

bp = Blueprint("analysis_ui", __name__)
