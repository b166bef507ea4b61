"""German lexicon and templates for the tiny-stories generator (see models/data/stories.py).

Nouns carry their gender ("m"/"f"/"n"); weak masculine nouns carry their oblique form
("der Hase" / "den Hasen"). Places carry the preposition they take (in den Park / im Park,
an den See / am See, auf den Berg / auf dem Berg). Adjectives are stems; the generator adds
the ending for article, gender and case. Verbs are (infinitive, Präteritum 3sg, separable
particle), e.g. ("aufheben", "hob", "auf") gives "Sie hob den Ball auf." and "..., als sie
den Ball aufhob."

Slots: {hero}, {hero.er|ihn|ihm|kind}; {obj.<der|ein>.<nom|akk|dat>[.adj]}, {obj.er|ihn|ihm};
the same for {animal...} and {food...}; {place.wohin|wo}; {act.prät|prätpl|inf};
{verb.prät|part|sub|inf}; {animv.prät|part}; {feel}; {weather.en|er}; {trait}.
"""

NAMES = (
    ("Mia", "f"), ("Emma", "f"), ("Hanna", "f"), ("Lea", "f"), ("Lena", "f"), ("Anna", "f"),
    ("Sophie", "f"), ("Marie", "f"), ("Lina", "f"), ("Ella", "f"), ("Clara", "f"), ("Lotta", "f"),
    ("Frieda", "f"), ("Ida", "f"), ("Paula", "f"), ("Greta", "f"), ("Nele", "f"), ("Mila", "f"),
    ("Emilia", "f"), ("Luisa", "f"), ("Johanna", "f"), ("Maja", "f"), ("Pia", "f"), ("Rosa", "f"),
    ("Paul", "m"), ("Ben", "m"), ("Leon", "m"), ("Finn", "m"), ("Jonas", "m"), ("Lukas", "m"),
    ("Felix", "m"), ("Max", "m"), ("Tim", "m"), ("Noah", "m"), ("Elias", "m"), ("Emil", "m"),
    ("Anton", "m"), ("Moritz", "m"), ("Jakob", "m"), ("Oskar", "m"), ("Theo", "m"), ("Karl", "m"),
    ("Henri", "m"), ("Jan", "m"), ("Niklas", "m"), ("Ole", "m"), ("Lars", "m"), ("Fritz", "m"),
)  # fmt: skip

RESERVED_NAMES = ("Kunigunde", "Hildebrand", "Wunibald", "Ottokar", "Brunhilde", "Gottlieb")

ANIMALS = (
    ("Hund", "m"), ("Katze", "f"), ("Hase", "m", "Hasen"), ("Vogel", "m"), ("Ente", "f"),
    ("Frosch", "m"), ("Fuchs", "m"), ("Bär", "m", "Bären"), ("Maus", "f"), ("Pferd", "n"),
    ("Kuh", "f"), ("Schwein", "n"), ("Schaf", "n"), ("Ziege", "f"), ("Eule", "f"),
    ("Schildkröte", "f"), ("Fisch", "m"), ("Löwe", "m", "Löwen"), ("Tiger", "m"),
    ("Elefant", "m", "Elefanten"), ("Affe", "m", "Affen"), ("Giraffe", "f"), ("Zebra", "n"),
    ("Eichhörnchen", "n"), ("Igel", "m"), ("Reh", "n"), ("Wolf", "m"), ("Gans", "f"),
    ("Huhn", "n"), ("Küken", "n"), ("Welpe", "m", "Welpen"), ("Kätzchen", "n"), ("Pony", "n"),
    ("Esel", "m"), ("Papagei", "m"), ("Pinguin", "m"), ("Robbe", "f"), ("Schnecke", "f"),
    ("Biene", "f"), ("Schmetterling", "m"), ("Ameise", "f"), ("Marienkäfer", "m"),
    ("Hamster", "m"), ("Lamm", "n"), ("Krabbe", "f"), ("Maulwurf", "m"), ("Taube", "f"),
)  # fmt: skip

