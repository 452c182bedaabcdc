"""What demo residents write: sentence pools per topic and a composer that varies them.

Every text is built from these pools with the seeded random generator, so the demo reads like
real residents (varied lengths, a few typos, some off-topic remarks) and stays reproducible.
"""

from __future__ import annotations

import random

#: Topic -> language -> kind ("neg" problem, "pos" appreciation, "idea" suggestion) -> sentences.
#: ``{plats}`` is replaced by a place name of the project.
TOPICS: dict[str, dict[str, dict[str, list[str]]]] = {
    "tunnel": {
        "sv": {
            "neg": [
                "Gångtunneln vid stationen känns otrygg när det är mörkt.",
                "Jag undviker tunneln under spåren efter klockan nio på kvällen.",
                "Det luktar kiss i tunneln och lamporna är ofta trasiga.",
                "Min dotter vågar inte gå genom tunneln själv när hon kommer hem från träningen.",
                "Det står ofta gäng i tunneln och man känner sig iakttagen.",
                "Jag har blivit rånad i tunneln, nu tar jag hellre bussen runt.",
                "Tunneln är det första man möter när man kommer hit, inget bra första intryck.",
            ],
            "pos": [
                "Sedan de målade om tunneln och satte upp nya lampor känns den mycket bättre.",
            ],
            "idea": [
                "Gör tunneln bredare och ljusare, eller bygg en bro över spåren i stället.",
                "Sätt speglar i svängen i tunneln så man ser vem som kommer.",
                "Konst och bättre ljus i tunneln skulle göra stor skillnad.",
            ],
        },
        "en": {
            "neg": [
                "The tunnel at the station feels unsafe after dark.",
                "I avoid the underpass at night, it is dark and smells bad.",
                "Someone was robbed in the tunnel last winter, I never use it after dark.",
            ],
            "pos": ["The tunnel is much better since the new lights went up."],
            "idea": ["Please make the tunnel wider and brighter, or build a bridge instead."],
        },
    },
    "light": {
        "sv": {
            "neg": [
                "Det är för mörkt längs gångvägen vid {plats}.",
                "Belysningen vid {plats} har varit trasig i flera veckor.",
                "På vintern är det kolsvart mellan husen, man ser inte var man sätter fötterna.",
                "Det saknas lampor på stigen, jag går hellre en omväg.",
                "Sedan gatlyktorna släcktes vid {plats} har det blivit mycket otäckare att gå hem.",
            ],
            "pos": ["Bra belysning vid {plats} nuförtiden, det känns tryggt."],
            "idea": [
                "Fler lampor längs gång- och cykelvägen vore bra.",
                "Belysning som tänds när man går förbi skulle spara energi och kännas tryggare.",
                "Lys upp buskarna vid {plats}, det är där det känns obehagligt.",
            ],
        },
        "en": {
            "neg": ["It is far too dark along the path near {plats}."],
            "pos": ["The lighting near {plats} is good now."],
            "idea": ["More street lights along the cycle path would help a lot."],
        },
    },
    "safety": {
        "sv": {
            "neg": [
                "Jag känner mig inte trygg vid {plats} på kvällarna.",
                "Det har varit flera inbrott i cykelrummen den senaste tiden.",
                "Det langas knark bakom {plats}, alla vet om det.",
                "Ungdomsgäng hänger vid {plats} och det känns hotfullt ibland.",
                "Min cykel blev stulen vid {plats} trots att den var låst.",
                "Jag ber alltid någon följa med när jag går förbi {plats} sent.",
            ],
            "pos": [
                "Jag tycker faktiskt det känns tryggare här nu än för några år sedan.",
                "Mycket folk i rörelse vid {plats} gör att det känns tryggt.",
            ],
            "idea": [
                "Fler som rör sig här på kvällen, till exempel ett kafé som har öppet sent.",
                "Nattvandrare eller väktare vid {plats} på helgerna skulle hjälpa.",
            ],
        },
        "en": {
            "neg": [
                "I do not feel safe around {plats} in the evening.",
                "My bike was stolen near {plats} even though it was locked.",
            ],
            "pos": ["It feels safer here than a few years ago."],
            "idea": ["A café open late would bring more people and make it feel safer."],
        },
    },
    "traffic": {
        "sv": {
            "neg": [
                "Bilarna kör alldeles för fort förbi {plats}.",
                "Övergångsstället vid {plats} är livsfarligt, det har varit flera nära ögat.",
                "Föräldrar som skjutsar sina barn skapar kaos vid skolan på morgonen.",
                "Man ser inte barnen som kommer fram bakom de parkerade bilarna.",
            ],
            "pos": ["Farthindren som kom förra året har verkligen sänkt farten."],
            "idea": [
                "Sätt upp farthinder och sänk hastigheten till 30 km/h.",
                "Ett upphöjt övergångsställe vid {plats} skulle göra stor skillnad.",
                "Gör en avlämningsplats en bit från skolan så slipper vi bilköerna vid grinden.",
            ],
        },
        "en": {
            "neg": ["Cars drive far too fast past {plats}."],
            "pos": ["The speed bumps have really slowed the traffic down."],
            "idea": ["A raised crossing at {plats} would make it much safer for children."],
        },
    },
    "green": {
        "sv": {
            "neg": [
                "Det är synd om skogsdungen försvinner, den är det enda gröna som finns kvar här.",
                "Bygg inte på grönytan vid {plats}, den används varje dag.",
                "För lite träd, det blir stekhett på asfalten på sommaren.",
                "Skogen vid {plats} är där barnen leker, den får inte försvinna.",
            ],
            "pos": [
                "Grönområdet vid {plats} är fantastiskt, jag går där med hunden varje dag.",
                "Älskar de stora ekarna, de måste få stå kvar.",
                "Naturen så nära är det bästa med att bo här.",
            ],
            "idea": [
                "Plantera fler träd och gör en riktig park med bänkar.",
                "Odlingslotter för oss som bor i lägenhet vore drömmen.",
                "Låt en del av gräsmattan bli äng, bra för bina.",
            ],
        },
        "en": {
            "neg": ["Please do not build on the green area, it is used every day."],
            "pos": ["The woods near {plats} are the best thing about living here."],
            "idea": ["Plant more trees and make a proper park with benches."],
        },
    },
    "play": {
        "sv": {
            "neg": [
                "Lekplatsen är sliten och gungorna har varit trasiga i ett år.",
                "Det finns ingenting för barn i tioårsåldern, bara småbarnslek.",
                "Ungdomarna har ingenstans att vara, så de hänger i centrum.",
            ],
            "pos": ["Barnen älskar klätterställningen vid {plats}."],
            "idea": [
                "En stor äventyrslekplats skulle locka familjer från hela kommunen.",
                "Gör en spontanidrottsplats eller en skatepark för tonåringarna.",
                "Staket runt småbarnsleken så att de små inte springer ut mot vägen.",
                "Plaskdamm eller vattenlek på sommaren!",
            ],
        },
        "en": {
            "neg": ["There is nothing for older kids to do here."],
            "pos": ["My kids love the climbing frame near {plats}."],
            "idea": ["A skate park or a multi-sport court for teenagers, please."],
        },
    },
    "meeting": {
        "sv": {
            "neg": [
                "Det finns ingenstans att sitta ner och ta en fika utan att handla.",
                "Torget är tomt och ödsligt efter sex på kvällen.",
                "Fritidsgården har stängt och det finns inget annat ställe för ungdomarna.",
                "Centrum har ingen själ, det är bara en genomfartsplats.",
            ],
            "pos": [
                "Biblioteket är den bästa mötesplatsen vi har, håll det öppet!",
                "Marknaden på torget på lördagar är så trevlig.",
            ],
            "idea": [
                "Fler bänkar och bord vid {plats} så man kan träffas.",
                "Ett kafé eller en kiosk vid {plats} skulle ge liv åt platsen.",
                "En lokal där föreningar kan vara, och där man kan hyra för fest.",
                "Ordna aktiviteter på torget på sommaren, musik och loppis.",
            ],
        },
        "en": {
            "neg": [
                "There is nowhere to sit and meet people without buying something.",
                "The square is empty and dead after six in the evening.",
            ],
            "pos": ["The library is the best meeting place we have."],
            "idea": ["A café at {plats} would bring life to the place."],
        },
    },
    "bus": {
        "sv": {
            "neg": [
                "Bussen går för sällan på kvällar och helger.",
                "Bussarna är alltid fulla på morgonen, man får stå hela vägen.",
                "Det tar för lång tid att byta mellan buss och pendeltåg.",
                "Busshållplatsen saknar tak, man blir dyblöt när man väntar.",
                "När pendeln är inställd finns det ingen information om ersättningsbussar.",
            ],
            "pos": ["Bra att pendeltåget går var 15:e minut, det gör att jag inte behöver bil."],
            "idea": [
                "Tätare turer med bussen till {plats} på kvällarna.",
                "Väderskydd och bänkar på hållplatsen, tack.",
                "Realtidsskyltar vid hållplatsen så man vet när bussen kommer.",
            ],
        },
        "en": {
            "neg": [
                "The bus runs too rarely in the evenings and at weekends.",
                "The buses are always full in the morning, you have to stand all the way.",
            ],
            "pos": ["The commuter train every 15 minutes means I do not need a car."],
            "idea": ["More frequent buses to {plats} in the evening, please."],
        },
    },
    "cycle": {
        "sv": {
            "neg": [
                "Cykelbanan tar slut mitt i ingenstans vid {plats}.",
                "Cykelparkeringen vid stationen är alltid full och cyklar blir stulna.",
                "Gång- och cykelvägen plogas sist av allt på vintern.",
            ],
            "pos": ["Den nya cykelbanan är jättebra, jag cyklar till jobbet nu."],
            "idea": [
                "Ett låst cykelgarage vid stationen skulle få fler att cykla.",
                "Separera gående och cyklister, det blir lätt krockar.",
            ],
        },
        "en": {
            "neg": ["The cycle lane just ends near {plats}."],
            "pos": ["The new cycle lane is great."],
            "idea": ["A locked bike garage at the station would get more people cycling."],
        },
    },
    "parking": {
        "sv": {
            "neg": [
                "Var ska alla parkera när det byggs så många nya lägenheter?",
                "Det är redan omöjligt att hitta en parkering på kvällen.",
                "Parkeringsavgiften har blivit alldeles för dyr.",
            ],
            "pos": [],
            "idea": [
                "Bygg ett parkeringshus i stället för stora asfaltsytor.",
                "Fler laddplatser för elbil behövs.",
                "Bilpool i de nya husen skulle minska behovet av parkering.",
            ],
        },
        "en": {
            "neg": ["Where will everyone park when all these flats are built?"],
            "pos": [],
            "idea": ["More charging points for electric cars are needed."],
        },
    },
    "housing": {
        "sv": {
            "neg": [
                "Hyrorna i nyproduktion är för höga för oss som bor här i dag.",
                "Det byggs bara bostadsrätter, unga har inte råd.",
                "Jag är orolig att renoveringen gör att vi inte har råd att bo kvar.",
                "Mina vuxna barn har inte råd att flytta hemifrån, det finns inga små ettor.",
                "Det blir för tätt, husen är för höga för området.",
            ],
            "pos": [
                "Bra att det byggs fler bostäder nära stationen, det behövs.",
                "Blandningen av hyresrätter och bostadsrätter i förslaget är bra.",
            ],
            "idea": [
                "Bygg hyresrätter med rimliga hyror, och några större lägenheter för familjer.",
                "Trygghetsboende för äldre så vi kan bo kvar i området.",
                "Lägre hus mot villorna och de höga husen närmare spåren.",
            ],
        },
        "en": {
            "neg": ["The rents in the new buildings are too high for people who live here now."],
            "pos": ["Good that more homes are built near the station."],
            "idea": ["Build rental flats with fair rents, and some bigger ones for families."],
        },
    },
    "noise": {
        "sv": {
            "neg": [
                "Trafikbullret från vägen är störande, man kan inte ha fönstret öppet.",
                "Byggarbetet låter från sju på morgonen, även på lördagar.",
                "Tågen bullrar hela natten.",
                "Lastbilarna till bygget kör förbi skolan hela dagarna och dammet ligger överallt.",
            ],
            "pos": ["Det är lugnt och tyst i parken, en oas."],
            "idea": [
                "Bullerplank mot vägen, eller ännu hellre en vall med träd.",
                "Fler träd mot vägen skulle ta bort både buller och avgaser.",
            ],
        },
        "en": {
            "neg": ["The traffic noise is terrible, you cannot open the window."],
            "pos": ["It is calm and quiet in the park."],
            "idea": ["A noise barrier with trees along the road would help."],
        },
    },
    "litter": {
        "sv": {
            "neg": [
                "Det är skräpigt överallt, papperskorgarna svämmar över.",
                "Klotter och krossat glas vid {plats}, ingen städar.",
                "Hundbajs överallt på gräsmattan.",
            ],
            "pos": ["Det har blivit mycket renare sedan de började städa oftare."],
            "idea": ["Fler papperskorgar och tömning även på helgerna."],
        },
        "en": {
            "neg": ["There is litter everywhere and the bins overflow."],
            "pos": ["It has become much cleaner lately."],
            "idea": ["More bins, emptied at weekends too."],
        },
    },
    "shops": {
        "sv": {
            "neg": [
                "Det finns bara en matbutik och den är dyr.",
                "Posten och banken har försvunnit från centrum.",
                "Det står tomma lokaler överallt i centrum.",
                "Vårdcentralen har flyttat och nu måste äldre åka buss för att träffa en läkare.",
            ],
            "pos": ["Bra att vårdcentralen ligger nära stationen."],
            "idea": [
                "Fler små butiker och ett apotek i bottenvåningarna.",
                "En offentlig toalett vid {plats}, det finns ingen i dag.",
            ],
        },
        "en": {
            "neg": ["There is only one grocery store and it is expensive."],
            "pos": ["Good that the health centre is close to the station."],
            "idea": ["Small shops and a pharmacy on the ground floors, please."],
        },
    },
    "access": {
        "sv": {
            "neg": [
                "Hissen till perrongen är trasig jämt, med rullator kommer man inte fram.",
                "Trapporna vid {plats} är omöjliga med barnvagn.",
                "Grusgångarna är svåra att ta sig fram på med rullstol.",
            ],
            "pos": [],
            "idea": [
                "Ramper i stället för trappor, och bänkar att vila på längs vägen.",
                "Hårdgjorda gångar så att alla kan komma fram.",
            ],
        },
        "en": {
            "neg": ["The lift to the platform is always broken."],
            "pos": [],
            "idea": ["Ramps instead of stairs, and benches to rest on."],
        },
    },
    "identity": {
        "sv": {
            "neg": [
                "Området har dåligt rykte men det stämmer inte, de som bor här trivs.",
                "De nya husen ser ut som alla andra nybyggen, grå lådor.",
                "Riv inte de gamla husen, de är en del av områdets historia.",
            ],
            "pos": [
                "Jag är stolt över att bo här, det finns så mycket olika människor.",
                "Utsikten från kullen är det finaste i hela kommunen.",
            ],
            "idea": [
                "Använd trä och färg, låt inte allt bli betong.",
                "Lyft fram historien om platsen med skyltar och konst.",
            ],
        },
        "en": {
            "neg": ["The new buildings look like grey boxes."],
            "pos": ["I am proud of living here, it is so diverse."],
            "idea": ["Use wood and colour, do not let everything be concrete."],
        },
    },
    "school": {
        "sv": {
            "neg": [
                "Skolvägen går över en stor väg utan trafikljus.",
                "Barnen måste gå på vägkanten, det finns ingen trottoar.",
                "Jag skjutsar mina barn för att det inte känns säkert att låta dem gå.",
            ],
            "pos": ["Gångbanan längs skogen är en bra skolväg, den är bilfri."],
            "idea": [
                "En skolpatrull eller vuxna vid övergångsstället på morgonen.",
                "Gör en sammanhängande trottoar hela vägen till skolan.",
                "Gående skolbuss, där föräldrar turas om att gå med barnen.",
            ],
        },
        "en": {
            "neg": ["The school route crosses a big road with no traffic lights."],
            "pos": ["The path through the woods is a good, car-free school route."],
            "idea": ["Build a continuous pavement all the way to school."],
        },
    },
    "process": {
        "sv": {
            "neg": [
                "Känns som att allt redan är bestämt, varför frågar ni ens?",
                "Det var svårt att hitta information om förslaget.",
                "Förra gången vi tyckte till hände ingenting.",
            ],
            "pos": [
                "Bra att man kan tycka till på kartan, mycket enklare än att skriva brev.",
                "Tack för att ni frågar oss som bor här!",
            ],
            "idea": [
                "Ha ett öppet möte på kvällstid så fler kan komma.",
                "Informera på fler språk, många här läser inte svenska.",
            ],
        },
        "en": {
            "neg": ["It feels like everything has already been decided."],
            "pos": ["Great that we can comment on the map."],
            "idea": ["Please inform in more languages, not everyone reads Swedish."],
        },
    },
}

