"""The surveys domain. Its routes live in `routes*.py` modules, imported by the app factory."""

from flask import Blueprint

bp = Blueprint("surveys", __name__)
