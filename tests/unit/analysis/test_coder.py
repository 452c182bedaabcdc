import json

import pytest

from analysis.codebook import DEFAULT_THEME_IDS, CodebookError, load_codebook
from analysis.coder import Coder, code_texts
from analysis.models import Contribution


@pytest.fixture(scope="module")
def coder() -> Coder:
    return Coder()


def themes(coder: Coder, text: str, lang: str | None = None) -> set[str]:
    return set(coder.code(text, lang).theme_ids)


def test_default_codebook_has_the_stable_ids_and_labels():
    cb = load_codebook()
    assert cb.theme_ids == DEFAULT_THEME_IDS
    assert cb.theme("safety").label_for("sv") == "Trygghet och säkerhet"
    assert cb.theme("health_env").label_for("en") == "Health and environment"
    assert cb.source_tag == "rule:v1"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Trafikbullret är outhärdligt om nätterna", {"health_env"}),
        ("Gångtunneln är läskig", {"safety", "mobility"}),
        ("Pendelparkeringen är alltid full", {"mobility"}),
        ("Fotbollsplanen är för liten för barnen", {"children"}),
        ("Vi behöver fler hyresrätter", {"cohesion"}),
        ("Klottret på väggarna", {"health_env"}),
    ],
)
def test_swedish_compounds_match_heads_and_infixes(coder, text, expected):
    assert themes(coder, text, "sv") == expected


def test_park_does_not_match_parking(coder):
    assert themes(coder, "Parkeringen är alldeles för dyr", "sv") == {"mobility"}
    assert "green" in themes(coder, "Parken är fin", "sv")
    assert themes(coder, "Parking is impossible", "en") == {"mobility"}


def test_pram_is_accessibility_not_children(coder):
    assert themes(coder, "Trappan är omöjlig med barnvagn", "sv") == {"everyday"}
    assert "children" in themes(coder, "Barnen leker på gården", "sv")


def test_ful_does_not_match_fulla_and_fin_not_finns(coder):
    assert "identity" not in themes(coder, "Bussarna är fulla varje morgon", "sv")
    assert "identity" in themes(coder, "Huset är fult", "sv")
    assert coder.code("Det finns en buss", "sv").valence == "neutral"
    assert coder.code("Det är en fin buss", "sv").valence == "positive"


def test_only_the_detected_language_terms_are_used(coder):
    assert "health_env" in themes(coder, "The noise is terrible", "en")
    assert "health_env" not in themes(coder, "The noise is terrible", "sv")
    res = coder.code("The noise from the motorway keeps us awake")
    assert res.lang == "en" and "health_env" in res.theme_ids


def test_a_place_named_as_location_is_not_a_theme(coder):
    # "vid busshållplatsen" says where, not what: no mobility theme.
    assert themes(coder, "Knarklangning vid busshållplatsen varje kväll", "sv") == {"safety"}
    assert "mobility" in themes(coder, "Busshållplatsen saknar tak", "sv")


def test_negated_nothing_and_empty_texts_get_no_theme(coder):
    assert themes(coder, "Inga synpunkter", "sv") == set()
    assert themes(coder, "no comment", "en") == set()
    assert themes(coder, "", "sv") == set()
    assert themes(coder, "ok", "sv") == set()


def test_negation_keeps_theme_and_flips_valence(coder):
    pos = coder.code("Jag känner mig trygg här", "sv")
    neg = coder.code("Jag känner mig inte trygg här", "sv")
    assert pos.theme_ids == neg.theme_ids == ("safety",)
    assert pos.valence == "positive" and neg.valence == "negative"
    assert coder.code("It does not feel safe", "en").valence == "negative"


def test_coding_records_source_version_and_confidence(coder):
    res = coder.code("Mörkt och otryggt i gångtunneln", id="c1")
    assert res.source == "rule:v1" and res.version == "v1"
    for t in res.themes:
        assert 0.0 < t.confidence <= 1.0
        assert t.evidence
    codings = res.codings()
    assert {c.theme for c in codings} == {"safety", "mobility"}
    assert all(c.contribution_id == "c1" and c.source == "rule:v1" for c in codings)
    # Two pieces of evidence are more certain than one.
    one = coder.code("Otryggt här", "sv").themes[0].confidence
    two = coder.code("Otryggt och läskigt här", "sv").themes[0].confidence
    assert two > one


def test_code_contribution_uses_category_and_language(coder):
    c = Contribution(id="7", text="Stationen", lang="sv", category="Känns otryggt")
    res = coder.code_contribution(c)
    assert res.valence == "negative" and res.lang == "sv" and res.id == "7"
    assert [r.id for r in code_texts(["Fin park", "ok"])] == ["0", "1"]


def test_codebook_extension_adds_themes_and_patterns(workdir):
    extra = [
        {
            "id": "culture_heritage_walks",
            "label": {"sv": "Kulturvandringar", "en": "Heritage walks"},
            "patterns": {"sv": {"strong": ["kulturvandring*"]}},
        },
        {"id": "green", "patterns": {"sv": {"strong": ["*lund"]}}},
    ]
    cb = load_codebook(extra=extra)
    assert cb.theme_ids[: len(DEFAULT_THEME_IDS)] == DEFAULT_THEME_IDS
    assert cb.theme("green").label_for("sv") == "Grönska, natur och rekreation"
    c = Coder(cb)
    assert themes(c, "Fler kulturvandringar i Tumba", "sv") == {"culture_heritage_walks"}
    assert themes(c, "Bokskogslund och hagmarkslund", "sv") >= {"green"}
    assert "green" in themes(c, "hagmarkslunden", "sv")


def test_custom_codebook_must_keep_the_default_ids(workdir):
    data = json.loads(load_codebook.__globals__["DEFAULT_CODEBOOK_PATH"].read_text("utf-8"))
    data["themes"] = [t for t in data["themes"] if t["id"] != "influence"]
    path = workdir / "cb.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(CodebookError, match="influence"):
        load_codebook(path)


def test_codebook_can_be_toml(workdir):
    lines = []
    for tid in DEFAULT_THEME_IDS:
        lines += [
            "[[themes]]",
            f'id = "{tid}"',
            f'label = {{ en = "{tid}" }}',
            f'patterns = {{ en = {{ strong = ["{tid}word"] }} }}',
        ]
    path = workdir / "cb.toml"
    path.write_text('version = "p1"\nsource = "rule"\n' + "\n".join(lines), encoding="utf-8")
    cb = load_codebook(path)
    assert cb.source_tag == "rule:p1"
    assert Coder(cb).code("greenword here", "en").theme_ids == ("green",)


def test_stem_patterns_match_by_snowball_stem():
    cb = load_codebook(extra=[{"id": "x_renewal", "patterns": {"en": {"strong": ["~renovation"]}}}])
    c = Coder(cb)
    assert "x_renewal" in themes(c, "The renovations took years", "en")
    assert "x_renewal" in themes(c, "renovation", "en")
    assert "x_renewal" in themes(c, "they renovated it", "en")  # stem "renov"
    assert "x_renewal" not in themes(c, "a renowned architect", "en")