OPENERS = {
    "sv": [
        "Hej!",
        "Bra att ni frågar.",
        "Jag har bott här i över 20 år.",
        "Som förälder till två barn:",
        "Jag pendlar härifrån varje dag.",
        "Min synpunkt:",
        "Vi är många grannar som tycker likadant.",
        "Jag jobbar i området.",
    ],
    "en": ["Hi!", "I have lived here for ten years.", "As a parent:", "I study here."],
}
CLOSERS = {
    "sv": [
        "Tack för att ni lyssnar.",
        "Hoppas någon läser detta.",
        "Mvh en granne",
        "Annars är det ett bra förslag.",
        "Det vore så bra för alla.",
    ],
    "en": ["Thanks for listening.", "Hope someone reads this."],
}
SHORT = {
    "sv": [
        "Bra förslag!",
        "Äntligen!",
        "Mer grönt tack.",
        "Instämmer inte alls.",
        "Jättebra initiativ",
        "Vet inte riktigt vad jag tycker.",
        "ok",
        "Bygg inte mer här.",
    ],
    "en": ["Great idea!", "Finally!", "Not convinced."],
}
OFF_TOPIC = {
    "sv": [
        "Någon som vet när simhallen öppnar igen?",
        "Kommunalskatten är alldeles för hög i den här kommunen.",
        "Jag har tappat en nyckelknippa vid busshållplatsen, har någon sett den?",
        "Varför får man inte ha husbil på gatan?",
        "Vem bestämde att fotbollsträningen ska börja klockan sju?",
    ],
    "en": ["Does anyone know when the swimming pool reopens?"],
}
REPLIES = {
    "sv": [
        "Håller med, särskilt på kvällarna.",
        "Precis så! Min dotter vågar inte gå där själv.",
        "Jag tycker inte det är så farligt, man får väl vara lite vaksam.",
        "Det där har de lovat i flera år nu...",
        "Vet någon om det finns ritningar på det här?",
        "Instämmer helt.",
        "Håller inte med, det har blivit bättre.",
        "Bra skrivet!",
        "Samma här, vi har klagat många gånger.",
        "Men vem ska betala för det?",
        "Ja! Och fler bänkar.",
        "Tror du verkligen att det hjälper?",
        "Det här är det viktigaste i hela förslaget tycker jag.",
        "Nej, jag ser inte problemet.",
        "Skriv till kommunen direkt också, då händer det mer.",
        "Exakt, och det blir inte bättre när det byggs mer.",
        "Jag har aldrig haft problem där, men jag förstår att andra har det.",
        "Tack, bra poäng!",
        "Håller med till 100 %",
        "Så var det inte förr, det har blivit sämre de senaste åren.",
    ],
    "en": [
        "Agreed.",
        "Exactly my experience.",
        "I do not agree, it has got better.",
        "Same here, we have complained many times.",
    ],
}


