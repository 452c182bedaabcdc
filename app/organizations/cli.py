"""`flask orgs ...` commands."""

from flask.cli import AppGroup

cli = AppGroup("orgs", help="orgs commands.")
