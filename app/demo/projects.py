"""The demo projects: what they are about, their stages, rounds, official answers and feedback."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from app.demo import geography as geo
from app.projects.models import ParticipationLevel, ParticipationPolicy, ProjectKind, StageKind


@dataclass(frozen=True)
class Round:
    """A consultation round on one stage: its activities and how many took part."""

    stage: int
    survey: str | None
    responses: int
    comments: int
    policy: ParticipationPolicy = ParticipationPolicy.ANONYMOUS
    survey_policy: ParticipationPolicy = ParticipationPolicy.ANONYMOUS
    premoderated: bool = False
    #: Share of contributions written in English.
    english: float = 0.1
    discussion_title: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class ProjectSpec:
    key: str
    org: str
    slug: str
    kind: ProjectKind
    template: str
    active: bool
    title: dict[str, str]
    summary: dict[str, str]
    body: dict[str, str]
    area: dict[str, Any]
    places: list[tuple[dict[str, str], tuple[float, float]]]
    topics: list[str]
    #: Index of the current stage, and whether its round is open now.
    current: int | None = None
    current_open: bool = True
    #: For free-form projects: (kind, title, level) of each stage.
    custom_stages: list[tuple[StageKind, dict[str, str], ParticipationLevel]] = field(
        default_factory=list
    )
    #: Stage index -> {"description": ..., "influence": ...} overriding the template text.
    stage_texts: dict[int, dict[str, dict[str, str]]] = field(default_factory=dict)
    rounds: list[Round] = field(default_factory=list)
    #: Official answers staff give in the discussions (sv, en).
    answers: list[dict[str, str]] = field(default_factory=list)
    #: The resident comment each answer replies to, in the same order (sv, en): an answer
    #: is only ever seeded under the question it answers.
    asked: list[dict[str, str]] = field(default_factory=list)
    #: Stage index -> feedback ("heard", "did", "themes").
    feedback: dict[int, dict[str, Any]] = field(default_factory=dict)
    #: District weights of participants (a skew against the population).
    districts: dict[str, float] = field(default_factory=dict)
    #: How residents refer to places in running text, per language.
    mentions: dict[str, list[str]] = field(default_factory=dict)


def t(sv: str, en: str) -> dict[str, str]:
    return {"sv": sv, "en": en}


FLEMINGSBERG = ProjectSpec(
    key="flemingsberg",
    mentions={
        "sv": [
            "stationen",
            "bussterminalen",
            "Moas båge",
            "sjukhusentrén",
            "gångvägen mot Visättra",
            "högskolan",
        ],
        "en": [
            "the station",
            "the bus terminal",
            "Moas båge",
            "the hospital entrance",
            "the path to Visättra",
            "the university",
        ],
    },
    org="huddinge",
    slug="flemingsberg-stationsomrade",
    kind=ProjectKind.DETAILPLAN,
    template="detaljplan_standard",
    active=True,
    title=t(
        "Nya bostäder vid Flemingsbergs station",
        "New homes by Flemingsberg station",
    ),
    summary=t(
        "Kommunen planerar cirka 900 nya bostäder, ett torg och en ny gång- och cykelbro vid "
        "pendeltågsstationen. Nu är förslaget ute på samråd.",
        "The municipality plans about 900 new homes, a square and a new walking and cycling "
        "bridge at the commuter-rail station. The proposal is now out for consultation.",
    ),
    body=t(
        "Området mellan stationen, sjukhuset och högskolan ska bli en levande stadsdel. "
        "Förslaget har hus på fyra till tolv våningar, lokaler i bottenvåningarna, ett nytt "
        "torg vid bussterminalen och en bro över spåren som ersätter dagens gångtunnel.\n\n"
        "I den tidiga dialogen sa många att tunneln känns otrygg, att det saknas mötesplatser "
        "och att grönområdet mot Visättra är viktigt. Det har vi tagit med oss in i förslaget. "
        "Nu vill vi veta vad du tycker om det.",
        "The area between the station, the hospital and the university will become a lively "
        "neighbourhood. The proposal has buildings of four to twelve storeys, premises on the "
        "ground floors, a new square by the bus terminal and a bridge over the tracks that "
        "replaces today's pedestrian tunnel.\n\n"
        "In the early dialogue many said the tunnel feels unsafe, that meeting places are "
        "missing and that the green area towards Visättra matters. We took that into the "
        "proposal. Now we want to know what you think of it.",
    ),
    area=geo.FLEMINGSBERG_AREA,
    places=geo.FLEMINGSBERG_PLACES,
    topics=[
        "tunnel",
        "light",
        "safety",
        "housing",
        "bus",
        "green",
        "meeting",
        "noise",
        "parking",
        "cycle",
        "identity",
        "litter",
        "access",
        "process",
    ],
    current=2,
    stage_texts={
        1: {
            "description": t(
                "Vi frågade hur du använder området i dag och vad som behövs.",
                "We asked how you use the area today and what is needed.",
            ),
        },
        2: {
            "description": t(
                "Planförslaget visar var husen, torget, bron och parken ska ligga. Svara på "
                "enkäten, markera platser på kartan eller skriv i diskussionen.",
                "The plan proposal shows where the buildings, the square, the bridge and the "
                "park go. Answer the survey, mark places on the map or write in the discussion.",
            ),
            "influence": t(
                "Du kan påverka husens höjd och placering, hur torget och parken utformas och "
                "var gång- och cykelvägarna går. Att det byggs bostäder här är redan beslutat.",
                "You can influence the height and position of the buildings, the design of the "
                "square and the park and where the walking and cycling routes go. That homes "
                "are built here has already been decided.",
            ),
        },
    },
    rounds=[
        Round(stage=1, survey="flemingsberg_early", responses=30, comments=35),
        Round(
            stage=2,
            survey="flemingsberg_consultation",
            responses=110,
            comments=110,
            english=0.15,
        ),
    ],
    answers=[
        t(
            "Tack för din synpunkt! I förslaget ersätts gångtunneln av en bro över spåren. "
            "Tunneln hålls öppen tills bron är klar, och vi byter belysningen där redan i vår.",
            "Thank you! In the proposal the tunnel is replaced by a bridge over the tracks. The "
            "tunnel stays open until the bridge is ready, and we are replacing its lighting "
            "this spring.",
        ),
        t(
            "Hej! Ungefär en tredjedel av de nya bostäderna planeras som hyresrätter. Hyran "
            "bestäms av fastighetsägaren, men kommunen ställer krav på blandade "
            "upplåtelseformer när marken säljs.",
            "Hi! About a third of the new homes are planned as rentals. The landlord sets the "
            "rent, but the municipality requires a mix of tenures when it sells the land.",
        ),
        t(
            "Grönområdet mot Visättra ligger utanför det som ska bebyggas och blir kvar. "
            "Förslaget lägger till en ny park med lekplats mellan husen.",
            "The green area towards Visättra lies outside the building area and stays. The "
            "proposal adds a new park with a playground between the buildings.",
        ),
        t(
            "Region Stockholm planerar trafiken. Vi har skickat era synpunkter om "
            "kvällsturerna vidare till dem.",
            "Region Stockholm plans the public transport. We have passed your comments about "
            "evening services on to them.",
        ),
        t(
            "Parkering löses i garage under husen, med cirka 0,5 platser per lägenhet och "
            "bilpool. Parkeringsutredningen publiceras med granskningshandlingarna.",
            "Parking is in garages under the buildings, about 0.5 spaces per flat plus a car "
            "pool. The parking study is published with the review documents.",
        ),
    ],
    asked=[
        t(
            "Gångtunneln under spåren är mörk och otäck på kvällen. Vad händer med den i planen?",
            "The tunnel under the tracks is dark and scary in the evening. What happens to it in "
            "the plan?",
        ),
        t(
            "Hur många av de nya lägenheterna blir hyresrätter, och vad kommer hyran att bli?",
            "How many of the new flats will be rentals, and what will the rent be?",
        ),
        t(
            "Försvinner grönområdet mot Visättra när det byggs? Vi går där med barnen varje dag.",
            "Will the green area towards Visättra disappear with the building? We walk there with "
            "the children every day.",
        ),
        t(
            "Bussarna går för sällan på kvällen. Kan kommunen se till att det blir fler turer?",
            "The buses run too rarely in the evening. Can the municipality make sure there are "
            "more?",
        ),
        t(
            "Var ska alla som flyttar in parkera? Det är redan fullt på gatorna.",
            "Where will everyone who moves in park? The streets are already full.",
        ),
    ],
    feedback={
        1: {
            "heard": t(
                "Över 60 personer svarade. Många känner sig otrygga i gångtunneln och vid "
                "bussterminalen på kvällen, saknar mötesplatser och kaféer, och vill att "
                "grönområdet mot Visättra sparas. Flera oroade sig för höga hyror.",
                "More than 60 people took part. Many feel unsafe in the pedestrian tunnel and "
                "at the bus terminal in the evening, miss meeting places and cafés, and want "
                "the green area towards Visättra kept. Several worried about high rents.",
            ),
            "did": t(
                "Förslaget ersätter tunneln med en öppen bro, lägger ett torg med lokaler vid "
                "bussterminalen, sparar grönområdet och kräver att en tredjedel av bostäderna "
                "blir hyresrätter.",
                "The proposal replaces the tunnel with an open bridge, puts a square with "
                "premises by the bus terminal, keeps the green area and requires a third of "
                "the homes to be rentals.",
            ),
            "themes": ["safety", "meeting", "green", "cohesion"],
        }
    },
    districts={
        "Flemingsberg": 0.42,
        "Huddinge centrum": 0.16,
        "Stuvsta-Snättringe": 0.12,
        "Sjödalen-Fullersta": 0.12,
        "Skogås": 0.07,
        "Trångsund": 0.07,
        "Vårby": 0.04,
    },
)

TUMBA = ProjectSpec(
    key="tumba",
    mentions={
        "sv": [
            "torget",
            "stationen",
            "biblioteket",
            "bussterminalen",
            "parkeringshuset",
            "gångbron",
        ],
        "en": [
            "the square",
            "the station",
            "the library",
            "the bus terminal",
            "the car park",
            "the footbridge",
        ],
    },
    org="botkyrka",
    slug="tumba-centrum",
    kind=ProjectKind.PROGRAM,
    template="detaljplan_standard",
    active=True,
    title=t("Ett nytt Tumba centrum", "A new Tumba centre"),
    summary=t(
        "Tumba centrum ska förnyas med fler bostäder, ett större torg och bättre vägar till "
        "stationen. Vi är i början och vill höra hur du använder centrum.",
        "Tumba centre is to be renewed with more homes, a larger square and better routes to "
        "the station. We are at the start and want to hear how you use the centre.",
    ),
    body=t(
        "Centrumet byggdes på 1950- och 60-talen och behöver förnyas. Kommunen och "
        "fastighetsägarna tar fram ett program för hela centrum: torget, biblioteket, "
        "parkeringen, bussterminalen och gångvägarna till stationen. Inget är bestämt än.",
        "The centre was built in the 1950s and 60s and needs renewal. The municipality and "
        "the property owners are drawing up a programme for the whole centre: the square, the "
        "library, parking, the bus terminal and the walking routes to the station. Nothing is "
        "decided yet.",
    ),
    area=geo.TUMBA_AREA,
    places=geo.TUMBA_PLACES,
    topics=[
        "meeting",
        "shops",
        "safety",
        "light",
        "parking",
        "bus",
        "identity",
        "cycle",
        "litter",
        "play",
        "process",
    ],
    current=1,
    stage_texts={
        1: {
            "description": t(
                "Berätta vad du gör i centrum i dag, vad du saknar och vad som måste vara kvar.",
                "Tell us what you do in the centre today, what you miss and what must stay.",
            ),
            "influence": t(
                "Nästan allt: vad torget ska användas till, var det ska finnas grönska, "
                "butiker, bostäder och parkering.",
                "Almost everything: what the square is for, where greenery, shops, homes and "
                "parking go.",
            ),
        }
    },
    rounds=[
        Round(
            stage=1,
            survey="tumba",
            responses=60,
            comments=80,
            policy=ParticipationPolicy.NICKNAME,
            english=0.12,
        )
    ],
    answers=[
        t(
            "Biblioteket blir kvar i centrum. Vi undersöker om det kan flytta till större "
            "lokaler vid torget.",
            "The library stays in the centre. We are looking into moving it to larger premises "
            "on the square.",
        ),
        t(
            "Tack! Vi tar med förslaget om en offentlig toalett till arbetet med torget.",
            "Thanks! We are taking the idea of a public toilet into the work on the square.",
        ),
    ],
    asked=[
        t(
            "Blir biblioteket kvar i centrum när torget byggs om?",
            "Will the library stay in the centre when the square is rebuilt?",
        ),
        t(
            "Det behövs en offentlig toalett vid torget, det finns ingen i dag.",
            "The square needs a public toilet; there is none today.",
        ),
    ],
    districts={
        "Tumba": 0.55,
        "Tullinge": 0.15,
        "Grödinge": 0.08,
        "Hallunda-Norsborg": 0.1,
        "Alby": 0.07,
        "Fittja": 0.05,
    },
)

HANDEN = ProjectSpec(
    key="handen",
    mentions={
        "sv": ["dammen", "lekplatsen", "entrén från stationen", "ängen", "grusplanen"],
        "en": [
            "the pond",
            "the playground",
            "the station entrance",
            "the meadow",
            "the gravel pitch",
        ],
    },
    org="haninge",
    slug="stadsparken-handen",
    kind=ProjectKind.PARK,
    template="detaljplan_standard",
    active=True,
    title=t("Stadsparken i Handen får ny utformning", "Redesigning the town park in Handen"),
    summary=t(
        "Planen för parken gäller. Nu bestämmer vi detaljerna tillsammans: lek, belysning, "
        "sittplatser och odling.",
        "The plan for the park is in force. Now we decide the details together: play, "
        "lighting, seating and growing.",
    ),
    body=t(
        "Parken mellan Handens station och bostäderna i söder rustas upp under 2026 och 2027. "
        "Detaljplanen har vunnit laga kraft. I genomförandet kan du påverka hur lekplatsen, "
        "belysningen, bänkarna och planteringarna utformas.",
        "The park between Handen station and the homes to the south is being renovated in "
        "2026 and 2027. The detailed plan is in force. During implementation you can "
        "influence how the playground, lighting, benches and planting are designed.",
    ),
    area=geo.HANDEN_AREA,
    places=geo.HANDEN_PLACES,
    topics=["green", "play", "meeting", "light", "litter", "access", "noise", "safety"],
    current=6,
    stage_texts={
        6: {
            "description": t(
                "Vi har tre skisser för lekplatsen och belysningen. Tyck till om dem och "
                "markera var du vill ha bänkar, grill och odlingslådor.",
                "We have three sketches for the playground and lighting. Tell us what you "
                "think and mark where you want benches, barbecues and planters.",
            ),
            "influence": t(
                "Lekplatsens innehåll, var bänkar, grillplatser och belysning placeras och "
                "vilka växter som planteras.",
                "What the playground contains, where benches, barbecues and lighting go and "
                "what is planted.",
            ),
        }
    },
    rounds=[
        Round(
            stage=6,
            survey="handen",
            responses=45,
            comments=55,
            premoderated=True,
            english=0.08,
        )
    ],
    answers=[
        t(
            "Lekplatsen byggs för barn i alla åldrar, med en del för de minsta som har staket.",
            "The playground is for children of all ages, with a fenced part for the youngest.",
        ),
        t(
            "Belysningen längs huvudstråket byts under hösten. Den blir ljusare och tänds när "
            "det skymmer.",
            "The lighting along the main path is replaced this autumn. It will be brighter "
            "and come on at dusk.",
        ),
    ],
    asked=[
        t(
            "Blir lekplatsen bara för stora barn? Vi har en tvååring som springer iväg.",
            "Will the playground only be for older children? We have a two-year-old who runs off.",
        ),
        t(
            "Det är alldeles för mörkt längs huvudstråket när man går hem på kvällen.",
            "It is far too dark along the main path when you walk home in the evening.",
        ),
    ],
    feedback={
        2: {
            "heard": t(
                "I samrådet ville många ha kvar de stora träden och dammen, en bättre "
                "lekplats och mer ljus på kvällen.",
                "In the consultation many wanted to keep the large trees and the pond, a better "
                "playground and more light in the evening.",
            ),
            "did": t(
                "Planen skyddar träden och dammen. Lekplatsen och belysningen utformas nu "
                "tillsammans med er i genomförandet.",
                "The plan protects the trees and the pond. The playground and lighting are now "
                "designed together with you during implementation.",
            ),
            "themes": ["green", "children", "safety"],
        }
    },
    districts={
        "Handen": 0.6,
        "Vendelsö": 0.12,
        "Brandbergen": 0.08,
        "Jordbro": 0.06,
        "Västerhaninge": 0.1,
        "Tungelsta": 0.04,
    },
)

TROLLBACKEN = ProjectSpec(
    key="trollbacken",
    mentions={
        "sv": [
            "skolan",
            "övergångsstället vid centrum",
            "tunneln under Tyresövägen",
            "busshållplatsen",
            "Trollbäcksvägen",
        ],
        "en": [
            "the school",
            "the crossing at the centre",
            "the underpass",
            "the bus stop",
            "Trollbäcksvägen",
        ],
    },
    org="tyreso",
    slug="trygga-skolvagar-trollbacken",
    kind=ProjectKind.TRAFFIC,
    template="free",
    active=True,
    title=t("Trygga skolvägar i Trollbäcken", "Safe routes to school in Trollbäcken"),
    summary=t(
        "Hur tar sig barnen till skolan, och var känns det farligt? Rita skolvägen och "
        "markera platser som behöver åtgärdas.",
        "How do children get to school, and where does it feel dangerous? Draw the route to "
        "school and mark places that need fixing.",
    ),
    body=t(
        "Tyresö kommun vill att fler barn ska kunna gå och cykla till skolan själva. Vi "
        "kartlägger skolvägarna kring Trollbäcksskolan och föreslår åtgärder: övergångsställen, "
        "belysning, trottoarer och lägre hastigheter.",
        "Tyresö wants more children to be able to walk and cycle to school on their own. We "
        "are mapping the routes to Trollbäcken school and proposing measures: crossings, "
        "lighting, pavements and lower speeds.",
    ),
    area=geo.TROLLBACKEN_AREA,
    places=geo.TROLLBACKEN_PLACES,
    topics=["school", "traffic", "light", "cycle", "bus", "safety"],
    current=1,
    custom_stages=[
        (
            StageKind.CUSTOM,
            t("Kartläggning", "Mapping"),
            ParticipationLevel.CONSULTATION,
        ),
        (
            StageKind.CUSTOM,
            t("Förslag och dialog", "Proposals and dialogue"),
            ParticipationLevel.INFLUENCE,
        ),
        (
            StageKind.IMPLEMENTATION,
            t("Åtgärder byggs", "Measures are built"),
            ParticipationLevel.INFORMATION,
        ),
    ],
    stage_texts={
        0: {
            "description": t(
                "Skolan och kommunen gick skolvägarna med elever i årskurs 4.",
                "The school and the municipality walked the routes with pupils in year 4.",
            ),
            "influence": t("Vilka platser vi tittar på.", "Which places we look at."),
        },
        1: {
            "description": t(
                "Rita ditt barns skolväg och markera farliga platser. Föreslå åtgärder i "
                "diskussionen. Du behöver logga in för att skriva.",
                "Draw your child's route to school and mark dangerous places. Suggest measures "
                "in the discussion. You need to log in to write.",
            ),
            "influence": t(
                "Vilka åtgärder som görs först och var de placeras.",
                "Which measures come first and where they go.",
            ),
        },
        2: {
            "description": t(
                "Åtgärderna byggs sommaren 2027.",
                "The measures are built in summer 2027.",
            ),
            "influence": t(
                "Inget, men vi berättar vad som händer.", "Nothing, but we keep you informed."
            ),
        },
    },
    rounds=[
        Round(
            stage=1,
            survey="trollbacken",
            responses=25,
            comments=40,
            policy=ParticipationPolicy.ACCOUNT,
            english=0.05,
        )
    ],
    answers=[
        t(
            "Tack! Övergångsstället vid centrum ska byggas om och bli upphöjt nästa sommar.",
            "Thanks! The crossing at the centre will be rebuilt as a raised crossing next summer.",
        ),
        t(
            "Vi har bett trafikenheten mäta hastigheten på Trollbäcksvägen under två veckor.",
            "We have asked the traffic unit to measure speeds on Trollbäcksvägen for two weeks.",
        ),
    ],
    asked=[
        t(
            "Övergångsstället vid centrum är farligt, bilarna stannar inte. Kan det göras säkrare?",
            "The crossing by the centre is dangerous; cars do not stop. Can it be made safer?",
        ),
        t(
            "Bilarna kör alldeles för fort på Trollbäcksvägen. Gör något innan någon skadas!",
            "Cars drive far too fast on Trollbäcksvägen. Do something before someone gets hurt!",
        ),
    ],
    districts={
        "Trollbäcken": 0.7,
        "Bollmora": 0.12,
        "Öringe": 0.08,
        "Tyresö strand": 0.06,
        "Krusboda": 0.04,
    },
)

HUDDINGE_OP = ProjectSpec(
    key="huddinge_op",
    mentions={
        "sv": ["Flemingsberg", "Huddinge centrum", "Skogås", "Vårby gård", "Gömmaren", "Stuvsta"],
        "en": ["Flemingsberg", "Huddinge centre", "Skogås", "Vårby gård", "Gömmaren", "Stuvsta"],
    },
    org="huddinge",
    slug="oversiktsplan-2050",
    kind=ProjectKind.COMPREHENSIVE,
    template="oversiktsplan",
    active=True,
    title=t("Översiktsplan Huddinge 2050", "Huddinge comprehensive plan 2050"),
    summary=t(
        "Hur ska Huddinge växa fram till 2050? Samrådet är avslutat och här kan du läsa vad "
        "vi hörde och vad vi gör nu.",
        "How should Huddinge grow until 2050? The consultation is over; read what we heard "
        "and what we are doing now.",
    ),
    body=t(
        "Översiktsplanen visar var det ska byggas, vilka områden som ska sparas som natur och "
        "hur vi tar oss fram. Förslaget samlar bebyggelsen kring stationerna i Flemingsberg, "
        "Huddinge centrum och Skogås och skyddar de stora naturområdena.",
        "The comprehensive plan shows where to build, which areas stay as nature and how we "
        "get around. The proposal gathers new buildings around the stations in Flemingsberg, "
        "Huddinge centre and Skogås and protects the large nature areas.",
    ),
    area=geo.HUDDINGE_OP_AREA,
    places=geo.HUDDINGE_OP_PLACES,
    topics=["housing", "green", "bus", "cycle", "identity", "process", "meeting", "noise", "shops"],
    current=1,
    current_open=False,
    stage_texts={
        1: {
            "description": t(
                "Samrådet om förslaget till ny översiktsplan pågick under hösten.",
                "The consultation on the proposed comprehensive plan ran in the autumn.",
            ),
            "influence": t(
                "Var det byggs, vilka naturområden som sparas och hur vi reser.",
                "Where building happens, which nature areas are kept and how we travel.",
            ),
        }
    },
    rounds=[
        Round(stage=1, survey="huddinge_op", responses=30, comments=80, english=0.08),
    ],
    answers=[
        t(
            "Gömmaren är naturreservat och skyddas även i den nya översiktsplanen.",
            "Gömmaren is a nature reserve and stays protected in the new plan.",
        ),
        t(
            "Tack för synpunkten. Vi föreslår en ny snabbusslinje mellan Flemingsberg och "
            "Skogås, som regionen nu utreder.",
            "Thank you. We propose a new express bus line between Flemingsberg and Skogås, "
            "which the region is now studying.",
        ),
    ],
    asked=[
        t(
            "Kommer Gömmaren att skyddas, eller kan det byggas där i framtiden?",
            "Will Gömmaren be protected, or could it be built on in the future?",
        ),
        t(
            "Det behövs en snabb buss mellan Flemingsberg och Skogås, i dag tar det en evighet.",
            "We need a fast bus between Flemingsberg and Skogås; today it takes forever.",
        ),
    ],
    feedback={
        1: {
            "heard": t(
                "Vi fick nästan 300 synpunkter. De vanligaste handlade om att spara naturen "
                "(särskilt Gömmaren och Orlången), bättre busstrafik mellan kommundelarna, "
                "bostäder som unga har råd med och fler mötesplatser i Vårby och Skogås.",
                "We received almost 300 comments. The most common were about keeping nature "
                "(especially Gömmaren and Orlången), better buses between the districts, "
                "homes young people can afford and more meeting places in Vårby and Skogås.",
            ),
            "did": t(
                "Vi har tagit bort ett utbyggnadsområde nära Orlången, lagt till ett "
                "tvärförbindelsestråk för buss och cykel och skrivit in mål för andelen "
                "hyresrätter. Förslaget ställs ut för granskning i vår.",
                "We removed a development area near Orlången, added a cross-link for buses and "
                "cycling and set targets for the share of rental homes. The proposal goes out "
                "for review in the spring.",
            ),
            "themes": ["green", "mobility", "cohesion", "meeting", "influence"],
        }
    },
    districts={
        "Flemingsberg": 0.1,
        "Huddinge centrum": 0.22,
        "Skogås": 0.14,
        "Trångsund": 0.1,
        "Stuvsta-Snättringe": 0.26,
        "Vårby": 0.03,
        "Sjödalen-Fullersta": 0.15,
    },
)

SKOGAS_DRAFT = ProjectSpec(
    key="skogas",
    org="huddinge",
    slug="skogas-centrum",
    kind=ProjectKind.DETAILPLAN,
    template="detaljplan_standard",
    active=False,
    title=t("Skogås centrum (utkast)", "Skogås centre (draft)"),
    summary=t(
        "Utkast: förnyelse av Skogås centrum. Inte publicerat.",
        "Draft: renewal of Skogås centre. Not published.",
    ),
    body=t("Planuppdraget väntas i vår.", "The planning assignment is expected in spring."),
    area=geo.SKOGAS_AREA,
    places=[],
    topics=[],
    current=0,
)

#: Plain descriptions of the stages a project does not describe itself.
STAGE_DESCRIPTIONS: dict[StageKind, dict[str, str]] = {
    StageKind.START: t(
        "Byggnadsnämnden gav uppdraget att ta fram planen. Vi utreder förutsättningarna.",
        "The building committee commissioned the plan. We are studying the conditions.",
    ),
    StageKind.EARLY_DIALOGUE: t(
        "Innan det finns ett förslag frågar vi hur platsen används och vad som behövs.",
        "Before there is a proposal we ask how the place is used and what is needed.",
    ),
    StageKind.CONSULTATION: t(
        "Förslaget visas för alla som berörs. Lämna synpunkter på det.",
        "The proposal is shown to everyone affected. Comment on it.",
    ),
    StageKind.REVIEW: t(
        "Det bearbetade förslaget granskas. Synpunkterna sammanfattas i ett granskningsutlåtande.",
        "The revised proposal is reviewed. Comments are summarised in a review statement.",
    ),
    StageKind.ADOPTION: t(
        "Kommunfullmäktige eller byggnadsnämnden beslutar om planen.",
        "The municipal council or the building committee decides on the plan.",
    ),
    StageKind.IN_FORCE: t(
        "Planen gäller när tiden för att överklaga har gått ut.",
        "The plan applies once the time for appeals has passed.",
    ),
    StageKind.IMPLEMENTATION: t(
        "Det som planen tillåter byggs, och vi följer upp hur det blev.",
        "What the plan allows is built, and we follow up how it turned out.",
    ),
    StageKind.FOLLOW_UP: t(
        "Vi följer upp hur planen fungerar och berättar vad som hänt.",
        "We follow up how the plan works and report what has happened.",
    ),
}

PROJECTS = [FLEMINGSBERG, TUMBA, HANDEN, TROLLBACKEN, HUDDINGE_OP, SKOGAS_DRAFT]
