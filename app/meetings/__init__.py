"""Consultation meetings (samrådsmöten) of a stage: listed publicly, as .ics, managed by staff."""

from flask import Blueprint

bp = Blueprint("meetings", __name__)
