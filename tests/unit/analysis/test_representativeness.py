import pytest

from analysis.models import PopulationRow
from analysis.representativeness import dissimilarity_index, representativeness

POPULATION = [
    PopulationRow("A", "20-64", "f", 300),
    PopulationRow("A", "20-64", "m", 300),
    PopulationRow("B", "20-64", "f", 100),
    PopulationRow("B", "65+", "m", 300),
]


def test_dissimilarity_index_by_hand():
    assert dissimilarity_index({"a": 8, "b": 2}, {"a": 60, "b": 40}) == pytest.approx(0.2)
    assert dissimilarity_index({"a": 1}, {"a": 5}) == 0.0
    assert dissimilarity_index({"a": 1}, {"b": 5}) == 1.0
    with pytest.raises(ValueError):
        dissimilarity_index({}, {"a": 1})


def test_representativeness_per_dimension():
    answers = {"district": "A", "age_band": "20-64", "gender": "f"}
    participants = {f"p{i}": dict(answers) for i in range(8)}
    participants["p8"] = {"district": "B", "age_band": "65+", "gender": "m"}
    participants["p9"] = {"district": "B", "gender": "x"}
    rep = representativeness(participants, POPULATION)
    assert rep.participants == 10 and rep.population == 1000
    assert rep.per_1000 == pytest.approx(10.0)

    district = rep.dimension("district")
    # p = (0.8, 0.2), q = (0.6, 0.4): D = ½(0.2 + 0.2)
    assert district.dissimilarity == pytest.approx(0.2)
    a, b = district.groups
    assert a.per_1000 == pytest.approx(8 / 600 * 1000)
    assert b.ratio == pytest.approx(0.5)
    assert district.under_represented == ("B",)

    age = rep.dimension("age_band")
    assert age.unknown == 1  # p9 gave no age band
    # p = (8/9, 1/9), q = (0.7, 0.3)
    assert age.dissimilarity == pytest.approx(8 / 9 - 0.7)
    assert age.under_represented == ("65+",)

    gender = rep.dimension("gender")
    assert gender.unknown == 1  # "x" is not in the reference
    assert gender.under_represented == ("m",)
