"""English lexicon and templates for the tiny-stories generator (see models/data/stories.py).

Slots in templates: {hero}, {hero.he|him|his|kid}, {obj.a|the|theadj|it|noun|adj},
{animal.a|the|it}, {food.a}, {place.to|at|the}, {act.past|base}, {verb.past}, {animv.past},
{feel}, {weather}, {weather.a}, {trait}. Nouns are plain strings; "a"/"an" is computed.
"""

NAMES = (
    ("Mia", "f"), ("Emma", "f"), ("Lily", "f"), ("Sophie", "f"), ("Anna", "f"), ("Lucy", "f"),
    ("Grace", "f"), ("Ella", "f"), ("Rosie", "f"), ("Ruby", "f"), ("Sara", "f"), ("Molly", "f"),
    ("Daisy", "f"), ("Chloe", "f"), ("Nora", "f"), ("Amy", "f"), ("Zoe", "f"), ("Hannah", "f"),
    ("Maya", "f"), ("Jane", "f"), ("Kate", "f"), ("Poppy", "f"), ("Alice", "f"), ("Holly", "f"),
    ("Tom", "m"), ("Ben", "m"), ("Sam", "m"), ("Max", "m"), ("Jack", "m"), ("Leo", "m"),
    ("Tim", "m"), ("Noah", "m"), ("Oliver", "m"), ("Harry", "m"), ("Finn", "m"), ("Jake", "m"),
    ("Luke", "m"), ("Adam", "m"), ("Oscar", "m"), ("Theo", "m"), ("Henry", "m"), ("Danny", "m"),
    ("Peter", "m"), ("Billy", "m"), ("Charlie", "m"), ("Eric", "m"), ("Freddie", "m"), ("Joe", "m"),
)  # fmt: skip

# Never used by the generator: questions about them test hallucination.
RESERVED_NAMES = ("Zebulon", "Philomena", "Thaddeus", "Ottoline", "Ignatius", "Euphrasia")

ANIMALS = (
    "dog", "cat", "rabbit", "bird", "duck", "frog", "fox", "bear", "mouse", "horse", "cow", "pig",
    "sheep", "goat", "owl", "turtle", "fish", "lion", "tiger", "elephant", "monkey", "giraffe",
    "zebra", "squirrel", "hedgehog", "deer", "wolf", "goose", "hen", "chick", "puppy", "kitten",
    "pony", "donkey", "parrot", "penguin", "seal", "snail", "bee", "butterfly", "ant", "ladybug",
    "hamster", "lamb", "crab",
)  # fmt: skip

OBJECTS = (
    "ball", "kite", "doll", "teddy bear", "book", "hat", "box", "cup", "spoon", "bell", "drum",
    "toy car", "toy train", "boat", "balloon", "crayon", "pencil", "brush", "comb", "key", "lamp",
    "blanket", "pillow", "scarf", "sock", "shoe", "boot", "mitten", "umbrella", "bag", "basket",
    "bucket", "shovel", "bottle", "jar", "clock", "watch", "ring", "necklace", "button", "coin",
    "marble", "shell", "stone", "feather", "flower", "leaf", "stick", "rope", "ribbon", "puzzle",
    "picture", "map", "letter", "card", "drawing", "mirror", "candle", "plate", "bowl", "bike",
    "wagon", "sled", "robot", "rocket", "block", "whistle", "flute", "guitar", "trumpet", "crown",
    "wand", "mask", "backpack", "notebook", "sticker", "yo-yo", "spinning top", "jump rope",
    "compass", "lantern", "flag", "paint box",
)  # fmt: skip

FOODS = (
    "apple", "banana", "orange", "pear", "plum", "peach", "cherry", "grape", "strawberry", "lemon",
    "melon", "carrot", "potato", "tomato", "cookie", "cake", "pie", "sandwich", "muffin", "bun",
    "pancake", "egg", "cupcake", "donut", "pretzel", "biscuit", "candy", "lollipop", "ice cream",
    "cracker", "bagel", "waffle", "pizza", "sausage", "cucumber", "onion", "mango", "kiwi",
    "coconut", "pumpkin", "rice ball", "taco", "tart", "cheese roll", "corn cob",
)  # fmt: skip

# (noun, preposition for "where": in the park, on the beach, at the zoo, by the lake)
PLACES = (
    ("park", "in"), ("garden", "in"), ("forest", "in"), ("woods", "in"), ("beach", "on"),
    ("lake", "by"), ("river", "by"), ("sea", "by"), ("hill", "on"), ("mountain", "on"),
    ("farm", "on"), ("zoo", "at"), ("school", "at"), ("library", "in"), ("market", "at"),
    ("shop", "in"), ("bakery", "at"), ("kitchen", "in"), ("yard", "in"), ("meadow", "in"),
    ("field", "in"), ("playground", "at"), ("pond", "by"), ("bridge", "on"), ("harbor", "at"),
    ("station", "at"), ("castle", "in"), ("village", "in"), ("town", "in"), ("island", "on"),
    ("cave", "in"), ("barn", "in"), ("museum", "in"), ("square", "in"), ("camp", "at"),
    ("pool", "at"), ("attic", "in"), ("treehouse", "in"), ("orchard", "in"), ("stream", "by"),
)  # fmt: skip

