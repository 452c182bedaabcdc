"""`flask analysis ...` commands."""

from flask.cli import AppGroup

cli = AppGroup("analysis", help="analysis commands.")
