"""Benchmark the exports: the dialogue summary (HTML and PDF) and the XLSX of 20,000 responses.

Run: ``.venv/bin/python bench/exports.py [--n 20000] [--seed 1]``. Builds a temporary SQLite
database with bulk inserts (a samråd stage, a map survey of eight questions, n responses with
free text on about half and a map point on a third, n/10 comments), then times each export and
prints seconds, responses per second and the ratio against a baseline measured in the same run:
reading every answer row with one plain SELECT (absolute figures drift on shared machines).
Target (docs/design.md section 10): each export of 20,000 responses under 10 s.
"""

from __future__ import annotations

import argparse
import logging
import random
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import sqlalchemy as sa  # noqa: E402

from app import create_app  # noqa: E402
from app.extensions import db  # noqa: E402

AREA = {
    "type": "Polygon",
    "coordinates": [
        [[17.94, 59.215], [17.96, 59.215], [17.96, 59.225], [17.94, 59.225], [17.94, 59.215]]
    ],
}
TEXTS = [
    "Trygghet vid gångtunneln, det är mörkt och otryggt på kvällarna",
    "Bussarna går alldeles för sällan till stationen",
    "Lekplatsen är sliten och gungorna är trasiga",
    "Trafikbullret stör hela natten",
    "Vi saknar en matbutik och ett apotek i Flemingsberg",
    "Parken är fin men dåligt skött, mer grönska behövs",
    "Bilarna kör för fort och det finns inget övergångsställe",
    "Det behövs fler bänkar och ett café vid torget",
    "Hyrorna har blivit för höga efter renoveringen",
    "Kommunen lyssnar inte på oss som bor här",
    "Naturen måste skyddas från bebyggelse",
    "Det är skräpigt och klotter överallt",
    "Ungdomarna har ingen fritidsgård",
    "Cykelbanan tar slut mitt i korsningen",
    "Utsikten över sjön är fantastisk",
]