# (base, past): things children do, alone or together
ACT_VERBS = (
    ("play", "played"), ("sing", "sang"), ("dance", "danced"), ("run", "ran"), ("jump", "jumped"),
    ("swim", "swam"), ("laugh", "laughed"), ("draw", "drew"), ("paint", "painted"),
    ("read", "read"), ("hop", "hopped"), ("skip", "skipped"), ("climb", "climbed"),
    ("race", "raced"), ("walk", "walked"), ("talk", "talked"), ("play tag", "played tag"),
    ("play catch", "played catch"), ("build a sandcastle", "built a sandcastle"),
    ("whistle", "whistled"), ("hum", "hummed"), ("clap", "clapped"), ("spin", "spun"),
    ("count stars", "counted stars"), ("tell stories", "told stories"),
    ("build a fort", "built a fort"), ("have a picnic", "had a picnic"), ("rest", "rested"),
    ("explore", "explored"), ("giggle", "giggled"), ("march", "marched"),
    ("wander", "wandered"), ("splash", "splashed"), ("slide", "slid"), ("swing", "swung"),
    ("bounce", "bounced"), ("cheer", "cheered"), ("play music", "played music"),
    ("paddle", "paddled"), ("dig", "dug"), ("bake", "baked"), ("cook", "cooked"),
    ("chat", "chatted"), ("play games", "played games"), ("pick flowers", "picked flowers"),
    ("watch the clouds", "watched the clouds"), ("feed the ducks", "fed the ducks"),
    ("play hide and seek", "played hide and seek"), ("skate", "skated"), ("row", "rowed"),
    ("jog", "jogged"), ("doodle", "doodled"), ("twirl", "twirled"), ("tiptoe", "tiptoed"),
)  # fmt: skip

# (base, past): things done to the object; all take a direct object ("found it")
OBJ_VERBS = (
    ("find", "found"), ("carry", "carried"), ("hold", "held"), ("wash", "washed"),
    ("clean", "cleaned"), ("polish", "polished"), ("dry", "dried"), ("touch", "touched"),
    ("hug", "hugged"), ("lift", "lifted"), ("turn", "turned"), ("look at", "looked at"),
    ("toss", "tossed"), ("catch", "caught"), ("brush", "brushed"), ("decorate", "decorated"),
    ("smell", "smelled"), ("tap", "tapped"), ("pat", "patted"), ("squeeze", "squeezed"),
    ("roll", "rolled"), ("balance", "balanced"), ("guard", "guarded"), ("admire", "admired"),
    ("examine", "examined"), ("check", "checked"), ("wipe", "wiped"), ("shake", "shook"),
    ("keep", "kept"), ("hide", "hid"), ("fix", "fixed"), ("wrap", "wrapped"),
    ("dust", "dusted"), ("show", "showed"), ("stroke", "stroked"),
)  # fmt: skip

# (base, past): what an animal does when it shows up
ANIMAL_VERBS = (
    ("yawn", "yawned"), ("blink", "blinked"), ("sniff the air", "sniffed the air"),
    ("wiggle", "wiggled"), ("sit down", "sat down"), ("lie down", "lay down"),
    ("roll over", "rolled over"), ("turn around", "turned around"), ("come closer", "came closer"),
    ("look up", "looked up"), ("stretch", "stretched"), ("squeak", "squeaked"), ("nod", "nodded"),
    ("wait", "waited"), ("wake up", "woke up"), ("peek", "peeked"),
)  # fmt: skip

OBJ_ADJS = (
    "red", "blue", "green", "yellow", "pink", "purple", "orange", "brown", "black", "white", "gray",
    "golden", "silver", "big", "small", "little", "tiny", "huge", "long", "short", "round", "soft",
    "hard", "shiny", "old", "new", "pretty", "funny", "strange", "special", "lovely", "bright",
    "dark", "heavy", "light", "warm", "clean", "dirty", "smooth", "fluffy", "striped", "spotted",
    "magic", "wooden", "woolly", "sparkly", "colorful", "thin", "noisy", "fancy", "plain", "lucky",
    "silly", "odd", "bumpy", "sticky", "squeaky", "cute", "perfect", "simple",
)  # fmt: skip

GOOD_FEELINGS = (
    "happy", "glad", "proud", "calm", "cheerful", "joyful", "thankful", "excited", "relieved",
    "delighted", "safe", "cozy", "hopeful", "peaceful", "merry", "pleased", "content",
)  # fmt: skip

