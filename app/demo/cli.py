"""`flask demo ...` commands."""

from flask.cli import AppGroup

cli = AppGroup("demo", help="demo commands.")
