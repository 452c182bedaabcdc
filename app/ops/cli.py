"""`flask worker`: the background worker for exports and coding (RQ on Redis)."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext

from app.extensions import db


@click.command("worker")
@click.option("--burst", is_flag=True, help="Process what is queued, then exit.")
@with_appcontext
def cli(burst: bool) -> None:
    """Run the RQ worker on the queue named by RQ_QUEUE, against REDIS_URL.

    It first codes what a killed worker left uncoded (as ``flask analysis sweep`` does)."""
    from redis import Redis
    from rq import Queue, Worker

    from app.analysis_ui.services import sweep

    url = current_app.config.get("REDIS_URL")
    if not url:
        raise click.ClickException(
            "REDIS_URL is not set: without Redis, background work runs in the web process."
        )
    swept = sweep()
    if swept:
        click.echo(f"coded {swept} contributions left waiting")
    # Each job runs in a forked child: the children must not share this process's connections.
    db.session.remove()
    db.engine.dispose()
    connection = Redis.from_url(url)
    queue = Queue(current_app.config["RQ_QUEUE"], connection=connection)
    Worker([queue], connection=connection).work(burst=burst)
