"""Photos residents attach to their comments (one per comment): cleaned of metadata on the
server, stored under ``UPLOAD_DIR``, served only to those who may see the comment."""

from flask import Blueprint

bp = Blueprint("photos", __name__)