OBJECTS = (
    ("Ball", "m"), ("Drachen", "m"), ("Puppe", "f"), ("Teddybär", "m", "Teddybären"),
    ("Buch", "n"), ("Hut", "m"), ("Kiste", "f"), ("Tasse", "f"), ("Löffel", "m"),
    ("Glocke", "f"), ("Trommel", "f"), ("Spielzeugauto", "n"), ("Spielzeugzug", "m"),
    ("Boot", "n"), ("Luftballon", "m"), ("Buntstift", "m"), ("Bleistift", "m"), ("Pinsel", "m"),
    ("Kamm", "m"), ("Schlüssel", "m"), ("Lampe", "f"), ("Decke", "f"), ("Kissen", "n"),
    ("Schal", "m"), ("Socke", "f"), ("Schuh", "m"), ("Stiefel", "m"), ("Handschuh", "m"),
    ("Regenschirm", "m"), ("Tasche", "f"), ("Korb", "m"), ("Eimer", "m"), ("Schaufel", "f"),
    ("Flasche", "f"), ("Glas", "n"), ("Uhr", "f"), ("Ring", "m"), ("Kette", "f"), ("Knopf", "m"),
    ("Münze", "f"), ("Murmel", "f"), ("Muschel", "f"), ("Stein", "m"), ("Feder", "f"),
    ("Blume", "f"), ("Blatt", "n"), ("Stock", "m"), ("Seil", "n"), ("Band", "n"),
    ("Puzzle", "n"), ("Bild", "n"), ("Karte", "f"), ("Brief", "m"), ("Zeichnung", "f"),
    ("Spiegel", "m"), ("Kerze", "f"), ("Teller", "m"), ("Schüssel", "f"), ("Fahrrad", "n"),
    ("Wagen", "m"), ("Schlitten", "m"), ("Roboter", "m"), ("Rakete", "f"), ("Bauklotz", "m"),
    ("Pfeife", "f"), ("Flöte", "f"), ("Gitarre", "f"), ("Trompete", "f"), ("Krone", "f"),
    ("Zauberstab", "m"), ("Maske", "f"), ("Rucksack", "m"), ("Heft", "n"), ("Aufkleber", "m"),
    ("Jojo", "n"), ("Kreisel", "m"), ("Springseil", "n"), ("Kompass", "m"), ("Laterne", "f"),
    ("Fahne", "f"), ("Malkasten", "m"),
)  # fmt: skip

FOODS = (
    ("Apfel", "m"), ("Banane", "f"), ("Orange", "f"), ("Birne", "f"), ("Pflaume", "f"),
    ("Pfirsich", "m"), ("Kirsche", "f"), ("Erdbeere", "f"), ("Zitrone", "f"), ("Melone", "f"),
    ("Karotte", "f"), ("Kartoffel", "f"), ("Tomate", "f"), ("Keks", "m"), ("Kuchen", "m"),
    ("Brötchen", "n"), ("Brezel", "f"), ("Muffin", "m"), ("Pfannkuchen", "m"), ("Ei", "n"),
    ("Käsebrot", "n"), ("Butterbrot", "n"), ("Waffel", "f"), ("Pizza", "f"), ("Wurst", "f"),
    ("Gurke", "f"), ("Zwiebel", "f"), ("Mango", "f"), ("Kiwi", "f"), ("Kokosnuss", "f"),
    ("Nuss", "f"), ("Eis", "n"), ("Bonbon", "n"), ("Lutscher", "m"), ("Donut", "m"),
    ("Törtchen", "n"), ("Mandarine", "f"), ("Traube", "f"), ("Paprika", "f"),
    ("Maiskolben", "m"), ("Reisbällchen", "n"), ("Schokoriegel", "m"), ("Joghurt", "m"),
    ("Pudding", "m"), ("Rosinenbrötchen", "n"),
)  # fmt: skip

