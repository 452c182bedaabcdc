"""Seed, wipe and describe the demo data (Södertörn municipalities, projects, dialogue).

The content is deterministic: one ``random.Random(2026)`` drives every choice, and dates are
placed relative to today (truncated to the day) so the open rounds stay open. Nothing here
commits; the ``flask demo`` commands do, once, at the end.
"""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from shapely.geometry import shape

from app.accounts.models import Participant, User
from app.accounts.passwords import hash_password
from app.audit.services import record
from app.codebook.models import Codebook, Theme
from app.comments.models import Comment, CommentStatus, Flag, FlagReason, Support
from app.core.models import utcnow
from app.core.signals import contribution_created
from app.demo import geography, images
from app.demo import plans as demo_plans
from app.demo.follow import seed_follow_and_meetings
from app.demo.people import ACCOUNT_RESIDENTS, LOGINS, NICKNAMES, StaffLogin
from app.demo.photos import add_marking_photos, add_photos
from app.demo.projects import PROJECTS, STAGE_DESCRIPTIONS, ProjectSpec, Round
from app.demo.surveys import Answerer, Sampler, build_survey, link_conditions
from app.demo.texts import Writer
from app.extensions import db
from app.moderation.models import ModerationAction, ModerationDecision
from app.organizations.models import Membership, Organization, PopulationRow, Role
from app.projects.models import (
    Activity,
    ActivityKind,
    Feedback,
    ModerationMode,
    ParticipationLevel,
    ParticipationPolicy,
    Project,
    ProjectPartner,
    ProjectStatus,
    Stage,
    StageAction,
)
from app.projects.services import apply_template, make_current
from app.projects.templates import RESIDENT_ALL
from app.surveys.models import Channel, Response, Survey, SurveyStatus

SEED = 2026
DAY = timedelta(days=1)

HIDDEN_TEXTS = [
    (
        "Alla som tycker annorlunda än jag är idioter och borde flytta härifrån.",
        "Kränkande språk",
        FlagReason.OFFENSIVE,
    ),
    (
        "Ring mig på 070-123 45 67 så berättar jag mer. /Anna Svensson, Storgatan 3",
        "Innehåller personuppgifter",
        FlagReason.PERSONAL_DATA,
    ),
    (
        "Billiga solglasögon!!! Beställ på www.example.com/rea idag",
        "Reklam",
        FlagReason.SPAM,
    ),
]


@dataclass
class Staff:
    users: dict[str, User] = field(default_factory=dict)

    def by_role(self, org: str, role: str) -> User:
        for login in LOGINS:
            if login.org == org and login.role == role:
                return self.users[login.email]
        raise KeyError((org, role))

    def answerer(self, org: str) -> User:
        """Who writes official answers: the facilitator where there is one."""
        try:
            return self.by_role(org, "facilitator")
        except KeyError:
            return self.by_role(org, "planner")

    def moderator(self, org: str) -> User:
        try:
            return self.by_role(org, "moderator")
        except KeyError:
            return self.by_role(org, "planner")


def is_seeded() -> bool:
    """True when any demo organization exists."""
    found = db.session.scalar(
        sa.select(sa.func.count(Organization.id)).where(Organization.slug.in_(geography.DEMO_SLUGS))
    )
    return bool(found)


def has_organizations() -> bool:
    return bool(db.session.scalar(sa.select(sa.func.count(Organization.id))))


def wipe() -> None:
    """Delete every row of every table (children first); the schema stays."""
    db.session.flush()
    for table in reversed(db.metadata.sorted_tables):
        db.session.execute(table.delete())
    db.session.expunge_all()


def today() -> datetime:
    now = utcnow()
    return now.replace(hour=0, minute=0, second=0, microsecond=0)


