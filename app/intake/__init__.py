"""Formal and offline input registered by staff: letters, e-mails, meeting notes, yttranden,
paper surveys, and the project's register of remissinstanser and sakägare."""

from flask import Blueprint

bp = Blueprint("intake", __name__)