# (noun, gender, preposition): wohin = preposition + accusative, wo = preposition + dative
PLACES = (
    ("Park", "m", "in"), ("Garten", "m", "in"), ("Wald", "m", "in"), ("Strand", "m", "an"),
    ("See", "m", "an"), ("Fluss", "m", "an"), ("Meer", "n", "an"), ("Hügel", "m", "auf"),
    ("Berg", "m", "auf"), ("Bauernhof", "m", "auf"), ("Zoo", "m", "in"), ("Schule", "f", "in"),
    ("Bücherei", "f", "in"), ("Markt", "m", "auf"), ("Laden", "m", "in"),
    ("Bäckerei", "f", "in"), ("Küche", "f", "in"), ("Hof", "m", "auf"), ("Wiese", "f", "auf"),
    ("Feld", "n", "auf"), ("Spielplatz", "m", "auf"), ("Teich", "m", "an"),
    ("Brücke", "f", "auf"), ("Hafen", "m", "in"), ("Schloss", "n", "in"), ("Dorf", "n", "in"),
    ("Stadt", "f", "in"), ("Insel", "f", "auf"), ("Höhle", "f", "in"), ("Scheune", "f", "in"),
    ("Museum", "n", "in"), ("Marktplatz", "m", "auf"), ("Zelt", "n", "in"),
    ("Schwimmbad", "n", "in"), ("Dachboden", "m", "auf"), ("Keller", "m", "in"),
    ("Baumhaus", "n", "in"), ("Kindergarten", "m", "in"), ("Bach", "m", "an"),
    ("Turm", "m", "auf"), ("Obstgarten", "m", "in"),
)  # fmt: skip

# (infinitive, Präteritum 3sg, particle): intransitive activities, no particle
ACT_VERBS = (
    ("spielen", "spielte", ""), ("singen", "sang", ""), ("tanzen", "tanzte", ""),
    ("rennen", "rannte", ""), ("springen", "sprang", ""), ("schwimmen", "schwamm", ""),
    ("lachen", "lachte", ""), ("malen", "malte", ""), ("zeichnen", "zeichnete", ""),
    ("lesen", "las", ""), ("hüpfen", "hüpfte", ""), ("klettern", "kletterte", ""),
    ("laufen", "lief", ""), ("reden", "redete", ""), ("pfeifen", "pfiff", ""),
    ("summen", "summte", ""), ("klatschen", "klatschte", ""), ("plaudern", "plauderte", ""),
    ("rasten", "rastete", ""), ("warten", "wartete", ""), ("toben", "tobte", ""),
    ("turnen", "turnte", ""), ("graben", "grub", ""), ("backen", "backte", ""),
    ("kochen", "kochte", ""), ("basteln", "bastelte", ""), ("picknicken", "picknickte", ""),
    ("träumen", "träumte", ""), ("flüstern", "flüsterte", ""), ("kichern", "kicherte", ""),
    ("rutschen", "rutschte", ""), ("schaukeln", "schaukelte", ""),
    ("planschen", "planschte", ""), ("jubeln", "jubelte", ""), ("rudern", "ruderte", ""),
    ("wandern", "wanderte", ""), ("forschen", "forschte", ""), ("bauen", "baute", ""),
    ("rätseln", "rätselte", ""), ("staunen", "staunte", ""), ("musizieren", "musizierte", ""),
    ("trommeln", "trommelte", ""), ("jonglieren", "jonglierte", ""), ("sitzen", "saß", ""),
    ("ruhen", "ruhte", ""), ("reiten", "ritt", ""), ("tauchen", "tauchte", ""),
    ("segeln", "segelte", ""), ("zelten", "zeltete", ""), ("angeln", "angelte", ""),
    ("faulenzen", "faulenzte", ""), ("kuscheln", "kuschelte", ""), ("tuscheln", "tuschelte", ""),
    ("rodeln", "rodelte", ""), ("würfeln", "würfelte", ""), ("knobeln", "knobelte", ""),
)  # fmt: skip

