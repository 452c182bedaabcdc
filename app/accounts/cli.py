"""`flask users ...` commands."""

from flask.cli import AppGroup

cli = AppGroup("users", help="users commands.")
