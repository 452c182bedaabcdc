from flask import Blueprint

bp = Blueprint("analysis_ui", __name__)

from app.analysis_ui import routes  # noqa: E402,F401
