"""Residents follow a project and hear back by mail (docs/follow.md)."""

from flask import Blueprint

bp = Blueprint("follow", __name__)
