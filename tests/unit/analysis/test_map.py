"""`python -m analysis map`: one self-contained folium map, a layer per theme plus hotspots."""

import csv
import os
import re
import subprocess
import sys
from pathlib import Path

from analysis.map import MapPoint, build_map, external_references, standalone_html

ROOT = Path(__file__).resolve().parents[3]

#: A cluster of five "unsafe" pins near the tunnel and scattered others (Flemingsberg).
ROWS = [
    ("s1", "Otryggt i tunneln", 17.9450, 59.2180, "safety"),
    ("s2", "Mörkt och otryggt", 17.9452, 59.2181, "safety"),
    ("s3", "Läskigt på kvällen", 17.9451, 59.2182, "safety"),
    ("s4", "Otrygg passage", 17.9453, 59.2180, "safety"),
    ("s5", "Känns otryggt", 17.9449, 59.2181, "safety;mobility"),
    ("g1", "Fler träd i parken", 17.9600, 59.2260, "green"),
    ("g2", "Mer grönska", 17.9350, 59.2100, "green"),
    ("m1", "Bussen går sällan", 17.9700, 59.2300, "mobility"),
    ("x1", "<script>alert('x')</script>", 17.9300, 59.2050, ""),
]


def run(*args: str) -> subprocess.CompletedProcess[str]:
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


def write_csv(path: Path, with_themes: bool = True) -> None:
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["id", "text", "lon", "lat", "lang", "category"] + (["themes"] * with_themes))
        for id_, text, lon, lat, themes in ROWS:
            w.writerow([id_, text, lon, lat, "sv", ""] + ([themes] * with_themes))


def overlays(document: str) -> list[str]:
    """The overlay names of the map's layer control, in order."""
    block = re.search(r"overlays\s*:\s*\{(.*?)\}", document, re.S)
    assert block, "no layer control"
    names = re.findall(r'"((?:[^"\\]|\\.)*)"\s*:\s*feature_group_', block.group(1))
    return [n.encode().decode("unicode_escape") for n in names]


def test_map_writes_one_self_contained_file_with_a_layer_per_theme(workdir: Path) -> None:
    src, out = workdir / "in.csv", workdir / "map.html"
    write_csv(src)
    proc = run("map", str(src), "--out", str(out))
    assert proc.returncode == 0, proc.stderr
    document = out.read_text(encoding="utf-8")
    assert overlays(document) == [
        "Trygghet och säkerhet",
        "Grönska, natur och rekreation",
        "Mobilitet och kopplingar",
        "Utan tema",
        "Hotspots (Gi*)",
    ]
    # Every asset inline: no script or stylesheet is fetched, from a CDN or anywhere else.
    assert external_references(document) == []
    assert not re.search(r"<script[^>]*src=", document)
    assert not re.search(r'<link[^>]*href="http', document)
    assert "cdn.jsdelivr" not in document and "code.jquery.com" not in document
    assert "L.map(" in document and "jQuery" in document
    # Texts are in the popups, escaped.
    assert "Bussen går sällan" in document
    assert "&lt;script&gt;alert" in document and "<script>alert" not in document
    # The tight cluster of five is a significant hotspot cell.
    assert document.count("L.polygon(") >= 1
    assert "Rutor om 250 m" in document


def test_map_codes_texts_without_a_themes_column(workdir: Path) -> None:
    src, out = workdir / "in.csv", workdir / "map.html"
    write_csv(src, with_themes=False)
    proc = run("map", str(src), "--out", str(out), "--lang", "en")
    assert proc.returncode == 0, proc.stderr
    names = overlays(out.read_text(encoding="utf-8"))
    assert "Safety and security" in names[0] or "safety" in names[0].lower()
    assert names[-1] == "Hotspots (Gi*)"


def test_map_needs_the_position_columns(workdir: Path) -> None:
    src = workdir / "in.csv"
    src.write_text("id,text\n1,hej\n", encoding="utf-8")
    proc = run("map", str(src), "--out", str(workdir / "map.html"))
    assert proc.returncode == 2 and "id,text,lon,lat" in proc.stderr


def test_instances_never_change_folium_class_defaults() -> None:
    import folium

    before = list(folium.Map.default_js)
    document = standalone_html(build_map([MapPoint("a", 17.94, 59.21, "x", ("safety",))]))
    assert folium.Map.default_js == before
    assert external_references(document) == []


def test_the_map_module_stays_out_of_the_web_app() -> None:
    code = (
        "import sys, analysis.map, analysis.cli; "
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'flask', 'sqlalchemy', 'app'}))"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert proc.stdout.strip() == "[]"