def build(n: int, seed: int) -> dict[str, int]:
    """Create the dataset with bulk inserts; return the ids the exports need."""
    from app.comments.models import Comment
    from app.organizations.models import Organization
    from app.projects.models import Activity, ActivityKind, Project, ProjectStatus
    from app.projects.services import apply_template
    from app.surveys.models import (
        Answer,
        AnswerFeature,
        OptionKind,
        Question,
        QuestionOption,
        QuestionType,
        Response,
        Survey,
        SurveyStatus,
    )

    rng = random.Random(seed)
    org = Organization(slug="huddinge", name="Huddinge kommun")
    project = Project(
        organization=org,
        slug="flemingsberg",
        status=ProjectStatus.ACTIVE,
        title={"sv": "Flemingsbergs centrum"},
    )
    project.set_geometry(AREA)
    db.session.add_all([org, project])
    db.session.flush()
    stage = apply_template(project, "detaljplan_standard")[2]
    now = datetime.now(UTC)
    stage.opens_at, stage.closes_at = now - timedelta(days=40), now + timedelta(days=5)
    survey = Survey(organization_id=org.id, title={"sv": "Enkät"}, status=SurveyStatus.OPEN)
    db.session.add(survey)
    db.session.flush()
    db.session.add(Activity(stage=stage, kind=ActivityKind.SURVEY, survey_id=survey.id))
    discussion = Activity(stage=stage, kind=ActivityKind.DISCUSSION, position=1)
    db.session.add(discussion)

    def question(
        qtype: QuestionType,
        prompt: str,
        pos: int,
        labels: list[str],
        kind: OptionKind = OptionKind.OPTION,
    ) -> tuple[Question, list[QuestionOption]]:
        q = Question(survey_id=survey.id, type=qtype, position=pos, prompt={"sv": prompt})
        db.session.add(q)
        db.session.flush()
        opts = [
            QuestionOption(question_id=q.id, kind=kind, position=i, label={"sv": t}, code=t)
            for i, t in enumerate(labels)
        ]
        db.session.add_all(opts)
        db.session.flush()
        return q, opts

    q_single, single = question(
        QuestionType.SINGLE_CHOICE, "Hur ofta?", 0, ["Dagligen", "Varje vecka", "Sällan"]
    )
    q_multi, multi = question(
        QuestionType.MULTI_CHOICE, "Vad saknas?", 1, ["Bänkar", "Belysning", "Träd", "Toaletter"]
    )
    q_likert, _ = question(QuestionType.LIKERT, "Hur trygg?", 2, [])
    q_text, _ = question(QuestionType.LONG_TEXT, "Vad vill du förbättra?", 3, [])
    q_map, cats = question(
        QuestionType.MAP_POINT,
        "Markera platser",
        4,
        ["Bra plats", "Känns otryggt", "Idé"],
        OptionKind.CATEGORY,
    )
    q_rank, ranks = question(
        QuestionType.RANKING, "Viktigast?", 5, ["Trygghet", "Grönska", "Service"]
    )
    q_age, ages = question(
        QuestionType.AGE_BAND, "Ålder", 6, ["0-15", "16-19", "20-29", "30-64", "65+"]
    )
    q_gender, genders = question(QuestionType.GENDER, "Kön", 7, ["woman", "man", "other"])
    db.session.commit()

    responses = [
        {
            "id": i + 1,
            "survey_id": survey.id,
            "client_id": str(uuid.UUID(int=rng.getrandbits(128))),
            "language": "sv",
            "channel": "web",
            "submitted_at": now - timedelta(minutes=rng.randrange(40 * 24 * 60)),
        }
        for i in range(n)
    ]
    db.session.execute(sa.insert(Response), responses)
    answers, features = [], []
    aid = 0
    for r in responses:
        rid = r["id"]
        rows = [
            (q_single.id, rng.choice(single).id, None),
            (q_multi.id, {"options": [o.id for o in rng.sample(multi, 2)], "other": None}, None),
            (q_likert.id, rng.randint(1, 5), None),
            (q_rank.id, [o.id for o in rng.sample(ranks, 3)], None),
            (q_age.id, rng.choice(ages).id, None),
            (q_gender.id, rng.choice(genders).id, None),
        ]
        if rng.random() < 0.5:
            text = rng.choice(TEXTS)
            rows.append((q_text.id, text, text))
        if rng.random() < 0.33:
            rows.append((q_map.id, None, None))
        for qid, value, text in rows:
            aid += 1
            answers.append(
                {"id": aid, "response_id": rid, "question_id": qid, "value": value, "text": text}
            )
            if qid == q_map.id:
                lon, lat = 17.94 + rng.random() * 0.02, 59.215 + rng.random() * 0.01
                features.append(
                    {
                        "answer_id": aid,
                        "position": 0,
                        "category_id": rng.choice(cats).id,
                        "comment": rng.choice(TEXTS) if rng.random() < 0.5 else None,
                        "geometry": {"type": "Point", "coordinates": [lon, lat]},
                        "min_lon": lon,
                        "max_lon": lon,
                        "min_lat": lat,
                        "max_lat": lat,
                    }
                )
    for start in range(0, len(answers), 20000):
        db.session.execute(sa.insert(Answer), answers[start : start + 20000])
    db.session.execute(sa.insert(AnswerFeature), features)
    db.session.execute(
        sa.insert(Comment),
        [
            {
                "activity_id": discussion.id,
                "stage_id": stage.id,
                "body": rng.choice(TEXTS),
                "created_at": now - timedelta(minutes=rng.randrange(40 * 24 * 60)),
                "status": "published",
                "supports_count": rng.randrange(5),
            }
            for _ in range(n // 10)
        ],
    )
    db.session.commit()
    return {"survey": survey.id, "stage": stage.id, "answers": len(answers)}


def timed(label: str, fn: object, n: int, baseline: tuple[float, float]) -> float:
    """Run ``fn``; print wall and CPU seconds, responses/s and ratios to the baseline.

    On a shared machine wall-clock time includes waiting for a core; CPU time does not, so
    both are printed and the CPU ratio is the steadier figure.
    """
    start, cpu = time.perf_counter(), time.process_time()
    size = fn()  # type: ignore[operator]
    seconds = time.perf_counter() - start
    cpu = time.process_time() - cpu
    print(
        f"{label:<18} {seconds:6.2f} s wall ({seconds / baseline[0]:5.1f}× baseline)  "
        f"{cpu:5.2f} s cpu ({cpu / baseline[1]:5.1f}× baseline)  "
        f"{n / seconds:6.0f} responses/s  {size / 1e6:5.2f} MB  "
        f"{'OK' if seconds < 10 else 'OVER 10 s wall'}"
    )
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=20000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    logging.getLogger("fontTools").setLevel(logging.ERROR)
    with tempfile.TemporaryDirectory() as tmp:
        app = create_app(
            {
                "DATABASE_URL": f"sqlite:///{tmp}/bench.db",
                "INSTANCE_DIR": tmp,
                "SECRET_KEY": "bench-secret-key-that-is-long-enough-0123456789",
                "RATELIMIT_ENABLED": False,
                "REDIS_URL": None,
            }
        )
        with app.app_context():
            db.create_all()
            start = time.perf_counter()
            ids = build(args.n, args.seed)
            print(
                f"built {args.n} responses ({ids['answers']} answers) "
                f"in {time.perf_counter() - start:.1f} s"
            )

            from app.exports.queries import resolve_scope
            from app.exports.services import Access, build_export
            from app.surveys.models import Answer

            # Warm the coder's caches and the templates once, outside the timings.
            build_export("summary", "html", resolve_scope("stage", ids["stage"]), Access.system())
            db.session.remove()

            start, cpu = time.perf_counter(), time.process_time()
            rows = db.session.execute(
                sa.select(Answer.response_id, Answer.question_id, Answer.value, Answer.text)
            ).all()
            baseline = (time.perf_counter() - start, time.process_time() - cpu)
            print(
                f"{'baseline: read rows':<18} {baseline[0]:6.2f} s wall  {baseline[1]:5.2f} s cpu"
                f"  ({len(rows)} answer rows, one SELECT)"
            )
            db.session.remove()

            def export(kind: str, fmt: str, scope: str, key: str) -> object:
                def run() -> int:
                    result = build_export(
                        kind, fmt, resolve_scope(scope, ids[key]), Access.system()
                    )
                    db.session.remove()
                    return len(result.data)

                return run

            timed("summary HTML", export("summary", "html", "stage", "stage"), args.n, baseline)
            timed("summary PDF", export("summary", "pdf", "stage", "stage"), args.n, baseline)
            timed(
                "responses XLSX", export("responses", "xlsx", "survey", "survey"), args.n, baseline
            )
            timed("responses CSV", export("responses", "csv", "survey", "survey"), args.n, baseline)
            db.session.remove()
            db.engine.dispose()


if __name__ == "__main__":
    main()
