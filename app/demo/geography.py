"""Places of the demo: Södertörn municipalities, their districts and population, project areas.

Coordinates are (lon, lat) in WGS84, drawn by hand around the real places; boundaries are
simplified outlines, good enough for a map view, not for surveying.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

#: Age bands and genders used by the demographic questions and the population rows.
AGE_BANDS = ["0-17", "18-29", "30-44", "45-64", "65-79", "80+"]
#: Share of inhabitants per age band in a typical Södertörn district.
AGE_SHARES = [0.22, 0.15, 0.21, 0.25, 0.13, 0.04]
POPULATION_YEAR = 2025


def polygon(points: list[tuple[float, float]]) -> dict[str, Any]:
    """A closed GeoJSON polygon from an open ring of (lon, lat) points."""
    ring = [[lon, lat] for lon, lat in points]
    ring.append(ring[0])
    return {"type": "Polygon", "coordinates": [ring]}


def point(lon: float, lat: float) -> dict[str, Any]:
    return {"type": "Point", "coordinates": [lon, lat]}


@dataclass(frozen=True)
class District:
    name: str
    inhabitants: int
    #: Multipliers on ``AGE_SHARES`` (younger or older districts).
    age_tilt: tuple[float, ...] = (1, 1, 1, 1, 1, 1)


@dataclass(frozen=True)
class Municipality:
    slug: str
    name: str
    lat: float
    lon: float
    zoom: int
    color: str
    boundary: dict[str, Any]
    districts: list[District] = field(default_factory=list)


YOUNG = (1.15, 1.35, 1.1, 0.85, 0.7, 0.5)
OLD = (0.9, 0.75, 0.9, 1.1, 1.35, 1.5)
FAMILY = (1.25, 0.8, 1.15, 1.0, 0.85, 0.7)

MUNICIPALITIES = [
    Municipality(
        slug="huddinge",
        name="Huddinge kommun",
        lat=59.237,
        lon=17.981,
        zoom=12,
        color="#00628f",
        boundary=polygon(
            [
                (17.86, 59.25),
                (17.92, 59.28),
                (18.00, 59.29),
                (18.08, 59.27),
                (18.17, 59.24),
                (18.18, 59.20),
                (18.10, 59.16),
                (17.98, 59.15),
                (17.90, 59.18),
                (17.86, 59.22),
            ]
        ),
        districts=[
            District("Flemingsberg", 15200, YOUNG),
            District("Huddinge centrum", 19100),
            District("Skogås", 15400, FAMILY),
            District("Trångsund", 10300, FAMILY),
            District("Stuvsta-Snättringe", 22600, OLD),
            District("Vårby", 11800, YOUNG),
            District("Sjödalen-Fullersta", 16900),
        ],
    ),
    Municipality(
        slug="botkyrka",
        name="Botkyrka kommun",
        lat=59.200,
        lon=17.833,
        zoom=12,
        color="#6a1b4d",
        boundary=polygon(
            [
                (17.70, 59.22),
                (17.78, 59.27),
                (17.86, 59.27),
                (17.90, 59.24),
                (17.92, 59.19),
                (17.88, 59.14),
                (17.78, 59.10),
                (17.66, 59.12),
                (17.64, 59.17),
            ]
        ),
        districts=[
            District("Tumba", 22400, FAMILY),
            District("Alby", 13900, YOUNG),
            District("Fittja", 8100, YOUNG),
            District("Hallunda-Norsborg", 17300, YOUNG),
            District("Tullinge", 17200, OLD),
            District("Grödinge", 5400, OLD),
        ],
    ),
    Municipality(
        slug="haninge",
        name="Haninge kommun",
        lat=59.168,
        lon=18.137,
        zoom=12,
        color="#1d5e3a",
        boundary=polygon(
            [
                (18.02, 59.17),
                (18.10, 59.20),
                (18.20, 59.20),
                (18.32, 59.14),
                (18.40, 59.02),
                (18.25, 58.95),
                (18.10, 58.98),
                (18.00, 59.06),
            ]
        ),
        districts=[
            District("Handen", 22100),
            District("Jordbro", 11200, YOUNG),
            District("Vendelsö", 13300, FAMILY),
            District("Brandbergen", 10400, YOUNG),
            District("Västerhaninge", 17600, FAMILY),
            District("Tungelsta", 6100, OLD),
        ],
    ),
    Municipality(
        slug="tyreso",
        name="Tyresö kommun",
        lat=59.244,
        lon=18.229,
        zoom=13,
        color="#a34400",
        boundary=polygon(
            [
                (18.17, 59.23),
                (18.20, 59.26),
                (18.28, 59.27),
                (18.38, 59.24),
                (18.40, 59.18),
                (18.30, 59.15),
                (18.22, 59.17),
                (18.18, 59.20),
            ]
        ),
        districts=[
            District("Trollbäcken", 12400, FAMILY),
            District("Tyresö strand", 8200),
            District("Öringe", 6300, FAMILY),
            District("Bollmora", 13100, OLD),
            District("Krusboda", 5200, FAMILY),
        ],
    ),
]

MUNICIPALITY = {m.slug: m for m in MUNICIPALITIES}
DEMO_SLUGS = [m.slug for m in MUNICIPALITIES]

# Project areas (drawn around the real places) and named places inside them.

FLEMINGSBERG_AREA = polygon(
    [
        (17.9360, 59.2185),
        (17.9410, 59.2145),
        (17.9520, 59.2140),
        (17.9580, 59.2185),
        (17.9540, 59.2240),
        (17.9420, 59.2245),
    ]
)
FLEMINGSBERG_PLACES = [
    ({"sv": "Flemingsbergs station", "en": "Flemingsberg station"}, (17.9466, 59.2193)),
    (
        {"sv": "Gångtunneln under spåren", "en": "The pedestrian tunnel under the tracks"},
        (17.9478, 59.2186),
    ),
    ({"sv": "Bussterminalen", "en": "The bus terminal"}, (17.9452, 59.2201)),
    (
        {"sv": "Entrén till Huddinge sjukhus", "en": "The Huddinge hospital entrance"},
        (17.9415, 59.2212),
    ),
    (
        {"sv": "Södertörns högskola, Moas båge", "en": "Södertörn University, Moas båge"},
        (17.9500, 59.2207),
    ),
    (
        {"sv": "Grönområdet mot Visättra", "en": "The green area towards Visättra"},
        (17.9545, 59.2160),
    ),
]

TUMBA_AREA = polygon(
    [
        (17.8240, 59.1975),
        (17.8330, 59.1955),
        (17.8430, 59.1975),
        (17.8440, 59.2030),
        (17.8340, 59.2050),
        (17.8240, 59.2030),
    ]
)
TUMBA_PLACES = [
    ({"sv": "Tumba station", "en": "Tumba station"}, (17.8335, 59.1996)),
    ({"sv": "Tumba torg", "en": "Tumba square"}, (17.8338, 59.2010)),
    ({"sv": "Tumba bibliotek", "en": "Tumba library"}, (17.8357, 59.2016)),
    ({"sv": "Bussterminalen", "en": "The bus terminal"}, (17.8318, 59.2000)),
    ({"sv": "Parkeringshuset", "en": "The multi-storey car park"}, (17.8300, 59.2022)),
    (
        {"sv": "Gångbron över Hågelbyleden", "en": "The footbridge over Hågelbyleden"},
        (17.8395, 59.1985),
    ),
]

HANDEN_AREA = polygon(
    [
        (18.1300, 59.1650),
        (18.1380, 59.1640),
        (18.1440, 59.1670),
        (18.1420, 59.1710),
        (18.1340, 59.1715),
        (18.1290, 59.1685),
    ]
)
HANDEN_PLACES = [
    ({"sv": "Dammen", "en": "The pond"}, (18.1365, 59.1675)),
    ({"sv": "Den gamla lekplatsen", "en": "The old playground"}, (18.1340, 59.1690)),
    (
        {"sv": "Entrén från Handens station", "en": "The entrance from Handen station"},
        (18.1395, 59.1700),
    ),
    ({"sv": "Ängen i söder", "en": "The meadow to the south"}, (18.1370, 59.1655)),
    ({"sv": "Grusplanen", "en": "The gravel pitch"}, (18.1410, 59.1680)),
]

TROLLBACKEN_AREA = polygon(
    [
        (18.1900, 59.2180),
        (18.2050, 59.2150),
        (18.2180, 59.2200),
        (18.2180, 59.2300),
        (18.2030, 59.2330),
        (18.1900, 59.2280),
    ]
)
TROLLBACKEN_PLACES = [
    ({"sv": "Trollbäcksskolan", "en": "Trollbäcken school"}, (18.2040, 59.2255)),
    (
        {
            "sv": "Övergångsstället vid Trollbäckens centrum",
            "en": "The crossing at Trollbäcken centre",
        },
        (18.2085, 59.2232),
    ),
    (
        {"sv": "Tunneln under Tyresövägen", "en": "The underpass below Tyresövägen"},
        (18.1985, 59.2215),
    ),
    (
        {"sv": "Busshållplatsen Trollbäckens centrum", "en": "The Trollbäcken centre bus stop"},
        (18.2100, 59.2240),
    ),
    (
        {"sv": "Skogsstigen mot Bollmora", "en": "The forest path towards Bollmora"},
        (18.2150, 59.2285),
    ),
]

#: The comprehensive plan covers the whole municipality.
HUDDINGE_OP_AREA = MUNICIPALITY["huddinge"].boundary
HUDDINGE_OP_PLACES = [
    ({"sv": "Flemingsberg", "en": "Flemingsberg"}, (17.9466, 59.2193)),
    ({"sv": "Huddinge centrum", "en": "Huddinge centre"}, (17.9819, 59.2366)),
    ({"sv": "Skogås centrum", "en": "Skogås centre"}, (18.1545, 59.2175)),
    ({"sv": "Vårby gård", "en": "Vårby gård"}, (17.8880, 59.2630)),
    ({"sv": "Gömmaren naturreservat", "en": "Gömmaren nature reserve"}, (17.9600, 59.2320)),
    ({"sv": "Stuvsta station", "en": "Stuvsta station"}, (17.9960, 59.2530)),
]

SKOGAS_AREA = polygon(
    [(18.1480, 59.2140), (18.1600, 59.2140), (18.1600, 59.2210), (18.1480, 59.2210)]
)
