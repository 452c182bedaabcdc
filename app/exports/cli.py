"""`flask exports ...` commands."""

from flask.cli import AppGroup

cli = AppGroup("exports", help="exports commands.")
