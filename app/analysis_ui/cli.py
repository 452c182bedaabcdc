"""`flask analysis ...` commands."""

from datetime import timedelta

import click
import sqlalchemy as sa
from flask.cli import AppGroup

from app.extensions import db

cli = AppGroup("analysis", help="analysis commands.")


@cli.command("recode")
@click.option("--stage", "stage_ids", type=int, multiple=True, help="Stage id (repeatable).")
@click.option("--all", "all_stages", is_flag=True, help="Every stage of every project.")
def recode(stage_ids: tuple[int, ...], all_stages: bool) -> None:
    """Code the contributions of stages again and recompute their indicators."""
    from app.analysis_ui.services import recode_and_recompute
    from app.projects.models import Stage

    if not stage_ids and not all_stages:
        raise click.UsageError("give --stage ID or --all")
    if all_stages:
        stages = list(db.session.scalars(sa.select(Stage).order_by(Stage.id)))
    else:
        stages = []
        for sid in stage_ids:
            stage = db.session.get(Stage, sid)
            if stage is None:
                raise click.BadParameter(f"no stage with id {sid}", param_hint="--stage")
            stages.append(stage)
    contributions = codings = 0
    for stage in stages:
        counts, snap = recode_and_recompute(stage)
        db.session.commit()
        contributions += counts.contributions
        codings += counts.codings
        click.echo(
            f"stage {stage.id}: {counts.contributions} contributions, {counts.codings} codings, "
            f"{snap.data['totals']['participants']} participants"
        )
    click.echo(f"{len(stages)} stages, {contributions} contributions, {codings} codings")


@cli.command("sweep")
@click.option(
    "--older-than",
    "older_than",
    type=click.IntRange(min=0),
    default=300,
    show_default=True,
    help="Seconds a contribution has waited; younger ones are left to their queued job.",
)
def sweep_command(older_than: int) -> None:
    """Code contributions a killed worker left uncoded (idempotent; run it from cron)."""
    from app.analysis_ui.services import sweep

    done = sweep(age=timedelta(seconds=older_than))
    click.echo(f"{done} waiting contributions coded")


@cli.command("train-coder")
@click.option("--project", "project_id", type=int, required=True, help="Project id.")
def train_coder(project_id: int) -> None:
    """Retrain the coder's model from the project's reviews now (else every 25 reviews)."""
    from app.analysis_ui.learning import retrain
    from app.projects.models import Project

    if db.session.get(Project, project_id) is None:
        raise click.BadParameter(f"no project with id {project_id}", param_hint="--project")
    row = retrain(project_id)
    if row is None:
        click.echo("too few reviews for a model (at least 25, from 2 participants)")
        return
    used = "used" if row.used else "not used: it did not beat the rules"
    click.echo(
        f"{row.scope} model {row.model_id}: {row.n_reviews} reviews, "
        f"F1 {row.model_f1} vs {row.rules_f1} for the rules ({used})"
    )