class Writer:
    """Composes residents' texts from the pools with a seeded random generator."""

    def __init__(self, rng: random.Random, topics: list[str], places: list[str]) -> None:
        self.rng = rng
        self.topics = topics
        self.places = places

    def sentence(self, lang: str, kind: str, topic: str | None = None) -> str:
        rng = self.rng
        topic = topic or rng.choice(self.topics)
        pool = TOPICS[topic][lang].get(kind) or TOPICS[topic][lang]["neg"]
        text = rng.choice(pool)
        return text.replace("{plats}", rng.choice(self.places))

    def comment(self, lang: str, kind: str | None = None, topic: str | None = None) -> str:
        """A resident's comment: sometimes short or off-topic, usually 1–3 sentences."""
        rng = self.rng
        roll = rng.random()
        if roll < 0.07:
            return self.typo(rng.choice(SHORT[lang]))
        if roll < 0.11:
            return rng.choice(OFF_TOPIC[lang])
        kind = kind or rng.choices(["neg", "pos", "idea"], [0.55, 0.2, 0.25])[0]
        topic = topic or rng.choice(self.topics)
        parts = []
        if rng.random() < 0.2:
            parts.append(rng.choice(OPENERS[lang]))
        parts.append(self.sentence(lang, kind, topic))
        extra = rng.choices([0, 1, 2], [0.45, 0.4, 0.15])[0]
        for _ in range(extra):
            # Stay mostly on one topic and one mood, as people do.
            second = rng.choice(["pos", "idea"] if kind == "pos" else ["neg", "idea"])
            other = topic if rng.random() < 0.7 else rng.choice(self.topics)
            s = self.sentence(lang, second, other)
            if s not in parts:
                parts.append(s)
        if rng.random() < 0.15:
            parts.append(rng.choice(CLOSERS[lang]))
        return self.typo(" ".join(parts))

    def reply(self, lang: str) -> str:
        rng = self.rng
        if rng.random() < 0.6:
            return self.typo(rng.choice(REPLIES[lang]))
        return self.typo(self.sentence(lang, rng.choice(["neg", "idea", "pos"])))

    def typo(self, text: str) -> str:
        """Now and then write like people write on a phone."""
        rng = self.rng
        roll = rng.random()
        if roll < 0.05:
            return text.lower().rstrip(".")
        if roll < 0.09:
            return text.replace("ä", "a", 1).replace("ö", "o", 1)
        if roll < 0.12:
            return text.rstrip(".!") + "!!"
        if roll < 0.15 and " " in text:
            words = text.split(" ")
            i = rng.randrange(len(words))
            w = words[i]
            if len(w) > 4:
                j = rng.randrange(1, len(w) - 2)
                words[i] = w[:j] + w[j + 1] + w[j] + w[j + 2 :]
            return " ".join(words)
        return text