# (infinitive, Präteritum 3sg, particle): take the object in the accusative
OBJ_VERBS = (
    ("finden", "fand", ""), ("aufheben", "hob", "auf"), ("tragen", "trug", ""),
    ("halten", "hielt", ""), ("waschen", "wusch", ""), ("putzen", "putzte", ""),
    ("polieren", "polierte", ""), ("abtrocknen", "trocknete", "ab"),
    ("berühren", "berührte", ""), ("umarmen", "umarmte", ""), ("hochheben", "hob", "hoch"),
    ("drehen", "drehte", ""), ("anschauen", "schaute", "an"), ("werfen", "warf", ""),
    ("fangen", "fing", ""), ("bürsten", "bürstete", ""), ("schmücken", "schmückte", ""),
    ("streicheln", "streichelte", ""), ("drücken", "drückte", ""), ("rollen", "rollte", ""),
    ("bewachen", "bewachte", ""), ("bewundern", "bewunderte", ""),
    ("untersuchen", "untersuchte", ""), ("prüfen", "prüfte", ""),
    ("abwischen", "wischte", "ab"), ("schütteln", "schüttelte", ""),
    ("verstecken", "versteckte", ""), ("reparieren", "reparierte", ""),
    ("anmalen", "malte", "an"), ("einpacken", "packte", "ein"), ("mitnehmen", "nahm", "mit"),
    ("festhalten", "hielt", "fest"), ("betrachten", "betrachtete", ""),
    ("bestaunen", "bestaunte", ""), ("beschützen", "beschützte", ""), ("säubern", "säuberte", ""),
)  # fmt: skip

ANIMAL_VERBS = (
    ("gähnen", "gähnte", ""), ("blinzeln", "blinzelte", ""), ("schnuppern", "schnupperte", ""),
    ("wackeln", "wackelte", ""), ("aufspringen", "sprang", "auf"), ("näherkommen", "kam", "näher"),
    ("hochschauen", "schaute", "hoch"), ("nicken", "nickte", ""), ("aufwachen", "wachte", "auf"),
    ("dösen", "döste", ""), ("schnaufen", "schnaufte", ""), ("fiepen", "fiepte", ""),
    ("zappeln", "zappelte", ""), ("gucken", "guckte", ""), ("aufschauen", "schaute", "auf"),
)  # fmt: skip

# adjective stems with regular endings (no rosa/lila, no dunkel/teuer)
OBJ_ADJS = (
    "rot", "blau", "grün", "gelb", "braun", "schwarz", "weiß", "grau", "golden", "silbern",
    "groß", "klein", "winzig", "riesig", "lang", "kurz", "rund", "weich", "hart", "glänzend",
    "alt", "neu", "hübsch", "lustig", "seltsam", "schön", "hell", "bunt", "schwer", "leicht",
    "warm", "kühl", "sauber", "schmutzig", "glatt", "flauschig", "gestreift", "gepunktet",
    "hölzern", "wollig", "glitzernd", "dünn", "dick", "laut", "leise", "fein", "einfach",
    "witzig", "komisch", "klebrig", "zauberhaft", "prächtig", "kostbar", "niedlich",
    "merkwürdig", "praktisch", "wunderbar", "schlicht",
)  # fmt: skip

GOOD_FEELINGS = (
    "froh", "glücklich", "stolz", "ruhig", "fröhlich", "dankbar", "aufgeregt", "erleichtert",
    "zufrieden", "begeistert", "munter", "vergnügt", "heiter", "selig", "entspannt",
)  # fmt: skip

BAD_FEELINGS = (
    "traurig", "einsam", "unglücklich", "verletzt", "wütend", "besorgt", "enttäuscht",
    "ängstlich", "bedrückt", "betrübt", "mürrisch", "verzweifelt", "niedergeschlagen",
    "beleidigt", "verärgert",
)  # fmt: skip

