"""Plan maps (plankartor) shown over a stage's maps, and an organization's base map layers.
Its routes live in `routes*.py` modules, imported by the app factory."""

from flask import Blueprint

bp = Blueprint("plans", __name__)
