"""The permissions matrix: who may do what, on which object, in which state.

Each row is one action on one object of the world in ``conftest.py``; each column one actor:

    an  anonymous resident (cookie participant)    re  resident with a verified account
    un  resident with an unverified account
    A P F M      admin, planner, facilitator, moderator of the project's organization
    bA bP bF bM  the same roles in another organization
    pO  member of a partner organization           pU  partner by user
    SA  superadmin

``Y`` allows, ``-`` refuses. The answers are written out, never derived from the code.
"""

from __future__ import annotations

import pytest

from app.core.permissions import Action, can
from tests.integration.permissions.conftest import ACTORS

# fmt: off
#                                                 an re un   A P F M   bA bP bF bM   pO pU   SA
ROWS_TEXT: list[tuple[str, str, str]] = [
    # Seeing things ---------------------------------------------------------------------
    ("view", "project",                          "Y Y Y   Y Y Y Y   Y Y Y Y   Y Y   Y"),
    ("view", "project_completed",                "Y Y Y   Y Y Y Y   Y Y Y Y   Y Y   Y"),
    ("view", "project_draft",                    "- - -   Y Y Y Y   - - - -   - -   Y"),
    ("view", "project_archived",                 "- - -   Y Y Y Y   - - - -   - -   Y"),
    ("view", "stage_open",                       "Y Y Y   Y Y Y Y   Y Y Y Y   Y Y   Y"),
    ("view", "stage_of_draft",                   "- - -   Y Y Y Y   - - - -   - -   Y"),
    ("view", "survey_open",                      "Y Y Y   Y Y Y Y   Y Y Y Y   Y Y   Y"),
    ("view", "survey_closed",                    "Y Y Y   Y Y Y Y   Y Y Y Y   Y Y   Y"),
    ("view", "survey_draft",                     "- - -   Y Y Y Y   - - - -   - -   Y"),
    ("view", "comment_other",                    "Y Y Y   Y Y Y Y   Y Y Y Y   Y Y   Y"),
    ("view", "comment_hidden",                   "Y Y Y   Y Y Y Y   Y Y Y Y   Y Y   Y"),
    ("view", "comment_deleted",                  "Y Y Y   Y Y Y Y   Y Y Y Y   Y Y   Y"),
    ("view", "comment_pending",                  "- Y -   Y Y Y Y   - - - -   - -   Y"),
    ("view", "org",                              "Y Y Y   Y Y Y Y   Y Y Y Y   Y Y   Y"),
    # Responding to surveys -------------------------------------------------------------
    ("respond", "stage_open",                    "Y Y Y   Y Y Y Y   Y Y Y Y   Y Y   Y"),
    ("respond", "stage_closed",                  "- - -   - - - -   - - - -   - -   -"),
    ("respond", "stage_upcoming",                "- - -   - - - -   - - - -   - -   -"),
    ("respond", "stage_info",                    "- - -   - - - -   - - - -   - -   -"),
    ("respond", "stage_of_draft",                "- - -   Y Y Y Y   - - - -   - -   Y"),
    ("respond", "survey_activity",               "Y Y Y   Y Y Y Y   Y Y Y Y   Y Y   Y"),
    ("respond", "discussion",                    "- - -   - - - -   - - - -   - -   -"),
    ("respond", "survey_open",                   "Y Y Y   Y Y Y Y   Y Y Y Y   Y Y   Y"),
    ("respond", "survey_draft",                  "- - -   - - - -   - - - -   - -   -"),
    ("respond", "survey_closed",                 "- - -   - - - -   - - - -   - -   -"),
    ("respond", "survey_account",                "- Y -   Y Y Y Y   Y Y Y Y   Y Y   Y"),
    # Commenting ------------------------------------------------------------------------
    ("comment", "stage_open",                    "Y Y Y   Y Y Y Y   Y Y Y Y   Y Y   Y"),
    ("comment", "stage_closed",                  "- - -   - - - -   - - - -   - -   -"),
    ("comment", "stage_upcoming",                "- - -   - - - -   - - - -   - -   -"),
    ("comment", "stage_info",                    "- - -   - - - -   - - - -   - -   -"),
    ("comment", "stage_of_draft",                "- - -   Y Y Y Y   - - - -   - -   Y"),
    ("comment", "discussion",                    "Y Y Y   Y Y Y Y   Y Y Y Y   Y Y   Y"),
    ("comment", "discussion_account",            "- Y -   Y Y Y Y   Y Y Y Y   Y Y   Y"),
    ("comment", "survey_activity",               "- - -   - - - -   - - - -   - -   -"),
    # Replying to a comment
    ("comment", "comment_other",                 "Y Y Y   Y Y Y Y   Y Y Y Y   Y Y   Y"),
    ("comment", "comment_official",              "Y Y Y   Y Y Y Y   Y Y Y Y   Y Y   Y"),
    ("comment", "comment_hidden",                "- - -   - - - -   - - - -   - -   -"),
    ("comment", "comment_pending",               "- - -   - - - -   - - - -   - -   -"),
    ("comment", "comment_deleted",               "- - -   - - - -   - - - -   - -   -"),
    ("comment", "comment_in_account_discussion", "- Y -   Y Y Y Y   Y Y Y Y   Y Y   Y"),
    ("comment", "comment_on_closed_stage",       "- - -   - - - -   - - - -   - -   -"),
    # Placing on the map ----------------------------------------------------------------
    ("place_on_map", "stage_open",               "Y Y Y   Y Y Y Y   Y Y Y Y   Y Y   Y"),
    ("place_on_map", "stage_closed",             "- - -   - - - -   - - - -   - -   -"),
    ("place_on_map", "stage_upcoming",           "- - -   - - - -   - - - -   - -   -"),
    ("place_on_map", "stage_info",               "- - -   - - - -   - - - -   - -   -"),
    ("place_on_map", "discussion",               "Y Y Y   Y Y Y Y   Y Y Y Y   Y Y   Y"),
    ("place_on_map", "discussion_account",       "- Y -   Y Y Y Y   Y Y Y Y   Y Y   Y"),
    ("place_on_map", "survey_activity",          "- - -   - - - -   - - - -   - -   -"),
    # Supporting ("Håller med") ---------------------------------------------------------
    ("support", "stage_open",                    "Y Y Y   Y Y Y Y   Y Y Y Y   Y Y   Y"),
    ("support", "stage_info",                    "- - -   - - - -   - - - -   - -   -"),
    ("support", "comment_other",                 "Y Y Y   Y Y Y Y   Y Y Y Y   Y Y   Y"),
    ("support", "comment_official",              "- - -   - - - -   - - - -   - -   -"),
    ("support", "comment_hidden",                "- - -   - - - -   - - - -   - -   -"),
    ("support", "comment_pending",               "- - -   - - - -   - - - -   - -   -"),
    ("support", "comment_deleted",               "- - -   - - - -   - - - -   - -   -"),
    ("support", "comment_in_account_discussion", "- Y -   Y Y Y Y   Y Y Y Y   Y Y   Y"),
    ("support", "comment_on_closed_stage",       "- - -   - - - -   - - - -   - -   -"),
    # Flagging --------------------------------------------------------------------------
    ("flag", "comment_other",                    "Y Y Y   Y Y Y Y   Y Y Y Y   Y Y   Y"),
    ("flag", "comment_official",                 "Y Y Y   Y Y Y Y   Y Y Y Y   Y Y   Y"),
    ("flag", "comment_hidden",                   "- - -   - - - -   - - - -   - -   -"),
    ("flag", "comment_pending",                  "- - -   - - - -   - - - -   - -   -"),
    ("flag", "comment_deleted",                  "- - -   - - - -   - - - -   - -   -"),
    ("flag", "comment_in_account_discussion",    "- Y -   Y Y Y Y   Y Y Y Y   Y Y   Y"),
    ("flag", "comment_on_closed_stage",          "- - -   - - - -   - - - -   - -   -"),
    # Seeing others' answers ------------------------------------------------------------
    ("view_answers", "stage_open",               "Y Y Y   Y Y Y Y   Y Y Y Y   Y Y   Y"),
    ("view_answers", "stage_closed",             "Y Y Y   Y Y Y Y   Y Y Y Y   Y Y   Y"),
    ("view_answers", "stage_info",               "- - -   Y Y Y Y   - - - -   - -   Y"),
    ("view_answers", "stage_of_draft",           "- - -   Y Y Y Y   - - - -   - -   Y"),
    # Editing one's own comment: within 15 minutes, not hidden, deleted or official -----
    ("edit_comment", "comment_own",              "- Y -   - - - -   - - - -   - -   -"),
    ("edit_comment", "comment_other",            "Y - -   - - - -   - - - -   - -   -"),
    ("edit_comment", "comment_own_old",          "- - -   - - - -   - - - -   - -   -"),
    ("edit_comment", "comment_pending",          "- Y -   - - - -   - - - -   - -   -"),
    ("edit_comment", "comment_own_hidden",       "- - -   - - - -   - - - -   - -   -"),
    ("edit_comment", "comment_deleted",          "- - -   - - - -   - - - -   - -   -"),
    ("edit_comment", "comment_official",         "- - -   - - - -   - - - -   - -   -"),
    # Deleting one's own comment: any time, unless already deleted or official ----------
    ("delete_comment", "comment_own",            "- Y -   - - - -   - - - -   - -   -"),
    ("delete_comment", "comment_other",          "Y - -   - - - -   - - - -   - -   -"),
    ("delete_comment", "comment_own_old",        "- Y -   - - - -   - - - -   - -   -"),
    ("delete_comment", "comment_pending",        "- Y -   - - - -   - - - -   - -   -"),
    ("delete_comment", "comment_own_hidden",     "- Y -   - - - -   - - - -   - -   -"),
    ("delete_comment", "comment_deleted",        "- - -   - - - -   - - - -   - -   -"),
    ("delete_comment", "comment_official",       "- - -   - - - -   - - - -   - -   -"),
    # Staff work within their organization ----------------------------------------------
    ("view_dashboard", "org",                    "- - -   Y Y Y Y   - - - -   - -   Y"),
    ("view_dashboard", "org_b",                  "- - -   - - - -   Y Y Y Y   - -   Y"),
    ("create_project", "org",                    "- - -   Y Y - -   - - - -   - -   Y"),
    ("manage_project", "project",                "- - -   Y Y - -   - - - -   - -   Y"),
    ("manage_project", "project_draft",          "- - -   Y Y - -   - - - -   - -   Y"),
    ("manage_project", "stage_closed",           "- - -   Y Y - -   - - - -   - -   Y"),
    ("edit_survey", "survey_draft",              "- - -   Y Y - -   - - - -   - -   Y"),
    ("edit_survey", "survey_open",               "- - -   Y Y - -   - - - -   - -   Y"),
    ("moderate", "comment_other",                "- - -   Y Y Y Y   - - - -   - -   Y"),
    ("moderate", "comment_hidden",               "- - -   Y Y Y Y   - - - -   - -   Y"),
    ("answer_officially", "comment_other",       "- - -   Y Y Y -   - - - -   - -   Y"),
    ("publish_feedback", "stage_closed",         "- - -   Y Y - -   - - - -   - -   Y"),
    ("view_analysis", "project",                 "- - -   Y Y Y -   - - - -   Y Y   Y"),
    ("view_analysis", "stage_closed",            "- - -   Y Y Y -   - - - -   Y Y   Y"),
    ("view_analysis", "org",                     "- - -   Y Y Y -   - - - -   - -   Y"),
    ("view_analysis", "project_draft",           "- - -   Y Y Y -   - - - -   - -   Y"),
    ("code", "project",                          "- - -   Y Y Y -   - - - -   - -   Y"),
    ("export", "project",                        "- - -   Y Y Y -   - - - -   Y Y   Y"),
    ("export", "org",                            "- - -   Y Y Y -   - - - -   - -   Y"),
    ("view_personal_data", "project",            "- - -   Y Y Y -   - - - -   - -   Y"),
    ("view_personal_data", "comment_other",      "- - -   Y Y Y -   - - - -   - -   Y"),
    ("view_hidden", "comment_hidden",            "- - -   Y Y Y Y   - - - -   - -   Y"),
    ("view_hidden", "comment_pending",           "- - -   Y Y Y Y   - - - -   - -   Y"),
    ("view_audit", "org",                        "- - -   Y - - -   - - - -   - -   Y"),
    ("manage_organization", "org",               "- - -   Y - - -   - - - -   - -   Y"),
    ("manage_organization", "org_b",             "- - -   - - - -   Y - - -   - -   Y"),
    ("manage_members", "org",                    "- - -   Y - - -   - - - -   - -   Y"),
    ("manage_members", "org_b",                  "- - -   - - - -   Y - - -   - -   Y"),
    ("erase_participant", "org",                 "- - -   Y - - -   - - - -   - -   Y"),
    ("register_intake", "project",               "- - -   Y Y Y Y   - - - -   - -   Y"),
    ("register_intake", "survey_open",           "- - -   Y Y Y Y   - - - -   - -   Y"),
    # The platform ----------------------------------------------------------------------
    ("administer_platform", "platform",          "- - -   - - - -   - - - -   - -   Y"),
    ("administer_platform", "org",               "- - -   - - - -   - - - -   - -   Y"),
    # Aggregates of every organization: any staff member or member of a partner organization.
    ("view_regional", "platform",                "- - -   Y Y Y Y   Y Y Y Y   Y -   Y"),
]
# fmt: on

ROWS: list[tuple[Action, str, str]] = [(Action(a), o, c) for a, o, c in ROWS_TEXT]


def test_every_action_has_rows():
    assert {action for action, _, _ in ROWS} == set(Action)


def test_every_row_has_one_answer_per_actor():
    for action, obj, answers in ROWS:
        assert len(answers.split()) == len(ACTORS), (action, obj)
        assert set(answers.split()) <= {"Y", "-"}, (action, obj)


@pytest.mark.parametrize(
    ("action", "obj", "answers"), ROWS, ids=[f"{a.value}-{o}" for a, o, _ in ROWS]
)
def test_matrix(world, action, obj, answers):
    target = world.objects[obj]
    expected = dict(zip(ACTORS, (cell == "Y" for cell in answers.split()), strict=True))
    got = {key: can(world.actors[key], action, target) for key in ACTORS}
    wrong = {
        key: f"expected {expected[key]}, got {got[key]}"
        for key in ACTORS
        if got[key] != expected[key]
    }
    assert not wrong, f"{action.value} on {obj}: {wrong}"
