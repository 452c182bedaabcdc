from flask import Blueprint

bp = Blueprint("manage", __name__)

from app.manage import routes  # noqa: E402,F401