BAD_FEELINGS = (
    "sad", "lonely", "upset", "unhappy", "gloomy", "miserable", "hurt", "angry", "grumpy",
    "worried", "sorry", "tearful", "scared", "cross", "heartbroken", "disappointed",
)  # fmt: skip

WEATHER = (
    "sunny", "rainy", "windy", "cloudy", "snowy", "foggy", "cold", "hot", "chilly", "stormy",
    "misty", "fine", "icy", "quiet", "busy",
)  # fmt: skip

TRAITS = (
    "kind", "clever", "shy", "curious", "friendly", "gentle", "polite", "careful", "sleepy",
    "helpful", "smart", "brave", "cheeky", "wise", "playful",
)  # fmt: skip

TEMPLATES = {
    "intro": (
        "Once upon a time, there was a {hero.kid} named {hero}. {hero.he} had {obj.a}.",
        "{hero} was a {trait} little {hero.kid}, and {hero.he} had {obj.a}.",
        "One {weather} morning, {hero} found {obj.a} under {hero.his} bed.",
        "{hero} had {obj.a}. {hero.he} loved {obj.it} very much.",
        "There once was a {hero.kid} called {hero}. Every day, {hero.he} played with {obj.a}.",
        "{hero} got {obj.a} from {hero.his} grandma. It was {weather.a} day.",
        "It was {weather.a} day. {hero} sat by the window with {obj.a}.",
    ),
    "go": (
        "One day, {hero} went {place.to} with {obj.the}.",
        "Later, {hero.he} went {place.to} and took {obj.it} along.",
        "{hero} wanted to show {obj.the} to everyone, so {hero.he} went {place.to}.",
        "After breakfast, {hero} went {place.to} and carried {obj.the} with {hero.him}.",
        "{hero} went {place.to}. {hero.he} held {obj.the} tight.",
    ),
    "meet_friend": (
        "There, {hero.he} met {hero.his} friend {friend}.",
        "{place.at}, {hero} met {friend}.",
        "{friend} was already there, and {friend.he} waved at {hero}.",
        'Soon, {friend} came by and said, "Hello, {hero}!"',
        "{hero} met {hero.his} friend {friend} near a big tree.",
    ),
    "meet_animal": (
        "Near a tree, {hero} saw {animal.a}.",
        "Then {animal.a} came up to {hero}. {animal.it} {animv.past}.",
        "Suddenly, {hero.he} heard a sound. It was {animal.a}!",
        "{animal.a} was sitting by the path. {animal.it} {animv.past} and looked at {hero}.",
    ),
    "detail": (
        "{hero} {verb.past} {obj.theadj} and smiled.",
        "{hero.he} {verb.past} {obj.it} very carefully.",
        "First, {hero} {verb.past} {obj.the}.",
    ),
    "play": (
        "{hero} and {friend} {act.past} together.",
        '{friend} asked, "Can I {act.base} with you?" "Yes!" said {hero}.',
        "The two friends {act.past} {place.at} for a long time.",
        '"Let\'s {act.base}!" said {friend}, and {hero} laughed.',
    ),
    "play_animal": (
        "{hero} and {animal.the} {act.past} together.",
        "{hero} {act.past}, and {animal.the} watched.",
    ),
    "snack": (
        "{hero} ate {food.a} {place.at}.",
        "For lunch, {hero} had {food.a}.",
        "{hero} was hungry, so {hero.he} ate {food.a}.",
    ),
    "kind_happy_friend": (
        "Then {obj.the} rolled into a bush. {friend} helped {hero} look for {obj.it}, and soon "
        "{friend.he} found {obj.it}.",
        "Oh no, {hero} dropped {obj.the} into the water! {friend} reached in and gave {obj.it} "
        "back to {hero}.",
        'When {hero} lost {obj.the}, {friend} said, "Don\'t worry, I will help you." After a '
        "while, {friend.he} found {obj.it} behind a rock.",
    ),
    "kind_sad_friend": (
        "Then {obj.the} fell into a deep hole. {friend} tried to help, but {obj.it} was gone.",
        "Later, {hero} lost {obj.the}. {friend} looked everywhere with {hero.him}, but {obj.it} "
        "was gone.",
        "The wind blew {obj.the} high into a tree. {friend} tried to climb up, but {friend.he} "
        "could not reach {obj.it}.",
    ),
    "unkind_happy_friend": (
        'But {friend} grabbed {obj.the} and said, "This is mine now!" Later, {friend.he} felt '
        "bad and gave {obj.it} back to {hero}.",
        '{friend} laughed and said, "{obj.the} is silly!" But then {friend.he} said sorry, and '
        "{hero} forgave {friend.him}.",
        "{friend} was mean and hid {obj.the}. In the end, {friend.he} said sorry and gave "
        "{obj.it} back.",
    ),
    "unkind_sad_friend": (
        "But {friend} took {obj.the} and ran away. {friend.he} never gave {obj.it} back.",
        '{friend} said, "Go away, {hero}!" and threw {obj.the} into a bush. {hero} could not '
        "find {obj.it}.",
        "{friend} was not nice. {friend.he} stepped on {obj.the} and broke {obj.it}.",
    ),
    "kind_happy_animal": (
        "Then {obj.the} rolled away. {animal.the} ran after {obj.it} and brought {obj.it} back "
        "to {hero}.",
        "{hero} lost {obj.the} in the grass. {animal.the} looked around and found {obj.it}.",
    ),
    "kind_sad_animal": (
        "Then {obj.the} fell into a deep hole. {animal.the} tried to help, but {obj.it} was gone.",
        "Later, {hero} lost {obj.the}. {animal.the} wanted to help, but {animal.it} could not "
        "find {obj.it}.",
    ),
    "unkind_happy_animal": (
        "Suddenly, {animal.the} grabbed {obj.the} and ran away. {hero} ran after {animal.it} "
        "and got {obj.it} back.",
        "{animal.the} took {obj.the} and would not let go. At last, {animal.it} dropped "
        "{obj.it}, and {hero} laughed.",
    ),
    "unkind_sad_animal": (
        "Suddenly, {animal.the} grabbed {obj.the} and ran away. {hero} never saw {obj.it} again.",
        "{animal.the} jumped on {obj.the} and broke {obj.it}.",
    ),
    "end_happy": (
        "{hero} was very {feel}.",
        "In the end, {hero} felt {feel}.",
        "That evening, {hero} went home, tired and {feel}.",
        "{hero} smiled. {hero.he} felt {feel} all day.",
    ),
    "end_sad": (
        "{hero} felt very {feel}.",
        "{hero} went home alone and felt {feel}.",
        "That night, {hero} was {feel} and could not sleep.",
        "{hero} cried. {hero.he} was so {feel}.",
    ),
    "d_open": (
        "{hero} went {place.to} with {obj.a}. There, {hero.he} met {friend}.",
        "One {weather} day, {hero} took {obj.a} and went {place.to}. {friend} was there too.",
    ),
    "d_kind": (
        '"Look, {friend}!" said {hero}. "Do you like {obj.theadj}?"\n'
        '"Yes, {obj.it} is very nice!" said {friend}.',
        '"Hello, {hero}!" said {friend}. "Can I hold {obj.the}?"\n'
        '"Of course," said {hero}, and gave {obj.it} to {friend.him}.',
        '"Do you want to {act.base} with me?" asked {hero}.\n"Yes, please!" said {friend}.',
    ),
    "d_unkind": (
        '"Give me {obj.the}!" shouted {friend}.\n"No, {obj.it} is mine," said {hero}.',
        '"{obj.the} is ugly," said {friend}.\n"That is not nice," said {hero}.',
        '{friend} pulled at {obj.the}. "I want {obj.it}!" {friend.he} said.',
    ),
    "d_kind_happy": (
        '"Thank you, {friend}!" said {hero}. {hero.he} felt {feel}.',
        "The two friends {act.past} together, and {hero} felt {feel}.",
    ),
    "d_kind_sad": (
        'But then {obj.the} fell and broke. "Oh no!" cried {hero}. {hero.he} felt {feel}.',
        "Just then, it started to rain, and {hero} had to go home. {hero.he} felt {feel}.",
    ),
    "d_unkind_happy": (
        '"I am sorry," said {friend} at last. {hero} smiled and felt {feel}.',
        'Then {friend} said, "Sorry. Let\'s {act.base} together." {hero} felt {feel}.',
    ),
    "d_unkind_sad": (
        "{friend} ran off with {obj.the}. {hero} felt {feel}.",
        "{friend} walked away and did not come back. {hero} felt {feel}.",
    ),
}

# (fact that must be present, question, answer); answers are rendered from the story's facts
QA = (
    ("place", "Where did {hero} go?", "{hero} went {place.to}."),
    ("object", "What did {hero} have?", "{hero} had {obj.a}."),
    (
        "object_adjective",
        "What was {hero}'s {obj.noun} like?",
        "{hero}'s {obj.noun} was {obj.adj}.",
    ),
    ("friend", "Who did {hero} meet?", "{hero} met {friend}."),
    ("animal", "Which animal was in the story?", "There was {animal.a} in the story."),
    ("feeling", "How did {hero} feel at the end?", "{hero} felt {feel}."),
)

# Questions about a character, each with the start of an answer that the model goes on with.
UNKNOWN_QUESTIONS = (
    ("Where did {hero} go?", "{hero} went"),
    ("What did {hero} have?", "{hero} had"),
    ("Who did {hero} meet?", "{hero} met"),
)
