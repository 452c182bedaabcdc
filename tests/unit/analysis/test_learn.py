"""The learned layer: training from reviews, the JSON model file, pruning and the CLI."""

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from analysis.coder import Coder
from analysis.learn import ReviewedItem, read_reviewed, train
from analysis.learned import Model, ModelError
from analysis.text import get_stemmer

ROOT = Path(__file__).resolve().parents[3]

# "zorbel" is no word of any codebook or lexicon: only a model can learn what it means.
NEUTRAL = [
    "Jag bor här sedan länge",
    "Vi flyttade hit i fjol",
    "Det här är min första kommentar",
    "Hej från en granne",
    "Skrivet på telefonen",
    "Det regnar idag",
    "Skickat från min dator",
    "Jag jobbar i stan",
    "Har inget mer att säga",
    "Mvh en invånare",
]


def _items() -> list[ReviewedItem]:
    items = []
    for i in range(12):
        items.append(
            ReviewedItem(
                f"z{i}",
                f"Zorbel, {NEUTRAL[i % 10].lower()}",
                frozenset({"influence"}),
                "negative",
                participant=f"p{i}",
            )
        )
    for i in range(24):
        items.append(
            ReviewedItem(f"n{i}", NEUTRAL[i % 10], frozenset(), "neutral", participant=f"q{i}")
        )
    return items


@pytest.fixture(scope="module")
def model() -> Model:
    return train(_items(), cv=False)


def test_the_rules_find_nothing_in_the_training_texts():
    coder = Coder()
    assert all(coder.code(it.text).theme_ids == () for it in _items())


def test_the_model_learns_a_word_the_rules_do_not_know(model):
    rules = Coder().code("Zorbel zorbel överallt")
    assert "influence" not in rules.theme_ids and rules.valence == "neutral"
    coded = Coder(model=model).code("Zorbel zorbel överallt", id="x")
    assert "influence" in coded.theme_ids
    assert coded.valence == "negative"
    # Rules' themes still come through: a strong codebook term and nothing against it.
    assert Coder(model=model).code("Zorbel i lekparken").valence == "negative"


def test_every_coding_records_rules_and_model_versions(model):
    coded = Coder(model=model).code("Zorbel zorbel", id="c1")
    assert coded.source == f"rule:v1+model:{model.id}"
    assert coded.version == f"v1+{model.id}"
    assert {c.source for c in coded.codings()} == {f"rule:v1+model:{model.id}"}
    assert len(coded.source) <= 40  # the app's column
    assert Coder().code("Zorbel").source == "rule:v1"


def test_the_model_round_trips_through_json_without_pickle(model, workdir):
    path = workdir / "model.json"
    model.save(path)
    raw = path.read_bytes()
    assert raw.startswith(b"{")
    data = json.loads(raw)
    assert data["format"] == "platsdialog-coder-model/1" and data["id"] == model.id
    again = Model.load(path)
    assert again.id == model.id
    assert again.to_json() == model.to_json()
    texts = ["Zorbel zorbel", "Otryggt i tunneln", "Bussen går för sällan?", "ok"]
    one, two = Coder(model=model), Coder(model=again)
    for t in texts:
        a, b = one.code(t), two.code(t)
        assert (a.theme_ids, a.valence, a.source) == (b.theme_ids, b.valence, b.source)
        assert [x.confidence for x in a.themes] == [x.confidence for x in b.themes]


def test_a_changed_weight_changes_the_model_id(model):
    data = json.loads(model.to_json())
    data["theme_bias"][0] += 1.0
    assert Model.from_dict(data).id != model.id


def test_a_model_file_that_is_not_a_model_is_refused():
    with pytest.raises(ModelError):
        Model.from_json("[1, 2]")
    with pytest.raises(ModelError):
        Model.from_json('{"format": "something-else"}')
    with pytest.raises(ModelError):
        Model.from_json("\x80\x04\x95 not json")


def _stem(word: str) -> str:
    return "u:" + get_stemmer("sv").stem(word)