WEATHER = (
    "sonnig", "regnerisch", "windig", "wolkig", "kalt", "heiß", "neblig", "stürmisch", "frostig",
    "klar", "herbstlich", "sommerlich", "winterlich", "trüb", "verschneit",
)  # fmt: skip

TRAITS = (
    "freundlich", "klug", "schüchtern", "neugierig", "lieb", "sanft", "höflich", "vorsichtig",
    "hilfsbereit", "mutig", "fleißig", "frech", "schlau", "verspielt", "nett",
)  # fmt: skip

TEMPLATES = {
    "intro": (
        "Es war einmal {hero.kind} namens {hero}. {hero.er} hatte {obj.ein.akk.adj}.",
        "An einem {weather.en} Morgen fand {hero} {obj.ein.akk.adj} unter dem Bett.",
        "{hero} hatte {obj.ein.akk.adj}. {hero.er} mochte {obj.ihn} sehr.",
        "{hero} bekam von der Oma {obj.ein.akk.adj}. Es war ein {weather.er} Tag.",
        "Es war ein {weather.er} Tag. {hero} saß am Fenster und hielt {obj.ein.akk.adj} in der Hand.",
        "{hero} war sehr {trait}. Jeden Tag spielte {hero.er} mit {obj.ein.dat.adj}.",
        "{hero} war {hero.kind} und wohnte in einem kleinen Haus. {hero.er} hatte {obj.ein.akk.adj}.",
    ),
    "go": (
        "Eines Tages ging {hero} mit {obj.der.dat} {place.wohin}.",
        "Später ging {hero.er} {place.wohin} und nahm {obj.ihn} mit.",
        "{hero} wollte allen {obj.der.akk} zeigen, also ging {hero.er} {place.wohin}.",
        "Nach dem Frühstück ging {hero} {place.wohin}, weil {hero.er} dort mit {obj.der.dat} "
        "spielen wollte.",
        "{hero} ging {place.wohin}. {hero.er} hielt {obj.der.akk} fest in der Hand.",
    ),
    "meet_friend": (
        "Dort traf {hero.er} {friend}.",
        "{place.wo} traf {hero} {friend}.",
        "{friend} war schon da und winkte {hero}.",
        "Bald kam {friend} vorbei und sagte: „Hallo, {hero}!“",
        "{hero} traf {friend} unter einem großen Baum.",
    ),
    "meet_animal": (
        "Unter einem Baum sah {hero} {animal.ein.akk}.",
        "Dann kam {animal.ein.nom} zu {hero}. {animal.er} {animv.prät}{animv.part}.",
        "Plötzlich hörte {hero.er} ein Geräusch. Es war {animal.ein.nom}!",
        "Am Weg saß {animal.ein.nom}. {animal.er} {animv.prät}{animv.part} und schaute {hero} an.",
    ),
    "detail": (
        "{hero} {verb.prät} {obj.der.akk.adj}{verb.part} und lächelte.",
        "{hero} {verb.prät} {obj.ihn} ganz vorsichtig{verb.part}.",
        "Zuerst {verb.prät} {hero} {obj.der.akk}{verb.part}.",
        "{hero} lachte, als {hero.er} {obj.der.akk} {verb.sub}.",
    ),
    "play": (
        "{hero} und {friend} {act.prätpl} zusammen.",
        "{friend} fragte: „Darf ich mit dir {act.inf}?“ „Ja!“, sagte {hero}.",
        "Die beiden {act.prätpl} lange {place.wo}.",
        "„Lass uns {act.inf}!“, rief {friend}, und {hero} lachte.",
    ),
    "play_animal": (
        "{hero} und {animal.der.nom} {act.prätpl} zusammen.",
        "{hero} {act.prät}, und {animal.der.nom} schaute zu.",
    ),
    "snack": (
        "{place.wo} aß {hero} {food.ein.akk}.",
        "Zum Mittagessen hatte {hero} {food.ein.akk} dabei.",
        "{hero} hatte Hunger, also aß {hero.er} {food.ein.akk}.",
    ),
    "kind_happy_friend": (
        "Dann rollte {obj.der.nom} in einen Busch. {friend} half {hero} beim Suchen, und bald "
        "fand {friend.er} {obj.ihn}.",
        "Oh nein, {hero} ließ {obj.der.akk} ins Wasser fallen! {friend} griff hinein und gab "
        "{obj.ihn} {hero} zurück.",
        "Als {hero} {obj.der.akk} verlor, sagte {friend}: „Keine Sorge, ich helfe dir.“ Nach "
        "einer Weile fand {friend.er} {obj.ihn} hinter einem Stein.",
    ),
    "kind_sad_friend": (
        "Dann fiel {obj.der.nom} in ein tiefes Loch. {friend} wollte helfen, aber {obj.er} war weg.",
        "Später verlor {hero} {obj.der.akk}. {friend} suchte überall mit {hero.ihm}, aber "
        "{obj.er} blieb verschwunden.",
        "Der Wind wehte {obj.der.akk} hoch in einen Baum. {friend} versuchte hinaufzuklettern, "
        "aber {friend.er} kam nicht an {obj.ihn} heran.",
    ),
    "unkind_happy_friend": (
        "Aber {friend} schnappte sich {obj.der.akk} und rief: „Das gehört jetzt mir!“ Später "
        "tat es {friend.ihm} leid, und {friend.er} gab {obj.ihn} {hero} zurück.",
        "{friend} lachte und sagte: „{obj.der.nom} ist doof!“ Aber dann entschuldigte "
        "{friend.er} sich, und {hero} verzieh {friend.ihm}.",
        "{friend} war gemein und versteckte {obj.der.akk}. Am Ende entschuldigte "
        "{friend.er} sich und gab {obj.ihn} zurück.",
    ),
    "unkind_sad_friend": (
        "Aber {friend} nahm {obj.der.akk} und lief weg. {friend.er} gab {obj.ihn} nie zurück.",
        "{friend} rief: „Geh weg, {hero}!“ und warf {obj.der.akk} in einen Busch. {hero} "
        "konnte {obj.ihn} nicht mehr finden.",
        "{friend} war nicht nett. {friend.er} trat auf {obj.der.akk}, und {obj.er} ging kaputt.",
    ),
    "kind_happy_animal": (
        "Dann rollte {obj.der.nom} weg. {animal.der.nom} lief hinterher und brachte {obj.ihn} "
        "{hero} zurück.",
        "{hero} verlor {obj.der.akk} im Gras. {animal.der.nom} schnupperte herum und fand {obj.ihn}.",
    ),
    "kind_sad_animal": (
        "Dann fiel {obj.der.nom} in ein tiefes Loch. {animal.der.nom} wollte helfen, aber "
        "{obj.er} war weg.",
        "Später verlor {hero} {obj.der.akk}. {animal.der.nom} suchte lange, aber {animal.er} "
        "fand {obj.ihn} nicht.",
    ),
    "unkind_happy_animal": (
        "Plötzlich schnappte sich {animal.der.nom} {obj.der.akk} und rannte weg. {hero} lief "
        "{animal.ihm} nach und bekam {obj.ihn} zurück.",
        "{animal.der.nom} hielt {obj.der.akk} fest und wollte {obj.ihn} nicht hergeben. Endlich "
        "ließ {animal.er} {obj.ihn} los, und {hero} lachte.",
    ),
    "unkind_sad_animal": (
        "Plötzlich schnappte sich {animal.der.nom} {obj.der.akk} und rannte weg. {hero} sah "
        "{obj.ihn} nie wieder.",
        "{animal.der.nom} sprang auf {obj.der.akk}, und {obj.er} ging kaputt.",
    ),
    "end_happy": (
        "{hero} war sehr {feel}.",
        "Am Ende war {hero} {feel}.",
        "Am Abend ging {hero} nach Hause, müde und {feel}.",
        "{hero} lächelte. {hero.er} war den ganzen Tag {feel}.",
    ),
    "end_sad": (
        "{hero} war sehr {feel}.",
        "{hero} ging allein nach Hause und war {feel}.",
        "In der Nacht war {hero} {feel} und konnte nicht schlafen.",
        "{hero} weinte. {hero.er} war so {feel}.",
    ),
    "d_open": (
        "{hero} ging mit {obj.ein.dat.adj} {place.wohin}. Dort traf {hero.er} {friend}.",
        "An einem {weather.en} Tag nahm {hero} {obj.ein.akk.adj} und ging {place.wohin}. "
        "{friend} war auch da.",
    ),
    "d_kind": (
        "„Schau mal, {friend}!“, sagte {hero}. „Gefällt dir {obj.der.nom.adj}?“\n"
        "„Ja, {obj.er} ist sehr schön!“, sagte {friend}.",
        "„Hallo, {hero}!“, sagte {friend}. „Darf ich {obj.der.akk} halten?“\n"
        "„Na klar!“, sagte {hero} und gab {obj.ihn} {friend.ihm}.",
        "„Willst du mit mir {act.inf}?“, fragte {hero}.\n„Ja, gern!“, sagte {friend}.",
    ),
    "d_unkind": (
        "„Gib mir {obj.der.akk}!“, rief {friend}.\n„Nein, {obj.er} gehört mir“, sagte {hero}.",
        "„{obj.der.nom} ist hässlich“, sagte {friend}.\n„Das ist nicht nett“, sagte {hero}.",
        "{friend} zog an {obj.der.dat}. „Ich will {obj.ihn} haben!“, rief {friend.er}.",
    ),
    "d_kind_happy": (
        "„Danke, {friend}!“, sagte {hero}. {hero.er} war {feel}.",
        "Die beiden {act.prätpl} zusammen, und {hero} war {feel}.",
    ),
    "d_kind_sad": (
        "Aber dann fiel {obj.der.nom} herunter und ging kaputt. „Oh nein!“, rief {hero}. "
        "{hero.er} war {feel}.",
        "Plötzlich fing es an zu regnen, und {hero} musste nach Hause gehen. {hero.er} war {feel}.",
    ),
    "d_unkind_happy": (
        "„Es tut mir leid“, sagte {friend} schließlich. {hero} lächelte und war {feel}.",
        "Dann sagte {friend}: „Entschuldigung. Lass uns zusammen {act.inf}.“ {hero} war {feel}.",
    ),
    "d_unkind_sad": (
        "{friend} lief mit {obj.der.dat} weg. {hero} war {feel}.",
        "{friend} ging weg und kam nicht zurück. {hero} war {feel}.",
    ),
}

QA = (
    ("place", "Wohin ging {hero}?", "{hero} ging {place.wohin}."),
    ("object", "Was hatte {hero}?", "{hero} hatte {obj.ein.akk.adj}."),
    ("object_adjective", "Was für {obj.ein.akk} hatte {hero}?", "{hero} hatte {obj.ein.akk.adj}."),
    ("friend", "Wen traf {hero}?", "{hero} traf {friend}."),
    (
        "animal",
        "Welches Tier kam in der Geschichte vor?",
        "In der Geschichte kam {animal.ein.nom} vor.",
    ),
    ("feeling", "Wie fühlte sich {hero} am Ende?", "Am Ende war {hero} {feel}."),
)

# Fragen zu einer Figur, jede mit dem Anfang einer Antwort, die das Modell fortsetzt.
UNKNOWN_QUESTIONS = (
    ("Wohin ging {hero}?", "{hero} ging"),
    ("Was hatte {hero}?", "{hero} hatte"),
    ("Wen traf {hero}?", "{hero} traf"),
)