class Seeder:
    """Builds the whole demo in the session; call :meth:`run`, then commit."""

    def __init__(self, password: str) -> None:
        # Determinism, not secrecy: the same demo every time.
        self.rng = random.Random(SEED)  # noqa: S311
        self.base = today()
        self.password_hash = hash_password(password)
        self.staff = Staff()
        self.orgs: dict[str, Organization] = {}
        self.participants: list[Participant] = []

    # Helpers ---------------------------------------------------------------------------

    def uuid(self) -> str:
        return str(uuid.UUID(int=self.rng.getrandbits(128)))

    def participant(self, nickname: str | None = None, user: User | None = None) -> Participant:
        p = Participant(
            token_hash=None if user else f"{self.rng.getrandbits(256):064x}",
            user=user,
            nickname=nickname,
        )
        db.session.add(p)
        return p

    def moment(self, start: datetime, end: datetime) -> datetime:
        """A time in [start, end) shaped like real rounds: a launch peak, a meeting peak."""
        rng = self.rng
        span = (end - start).total_seconds()
        roll = rng.random()
        if roll < 0.45:
            frac = min(0.98, rng.expovariate(1 / 0.12))
        elif roll < 0.7:
            frac = min(0.98, max(0.0, rng.gauss(0.55, 0.04)))
        else:
            frac = rng.random() * 0.98
        day = start + timedelta(seconds=span * frac)
        hour = rng.choices(
            range(24), [1] * 6 + [3, 6, 6, 4, 4, 4, 6, 4, 4, 4, 5, 7, 9, 10, 10, 8, 5, 2]
        )[0]
        moment = day.replace(hour=hour, minute=rng.randrange(60), second=rng.randrange(60))
        if moment < start:
            moment = start + timedelta(minutes=rng.randrange(30, 600))
        if moment >= end:
            moment = end - timedelta(minutes=rng.randrange(30, 600))
        return moment

    # Steps -----------------------------------------------------------------------------

    def run(self) -> None:
        self.codebook()
        self.organizations()
        self.users()
        for spec in PROJECTS:
            self.project(spec)
        db.session.flush()

    def codebook(self) -> None:
        from analysis.codebook import load_codebook

        default = load_codebook()
        book = Codebook(name="Standard", version=default.version)
        for i, theme in enumerate(default.themes):
            book.themes.append(
                Theme(
                    key=theme.id,
                    position=i,
                    label=dict(theme.label),
                    definition=dict(theme.definition),
                )
            )
        db.session.add(book)

    def organizations(self) -> None:
        rng = self.rng
        for m in geography.MUNICIPALITIES:
            org = Organization(
                slug=m.slug,
                name=m.name,
                map_lat=m.lat,
                map_lon=m.lon,
                map_zoom=m.zoom,
                boundary=m.boundary,
                primary_color=m.color,
                privacy_contact=f"dataskyddsombud@{m.slug}.demo",
                privacy_notice={
                    "sv": f"{m.name} är personuppgiftsansvarig för det du skriver här. Vi "
                    "sparar dina svar i högst 24 månader efter att dialogen stängt och använder "
                    "dem bara i planarbetet. Kontakta dataskyddsombudet om du vill veta mer "
                    "eller få dina uppgifter raderade.",
                    "en": f"{m.name} is the controller of what you write here. We keep your "
                    "answers for at most 24 months after the dialogue closes and use them only "
                    "for planning. Contact the data protection officer to learn more or to have "
                    "your data erased.",
                },
            )
            db.session.add(org)
            db.session.flush()
            org.logo_path = images.store(
                f"organizations/{org.id}/logo.png", images.logo_png(m.name, m.color)
            )
            self.orgs[m.slug] = org
            rows = []
            for district in m.districts:
                weights = [
                    s * k for s, k in zip(geography.AGE_SHARES, district.age_tilt, strict=True)
                ]
                total = sum(weights)
                for band, weight in zip(geography.AGE_BANDS, weights, strict=True):
                    count = district.inhabitants * weight / total
                    women_share = 0.58 if band == "80+" else 0.54 if band == "65-79" else 0.49
                    women_share += rng.uniform(-0.015, 0.015)
                    women = round(count * women_share)
                    men = round(count) - women
                    for gender, n in (("woman", women), ("man", men)):
                        rows.append(
                            PopulationRow(
                                organization_id=org.id,
                                year=geography.POPULATION_YEAR,
                                district=district.name,
                                age_band=band,
                                gender=gender,
                                count=n,
                            )
                        )
            db.session.add_all(rows)
        db.session.flush()

    def users(self) -> None:
        verified = self.base - 300 * DAY
        for login in LOGINS:
            user = User(
                email=login.email,
                password_hash=self.password_hash,
                display_name=login.name,
                is_superadmin=login.role == "superadmin",
                email_verified_at=verified,
                created_at=verified - DAY,
                locale="sv",
            )
            db.session.add(user)
            self.staff.users[login.email] = user
            if login.org and login.role in {r.value for r in Role}:
                db.session.add(
                    Membership(
                        user=user,
                        organization=self.orgs[login.org],
                        role=Role(login.role),
                        created_at=verified,
                    )
                )
        db.session.flush()
        admin = self.staff.users["admin@huddinge.demo"]
        superadmin = self.staff.users["superadmin@platsdialog.demo"]
        for login in LOGINS:
            if login.org and login.role in {r.value for r in Role}:
                actor = admin if login.org == "huddinge" else superadmin
                event = record(
                    "membership.create",
                    actor=actor,
                    organization_id=self.orgs[login.org].id,
                    object_type="user",
                    object_id=self.staff.users[login.email].id,
                    role=login.role,
                )
                event.created_at = verified + timedelta(hours=2)

    def stage_windows(self, n: int, spec: ProjectSpec) -> list[tuple[datetime, datetime]]:
        base = self.base
        current = spec.current or 0
        if spec.current_open:
            window = (base - 24 * DAY, base + 18 * DAY)
        else:
            window = (base - 85 * DAY, base - 25 * DAY)
        windows: list[tuple[datetime, datetime]] = [window] * n
        end = window[0] - 5 * DAY
        for i in range(current - 1, -1, -1):
            windows[i] = (end - 45 * DAY, end)
            end -= 50 * DAY
        # Later stages are upcoming, also after a round that has closed.
        start = max(window[1] + 10 * DAY, base + 30 * DAY)
        for i in range(current + 1, n):
            windows[i] = (start, start + 60 * DAY)
            start += 70 * DAY
        return windows

    def project(self, spec: ProjectSpec) -> None:
        org = self.orgs[spec.org]
        municipality = geography.MUNICIPALITY[spec.org]
        planner = self.staff.by_role(spec.org, "planner")
        project = Project(
            organization=org,
            slug=spec.slug,
            kind=spec.kind,
            status=ProjectStatus.ACTIVE if spec.active else ProjectStatus.DRAFT,
            title=spec.title,
            summary=spec.summary,
            body=spec.body,
            created_by_id=planner.id,
        )
        project.set_geometry(spec.area)
        db.session.add(project)
        db.session.flush()
        project.cover_image_path = images.store(
            f"projects/{project.id}/cover-demo.jpg", images.cover_png(spec.slug)
        )
        project.cover_alt = dict(images.COVER_ALT)
        if spec.custom_stages:
            for i, (kind, title, level) in enumerate(spec.custom_stages):
                project.stages.append(
                    Stage(
                        kind=kind,
                        position=i,
                        title=title,
                        participation_level=level,
                        allowed_actions=list(RESIDENT_ALL)
                        if level != ParticipationLevel.INFORMATION
                        else [StageAction.VIEW_ANSWERS.value],
                    )
                )
            project.template = "free"
            db.session.flush()
        else:
            apply_template(project, spec.template)
        stages = project.stages
        created = self.base - 400 * DAY
        event = record("project.create", actor=planner, organization_id=org.id, obj=project)
        event.created_at = created
        if not spec.active:
            return
        for i, (opens, closes) in enumerate(self.stage_windows(len(stages), spec)):
            stages[i].opens_at, stages[i].closes_at = opens, closes
            texts = spec.stage_texts.get(i, {})
            if "description" in texts:
                stages[i].description = texts["description"]
            if "influence" in texts:
                stages[i].influence = texts["influence"]
            if not stages[i].description and stages[i].kind in STAGE_DESCRIPTIONS:
                stages[i].description = dict(STAGE_DESCRIPTIONS[stages[i].kind])
        if spec.current is not None:
            make_current(stages[spec.current])
        event = record("project.publish", actor=planner, organization_id=org.id, obj=project)
        event.created_at = stages[0].opens_at or created
        if spec.key == "flemingsberg":
            partner = self.staff.users["partner@sh.demo"]
            project.partners.append(
                ProjectPartner(
                    user_id=partner.id,
                    description={
                        "sv": "Södertörns högskola följer dialogen som forskningspartner och "
                        "tar fram sociala indikatorer.",
                        "en": "Södertörn University follows the dialogue as a research partner "
                        "and develops social indicators.",
                    },
                )
            )
            event = record(
                "project.partner_add",
                actor=planner,
                organization_id=org.id,
                obj=project,
                partner_user_id=partner.id,
            )
            event.created_at = created + 30 * DAY
        writer = Writer(self.rng, spec.topics, spec.mentions["sv"])
        en_writer = Writer(self.rng, spec.topics, spec.mentions["en"])
        for rnd in spec.rounds:
            self.round(spec, project, stages[rnd.stage], rnd, municipality, writer, en_writer)
        for index, fb in spec.feedback.items():
            stage = stages[index]
            published = (stage.closes_at or self.base) + 14 * DAY
            stage.feedback = Feedback(
                heard=fb["heard"],
                did=fb["did"],
                theme_keys=list(fb["themes"]),
                author_id=planner.id,
                published_at=published,
                updated_at=published,
            )
            db.session.flush()
            event = record(
                "feedback.publish", actor=planner, organization_id=org.id, obj=stage.feedback
            )
            event.created_at = published

    def round(
        self,
        spec: ProjectSpec,
        project: Project,
        stage: Stage,
        rnd: Round,
        municipality: geography.Municipality,
        writer: Writer,
        en_writer: Writer,
    ) -> None:
        rng = self.rng
        org = self.orgs[spec.org]
        planner = self.staff.by_role(spec.org, "planner")
        if stage.opens_at is None or stage.closes_at is None:
            raise ValueError(f"the round of {spec.key} needs stage dates")
        start = stage.opens_at
        end = min(stage.closes_at, self.base)
        is_open = stage.closes_at > self.base
        event = record("stage.open", actor=planner, organization_id=org.id, obj=stage)
        event.created_at = start
        area = shape(spec.area)
        sampler = Sampler(rng, area, [xy for _, xy in spec.places])
        position = 0
        respondents: list[Participant] = []
        if rnd.survey:
            survey = Survey(
                organization_id=org.id,
                status=SurveyStatus.OPEN if is_open else SurveyStatus.CLOSED,
                created_at=start - 7 * DAY,
            )
            built = build_survey(rnd.survey, municipality, spec, survey)
            activity = Activity(
                stage=stage,
                kind=ActivityKind.SURVEY,
                position=position,
                title=dict(survey.title),
                policy=rnd.survey_policy,
                survey=survey,
            )
            position += 1
            db.session.add(activity)
            db.session.flush()
            link_conditions(built)
            answerer = Answerer(rng, built, spec, writer, sampler)
            en_answerer = Answerer(rng, built, spec, en_writer, sampler)
            for _ in range(rnd.responses):
                lang = "en" if rng.random() < rnd.english else "sv"
                participant = self.participant()
                respondents.append(participant)
                channel = rng.choices(
                    [Channel.WEB, Channel.OFFLINE, Channel.KIOSK, Channel.PAPER],
                    [0.86, 0.06, 0.04, 0.04],
                )[0]
                response = Response(
                    survey=survey,
                    participant=participant,
                    client_id=self.uuid(),
                    language=lang,
                    channel=channel,
                    submitted_at=self.moment(start, end),
                )
                response.answers = (en_answerer if lang == "en" else answerer).answers(lang)
                db.session.add(response)
                for answer in response.answers:
                    contribution_created.send(answer)
        discussion = Activity(
            stage=stage,
            kind=ActivityKind.DISCUSSION,
            position=position,
            title=rnd.discussion_title
            or {"sv": "Diskutera förslaget", "en": "Discuss the proposal"},
            policy=rnd.policy,
            moderation=ModerationMode.PRE if rnd.premoderated else ModerationMode.POST,
        )
        db.session.add(discussion)
        db.session.flush()
        self.discussion(
            spec, stage, discussion, rnd, sampler, writer, en_writer, respondents, start, end
        )

    def authors(self, rnd: Round, spec: ProjectSpec, respondents: list[Participant]) -> Any:
        """A function returning the author of the next comment under the activity's policy."""
        rng = self.rng
        if rnd.policy == ParticipationPolicy.ACCOUNT:
            pool = []
            resident = self.staff.users["invanare@platsdialog.demo"]
            pool.append(self.participant(user=resident))
            for i, name in enumerate(ACCOUNT_RESIDENTS, start=1):
                user = User(
                    email=f"boende{i:02d}@{spec.org}.demo",
                    password_hash=self.password_hash,
                    display_name=name,
                    email_verified_at=self.base - 60 * DAY,
                    created_at=self.base - 61 * DAY,
                )
                db.session.add(user)
                pool.append(self.participant(user=user))
            return lambda: rng.choice(pool)
        if rnd.policy == ParticipationPolicy.NICKNAME:
            pool = [self.participant(nickname=name) for name in NICKNAMES]
            return lambda: rng.choice(pool)
        # Anonymous: some respondents also comment; most commenters are new.
        fresh: list[Participant] = []

        def anonymous() -> Participant:
            if respondents and rng.random() < 0.3:
                return rng.choice(respondents)
            if fresh and rng.random() < 0.25:
                return rng.choice(fresh)
            p = self.participant()
            fresh.append(p)
            return p

        return anonymous

    def discussion(
        self,
        spec: ProjectSpec,
        stage: Stage,
        activity: Activity,
        rnd: Round,
        sampler: Sampler,
        writer: Writer,
        en_writer: Writer,
        respondents: list[Participant],
        start: datetime,
        end: datetime,
    ) -> None:
        rng = self.rng
        org = self.orgs[spec.org]
        author = self.authors(rnd, spec, respondents)
        answerer = self.staff.answerer(spec.org)
        moderator = self.staff.moderator(spec.org)
        n_official = min(len(spec.answers), len(spec.asked), max(1, rnd.comments // 25))
        n_replies = round(rnd.comments * 0.3)
        n_hidden = 2 if rnd.comments >= 50 else 1
        n_top = rnd.comments - n_official - n_replies
        seen_participants: list[Participant] = list(respondents)

        def new_comment(
            body: str,
            lang: str,
            when: datetime,
            parent: Comment | None,
            participant: Participant | None,
        ) -> Comment:
            c = Comment(
                activity=activity,
                stage=stage,
                parent=parent,
                participant=participant,
                body=body,
                language=lang,
                client_id=self.uuid() if participant is not None else None,
                created_at=when,
            )
            db.session.add(c)
            contribution_created.send(c)
            if participant is not None:
                seen_participants.append(participant)
            return c

        top: list[Comment] = []
        # The questions staff answer officially: each answer goes under the comment it
        # answers, never under an unrelated one.
        asked: list[Comment] = []
        for i in range(n_official):
            lang = "en" if rng.random() < rnd.english else "sv"
            when = self.moment(start, end - timedelta(days=1))
            asked.append(new_comment(spec.asked[i][lang], lang, when, None, author()))
        top.extend(asked)
        for _ in range(n_top - n_hidden - n_official):
            lang = "en" if rng.random() < rnd.english else "sv"
            w = en_writer if lang == "en" else writer
            comment = new_comment(w.comment(lang), lang, self.moment(start, end), None, author())
            if rng.random() < 0.4:
                lon, lat = sampler.point()
                comment.set_geometry(
                    {"type": "Point", "coordinates": [lon, lat]}, within=sampler.area
                )
            top.append(comment)
        hidden: list[Comment] = []
        for i in range(n_hidden):
            body, reason, flag_reason = HIDDEN_TEXTS[(i + len(spec.key)) % len(HIDDEN_TEXTS)]
            comment = new_comment(body, "sv", self.moment(start, end), None, author())
            hidden.append(comment)
            top.append(comment)
        top.sort(key=lambda c: c.created_at)

        replies: list[Comment] = []
        for i in range(n_replies):
            # Every fourth reply answers another reply (the second level of a thread).
            if replies and i % 4 == 3:
                parent = rng.choice(replies)
            else:
                parent = rng.choice(top[: max(3, len(top) * 2 // 3)])
            lang = parent.language or "sv"
            w = en_writer if lang == "en" else writer
            when = min(
                end - timedelta(minutes=5),
                parent.created_at + timedelta(hours=rng.expovariate(1 / 20)),
            )
            reply = new_comment(w.reply(lang), lang, when, parent, author())
            replies.append(reply)

        # Pre-moderation: the newest resident comments without replies still wait.
        pending: list[Comment] = []
        if rnd.premoderated:
            waiting = sorted(
                (c for c in top + replies if c not in hidden and c not in asked and not c.replies),
                key=lambda c: c.created_at,
            )
            pending = waiting[-6:]
            for comment in pending:
                comment.status = CommentStatus.PENDING

        # Official answers to the comments most in need of one, and some still waiting.
        candidates = [c for c in top if c not in hidden and c not in pending and c not in asked]
        rng.shuffle(candidates)
        for i, parent in enumerate(asked):
            lang = parent.language or "sv"
            when = min(
                end - timedelta(minutes=5),
                parent.created_at + timedelta(hours=rng.uniform(20, 120)),
            )
            official = new_comment(spec.answers[i][lang], lang, when, parent, None)
            official.is_official = True
            official.author_user = answerer
            parent.needs_answer = True
            parent.answered_at = when
            db.session.flush()
            event = record("comment.answer", actor=answerer, organization_id=org.id, obj=official)
            event.created_at = when
        for parent in candidates[:3]:
            parent.needs_answer = True

        # Supports, mostly on a few popular comments (rows by id, so flush first).
        db.session.flush()
        supporters = list(dict.fromkeys(seen_participants))
        self.supports(top + replies, hidden + pending, supporters)
        self.moderation(org, moderator, rnd, top + replies, candidates[3:], hidden, supporters)

    def supports(
        self, comments: list[Comment], skip: list[Comment], supporters: list[Participant]
    ) -> None:
        """Supports on ``comments`` except ``skip``, mostly on a few popular ones."""
        rng = self.rng
        for comment in comments:
            if comment in skip:
                continue
            if comment.parent is None:
                k = int(rng.paretovariate(1.6)) - 1
            else:
                k = rng.choice([0, 0, 0, 1, 2])
            for p in rng.sample(supporters, min(k, len(supporters))):
                if p is comment.participant:
                    continue
                db.session.add(
                    Support(
                        comment_id=comment.id,
                        participant_id=p.id,
                        created_at=comment.created_at + timedelta(hours=1),
                    )
                )
                comment.supports_count += 1

    def moderation(
        self,
        org: Organization,
        moderator: User,
        rnd: Round,
        comments: list[Comment],
        unanswered: list[Comment],
        hidden: list[Comment],
        supporters: list[Participant],
    ) -> None:
        """Flags (unresolved ones wait in the queue), the hidden comments' decisions and, under
        pre-moderation, the approvals of the published ones."""
        rng = self.rng
        # Flags: unresolved ones wait in the moderation queue; the hidden ones were acted on.
        reasons = {body: (reason, flag) for body, reason, flag in HIDDEN_TEXTS}
        flagged = rng.sample(unanswered, 3)
        for comment in flagged + hidden:
            is_hidden = comment in hidden
            for p in rng.sample(supporters, 3 if is_hidden else rng.randint(1, 2)):
                if p is comment.participant:
                    continue
                if is_hidden:
                    reason = reasons[comment.body][1]
                else:
                    reason = rng.choice(
                        [FlagReason.OFF_TOPIC, FlagReason.OTHER, FlagReason.OFFENSIVE]
                    )
                flag = Flag(
                    comment=comment,
                    participant_id=p.id,
                    reason=reason,
                    created_at=comment.created_at + timedelta(hours=3),
                )
                if is_hidden:
                    flag.resolved_at = comment.created_at + timedelta(hours=9)
                    flag.resolved_by_id = moderator.id
                db.session.add(flag)
                comment.flags_count += 1
        db.session.flush()
        for comment in hidden:
            public_reason = reasons[comment.body][0]
            comment.status = CommentStatus.HIDDEN
            comment.hidden_reason = public_reason
            when = comment.created_at + timedelta(hours=9)
            db.session.add(
                ModerationDecision(
                    comment_id=comment.id,
                    moderator_id=moderator.id,
                    action=ModerationAction.HIDE,
                    reason=public_reason,
                    created_at=when,
                )
            )
            event = record(
                "comment.hide",
                actor=moderator,
                organization_id=org.id,
                obj=comment,
                reason=public_reason,
            )
            event.created_at = when
        if rnd.premoderated:
            for comment in comments:
                if comment.status == CommentStatus.PUBLISHED and comment.participant is not None:
                    db.session.add(
                        ModerationDecision(
                            comment_id=comment.id,
                            moderator_id=moderator.id,
                            action=ModerationAction.APPROVE,
                            created_at=comment.created_at + timedelta(hours=2),
                        )
                    )


def seed(password: str) -> dict[str, int]:
    """Add the demo to the session (flushes, does not commit). Returns row counts."""
    Seeder(password).run()
    add_photos()  # photos on some comments (app/demo/photos.py)
    add_marking_photos()  # and on some places marked in survey answers
    demo_plans.seed_plans()
    seed_follow_and_meetings()
    return counts()


def counts() -> dict[str, int]:
    from app.models import Comment as C
    from app.models import Organization as O
    from app.models import Project as P
    from app.models import Response as R
    from app.models import User as U

    return {
        "organizations": db.session.scalar(sa.select(sa.func.count(O.id))) or 0,
        "users": db.session.scalar(sa.select(sa.func.count(U.id))) or 0,
        "projects": db.session.scalar(sa.select(sa.func.count(P.id))) or 0,
        "responses": db.session.scalar(sa.select(sa.func.count(R.id))) or 0,
        "comments": db.session.scalar(sa.select(sa.func.count(C.id))) or 0,
    }


def logins() -> list[tuple[StaffLogin, User]]:
    """The demo logins that exist in the database, with their users."""
    users = {
        u.email: u
        for u in db.session.scalars(
            sa.select(User).where(User.email.in_([login.email for login in LOGINS]))
        )
    }
    return [(login, users[login.email]) for login in LOGINS if login.email in users]


def organization_label(login: StaffLogin) -> str:
    if login.where:
        return login.where
    return geography.MUNICIPALITY[login.org].name if login.org else "-"