def test_features_need_texts_from_three_participants():
    items = [
        # "glimfrak": three texts, but only two people wrote them.
        ReviewedItem("1", "glimfrak", frozenset(), "neutral", participant="p1"),
        ReviewedItem("2", "glimfrak", frozenset(), "neutral", participant="p1"),
        ReviewedItem("3", "glimfrak", frozenset(), "neutral", participant="p2"),
        # "trovask": three people.
        ReviewedItem("4", "trovask", frozenset(), "neutral", participant="p1"),
        ReviewedItem("5", "trovask", frozenset(), "neutral", participant="p2"),
        ReviewedItem("6", "trovask", frozenset(), "neutral", participant="p3"),
    ]
    feats = set(train(items, cv=False).features)
    assert _stem("trovask") in feats
    assert _stem("glimfrak") not in feats
    # Without a participant the item id stands for the author: three texts, three ids.
    anonymous = [ReviewedItem(str(i), "glimfrak", frozenset(), "neutral") for i in range(3)]
    assert _stem("glimfrak") in train(anonymous, cv=False).features
    two = [ReviewedItem(str(i), "glimfrak", frozenset(), "neutral") for i in range(2)]
    assert _stem("glimfrak") not in train(two, cv=False).features


def test_training_refuses_unknown_themes_and_empty_input():
    with pytest.raises(ValueError, match="unknown theme"):
        train([ReviewedItem("1", "x", frozenset({"weather"}), "neutral")], cv=False)
    with pytest.raises(ValueError):
        train([])


def test_cross_validation_is_recorded_and_gates_the_model():
    m = train(_items(), k=3)
    cv = m.cv
    assert cv["k"] == 3 and cv["n_items"] == 36
    for key in ("rules", "rules_model", "combined"):
        assert set(cv[key]) >= {"macro_f1", "micro_f1", "valence_accuracy", "per_theme_f1"}
    # On these reviews the rules never find influence and the model does.
    assert cv["rules"]["per_theme_f1"]["influence"] == 0.0
    assert cv["rules_model"]["per_theme_f1"]["influence"] > 0.5
    assert m.use_theme["influence"] is True
    assert m.use_valence is (
        cv["rules_model"]["valence_accuracy"] > cv["rules"]["valence_accuracy"]
    )
    # A theme where the model did not beat the rules is coded by the rules alone.
    assert all(
        m.use_theme[t] == (cv["rules_model"]["per_theme_f1"][t] > cv["rules"]["per_theme_f1"][t])
        for t in m.themes
    )


def run(*args):
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-m", "analysis", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def _write_reviewed(path: Path) -> None:
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["id", "text", "themes", "valence", "lang", "channel", "category"])
        for it in _items():
            w.writerow([it.id, it.text, ";".join(sorted(it.themes)), it.valence, "sv", "web", ""])


def test_train_and_code_with_model_on_the_command_line(workdir):
    reviewed = workdir / "reviewed.csv"
    _write_reviewed(reviewed)
    assert len(read_reviewed(reviewed)) == 36
    out = workdir / "model.json"
    proc = run("train", str(reviewed), "--out", str(out), "--folds", "3")
    assert proc.returncode == 0, proc.stderr
    assert "macro F1: rules" in proc.stdout and "valence accuracy: rules" in proc.stdout
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["cv"]["rules"]["macro_f1"] is not None and data["n_items"] == 36
    assert f"model:{data['id']}" in proc.stdout

    src = workdir / "in.csv"
    with src.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["id", "text", "lang", "channel", "category"])
        w.writerow(["a1", "Zorbel zorbel, som vanligt", "", "web", ""])
        w.writerow(["a2", "Mörkt och otryggt i gångtunneln", "sv", "map", "Känns otryggt"])
        w.writerow(["a3", "ok", "", "", ""])
    plain = run("code", str(src))
    learned = run("code", str(src), "--model", str(out))
    assert plain.returncode == learned.returncode == 0, learned.stderr
    assert learned.stdout.splitlines()[0] == "id,themes,valence,lang"
    rows = list(csv.DictReader(io.StringIO(learned.stdout)))
    assert [r["id"] for r in rows] == ["a1", "a2", "a3"]
    assert "influence" in rows[0]["themes"].split(";")
    assert "influence" not in plain.stdout
    # The resident's own category still decides valence.
    assert rows[1]["valence"] == "negative" and "safety" in rows[1]["themes"]


def test_code_refuses_a_model_that_is_not_json(workdir):
    src = workdir / "in.csv"
    src.write_text("id,text\n1,Fin park\n", encoding="utf-8")
    bad = workdir / "model.pkl"
    bad.write_bytes(b"\x80\x04\x95\x00\x00")
    proc = run("code", str(src), "--model", str(bad))
    assert proc.returncode == 2 and "model" in proc.stderr
    reviewed = workdir / "r.csv"
    reviewed.write_text("id,text\n1,x\n", encoding="utf-8")
    assert run("train", str(reviewed), "--out", str(workdir / "m.json")).returncode == 2
