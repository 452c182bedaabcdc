import csv
import io
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def run(*args):
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-m", "analysis", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_code_writes_the_contract_columns(workdir):
    src = workdir / "in.csv"
    with src.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["id", "text", "lang", "channel"])
        w.writerow(["a1", "Mörkt och otryggt i gångtunneln, bussen går sällan", "", "web"])
        w.writerow(["a2", "ok", "sv", "kiosk"])
        w.writerow(["a3", "The playground is lovely", "en", "web"])
        w.writerow(["a4", 'Text with "quotes", and a comma', "", ""])
    proc = run("code", str(src))
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines()[0] == "id,themes,valence,lang"
    rows = list(csv.DictReader(io.StringIO(proc.stdout)))
    assert [r["id"] for r in rows] == ["a1", "a2", "a3", "a4"]
    assert set(rows[0]["themes"].split(";")) == {"safety", "mobility"}
    assert rows[0]["valence"] == "negative" and rows[0]["lang"] == "sv"
    assert rows[1]["themes"] == "" and rows[1]["valence"] == "neutral"
    assert rows[2] == {"id": "a3", "themes": "children", "valence": "positive", "lang": "en"}
    assert all(r["valence"] in {"positive", "negative", "neutral", "mixed"} for r in rows)


def test_code_accepts_a_custom_codebook_and_rejects_bad_input(workdir):
    src = workdir / "in.csv"
    src.write_text("id,text\n1,Fin park\n", encoding="utf-8")
    bad = workdir / "bad.json"
    bad.write_text('{"themes": [{"id": "green"}]}', encoding="utf-8")
    proc = run("code", str(src), "--codebook", str(bad))
    assert proc.returncode == 2 and "stable theme ids" in proc.stderr
    nocol = workdir / "nocol.csv"
    nocol.write_text("text\nhej\n", encoding="utf-8")
    assert run("code", str(nocol)).returncode == 2


def test_evaluate_prints_per_theme_scores_and_averages(workdir):
    gold = workdir / "gold.csv"
    gold.write_text(
        "id,text,themes,valence\n"
        "1,Otryggt i parken på kvällen,safety;green,negative\n"
        "2,Bussen är alltid sen,mobility,negative\n"
        "3,Fin utsikt,identity,positive\n"
        "4,ok,,neutral\n",
        encoding="utf-8",
    )
    proc = run("evaluate", str(gold))
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    for theme in ("safety", "green", "mobility", "identity", "influence"):
        assert f"\n{theme} " in out
    assert "micro F1:" in out and "macro F1:" in out
    macro = float(out.split("macro F1:")[1].split()[0])
    assert 0.0 <= macro <= 1.0
    acc = float(out.split("valence accuracy:")[1].split()[0])
    assert acc == 1.0


def test_code_reads_excel_csv_with_bom(workdir):
    src = workdir / "bom.csv"
    src.write_bytes("id,text\r\n9,Trafikbullret är hemskt\r\n".encode("utf-8-sig"))
    proc = run("code", str(src))
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines() == ["id,themes,valence,lang", "9,health_env,negative,sv"]


def test_evaluate_split_selects_rows():
    gold = ROOT / "tests" / "data" / "gold.csv"
    dev = run("evaluate", str(gold), "--split", "dev")
    tune = run("evaluate", str(gold), "--split", "tune")
    assert dev.returncode == tune.returncode == 0
    n_dev = int(dev.stdout.split("items:")[1].split()[0])
    n_tune = int(tune.stdout.split("items:")[1].split()[0])
    with gold.open(encoding="utf-8", newline="") as fh:
        splits = [r["split"] for r in csv.DictReader(fh)]
    assert n_dev == splits.count("dev") and n_tune == splits.count("tune")


def test_evaluate_feeds_the_residents_category_as_code_does(workdir):
    gold = workdir / "gold.csv"
    gold.write_text(
        "id,text,themes,valence,category\n"
        "1,Parken vid skolan,green,negative,Känns otryggt\n"
        "2,Parken vid skolan,green,positive,Bra plats\n",
        encoding="utf-8",
    )
    proc = run("evaluate", str(gold))
    assert proc.returncode == 0, proc.stderr
    assert float(proc.stdout.split("valence accuracy:")[1].split()[0]) == 1.0
