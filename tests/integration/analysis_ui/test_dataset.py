"""The analysis dataset: what it counts, one place per contribution, its coding helpers."""

from __future__ import annotations

from typing import Any

from shapely.geometry import Point, shape

from app.analysis_ui import dataset
from app.comments.models import CommentStatus

#: An L-shaped area whose centroid lies outside it.
L_SHAPE = {
    "type": "Polygon",
    "coordinates": [
        [
            [17.940, 59.210],
            [17.960, 59.210],
            [17.960, 59.212],
            [17.942, 59.212],
            [17.942, 59.230],
            [17.940, 59.230],
            [17.940, 59.210],
        ]
    ],
}


def test_a_line_or_area_is_placed_on_itself() -> None:
    area = shape(L_SHAPE)
    assert not area.contains(area.centroid)  # the rule it replaces would miss the area
    lon, lat = dataset.place_of(L_SHAPE)
    assert area.contains(Point(lon, lat))
    line = {"type": "LineString", "coordinates": [[17.94, 59.21], [17.95, 59.22], [17.96, 59.21]]}
    lon, lat = dataset.place_of(line)
    assert shape(line).distance(Point(lon, lat)) < 1e-9
    assert dataset.place_of({"type": "Point", "coordinates": [17.9, 59.2]}) == (17.9, 59.2)


def test_options_say_whether_pending_comments_count(make_project: Any, make_comment: Any) -> None:
    stage = make_project().current_stage
    make_comment(stage, "Mer grönska längs gatan, gärna träd och planteringar hela vägen.")
    make_comment(
        stage,
        "Det är mörkt vid tunneln på kvällen.",
        status=CommentStatus.PENDING,
    )
    make_comment(stage, "Dolt inlägg.", status=CommentStatus.HIDDEN)
    published = dataset.stage_data(stage)
    assert len(published.items) == 1 and len(published.participants) == 1
    coding = dataset.stage_data(stage, dataset.CODING)
    assert len(coding.items) == 2
    assert len(dataset.stage_data(stage, dataset.Options(include_hidden=True)).items) == 2


def test_coding_helpers_agree_with_the_final_codings(make_project: Any, make_comment: Any) -> None:
    stage = make_project().current_stage
    make_comment(stage, "Det känns otryggt i gångtunneln, belysningen är trasig sedan länge.")
    data = dataset.stage_data(stage)
    final = dataset.coded(data, stage.project)  # nobody has coded it yet: coded now
    (item,) = data.items
    assert "safety" in final[item.key].themes
    (coded_item,) = dataset.indicator_items(data.items, final)
    assert coded_item.themes == frozenset(final[item.key].themes)
    assert dataset.as_coded(data.items, final)[item.key].theme_ids == final[item.key].themes
