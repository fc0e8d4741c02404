"""Vocabulary of the scene: settings, time of day, weather, styles, camera moves, sound cues."""

from __future__ import annotations

from gen_engine.catalogue import PLACES
from gen_engine.director.terms import CAMERA, KIND, SETTING, SOUND, STYLE, TIME, WEATHER, Term


def _terms(category: str, rows: tuple[tuple[str, tuple[str, ...], str], ...]) -> tuple[Term, ...]:
    return tuple(
        Term(category=category, name=name, synonyms=synonyms, description=description)
        for name, synonyms, description in rows
    )


# fmt: off
SETTINGS: tuple[Term, ...] = tuple(
    Term(category=SETTING, name=p.name, synonyms=p.synonyms, description=p.description)
    for p in PLACES
)

TIMES: tuple[Term, ...] = _terms(TIME, (
    ("day", ("daytime", "morning", "noon", "afternoon", "midday", "daylight", "broad daylight"),
     "the middle of the day in bright daylight"),
    ("dawn", ("sunrise", "daybreak", "early morning", "first light", "sunup"),
     "dawn, early morning when the sun rises"),
    ("sunset", ("dusk", "evening", "golden hour", "twilight", "sundown"),
     "sunset, the evening when the sun goes down"),
    ("night", ("nighttime", "night time", "midnight", "moonlight", "moonlit", "starry",
               "under the stars", "late night", "tonight", "starlight", "darkness", "moon",
               "full moon"),
     "night, when it is dark after the sun has set, with moon and stars"),
))

WEATHERS: tuple[Term, ...] = _terms(WEATHER, (
    ("clear", ("sunny", "sunshine", "clear sky", "cloudless", "blue sky", "fair weather"),
     "clear sunny weather"),
    ("rain", ("rainy", "raining", "rainstorm", "downpour", "drizzle", "drizzling", "storm",
              "stormy", "thunderstorm", "monsoon", "puddles", "wet"),
     "rain falling from the sky"),
    ("snow", ("snowy", "snowing", "snowfall", "snowflakes", "snowstorm", "blizzard", "falling snow",
              "sleet", "flurries"),
     "snow falling from the sky"),
    ("fog", ("foggy", "mist", "misty", "haze", "hazy", "smog", "smoky"),
     "thick fog or mist"),
    ("wind", ("windy", "breeze", "breezy", "gust", "gusty", "gale", "blustery", "hurricane",
              "tornado", "howling wind"),
     "strong wind blowing"),
))

STYLES: tuple[Term, ...] = _terms(STYLE, (
    ("cinematic", ("film", "movie", "realistic", "photorealistic", "hollywood", "epic",
                   "blockbuster", "photographic", "live action"),
     "cinematic realistic film look"),
    ("anime", ("manga", "studio ghibli", "ghibli", "japanese animation", "chibi"),
     "japanese anime animation style"),
    ("claymation", ("clay animation", "plasticine", "clay", "aardman", "play-doh", "stop motion"),
     "claymation, stop-motion animation with clay figures"),
    ("watercolor", ("watercolour", "painted", "painting", "painterly", "aquarelle", "gouache"),
     "a soft watercolor painting"),
    ("neon", ("cyberpunk", "synthwave", "vaporwave", "glowing lights", "retrowave",
              "blade runner"),
     "neon lights glowing in the dark, cyberpunk"),
    ("noir", ("film noir", "black and white", "monochrome", "b&w", "black-and-white",
              "grayscale", "greyscale"),
     "black and white film noir with hard shadows"),
    ("pixel", ("pixel art", "8-bit", "16-bit", "8 bit", "16 bit", "retro game", "pixelated",
               "video game", "arcade"),
     "retro pixel art like an old video game"),
    ("cartoon", ("cartoonish", "animated", "toon", "comic", "comic book", "2d animation",
                 "pixar", "disney"),
     "a colourful cartoon animation"),
    ("sketch", ("pencil", "drawing", "hand-drawn", "hand drawn", "charcoal", "line art",
                "doodle", "storyboard"),
     "a pencil sketch drawing"),
))

CAMERAS: tuple[Term, ...] = _terms(CAMERA, (
    ("static", ("still camera", "locked off", "locked-off", "tripod", "fixed camera",
                "stationary camera", "static shot", "static camera"),
     "the camera stays still and does not move"),
    ("pan", ("panning", "tracking shot", "pan across", "pan left", "pan right",
             "tracking", "camera follows"),
     "the camera turns sideways, panning across the scene"),
    ("tilt", ("tilting", "tilt up", "tilt down", "tilts up", "tilts down"),
     "the camera tilts up or down"),
    ("dolly in", ("zoom in", "push in", "close up", "closeup", "close-up", "moves closer",
                  "dolly-in", "zooms in", "pushes in", "zooming in"),
     "the camera moves forward, pushing in closer to the subject"),
    ("dolly out", ("zoom out", "pull back", "pull out", "pulls away", "wide shot", "dolly-out",
                   "zooms out", "pulls back", "zooming out", "reveal"),
     "the camera moves backward, pulling away from the subject"),
    ("orbit", ("orbiting", "circles around", "360", "arc shot", "revolves around",
               "circling", "turntable"),
     "the camera circles around the subject"),
    ("handheld", ("hand-held", "shaky", "shaky cam", "found footage", "documentary",
                  "vlog", "selfie", "phone footage", "pov", "first person"),
     "a shaky handheld camera"),
    ("slow motion", ("slow-motion", "slow-mo", "slowmo", "slo-mo", "bullet time",
                     "high speed camera"),
     "slow motion footage"),
))

SOUNDS: tuple[Term, ...] = _terms(SOUND, (
    ("thunder", ("thunderclap", "lightning", "thunder rumbling", "rumble of thunder"),
     "the rumble of thunder"),
    ("barking", ("bark", "woof", "growl", "yap", "bow wow"),
     "a dog barking"),
    ("meowing", ("meow", "miaow", "purr", "purring"),
     "a cat meowing"),
    ("birdsong", ("chirp", "chirping", "tweet", "tweeting", "birds singing", "bird song"),
     "birds singing and chirping"),
    ("neighing", ("neigh", "whinny", "whinnying"),
     "a horse neighing"),
    ("applause", ("applaud", "clap", "clapping", "cheer", "cheering", "ovation"),
     "an audience clapping and cheering"),
    ("sirens", ("siren", "police siren", "ambulance", "fire truck", "alarm"),
     "police sirens wailing"),
    ("waves", ("crashing waves", "ocean waves", "surf sound", "waves crashing", "the waves"),
     "ocean waves crashing on the shore"),
    ("traffic", ("honk", "honking", "horn", "car horn", "horns", "rush hour"),
     "city traffic noise with car horns"),
    ("crowd", ("chatter", "murmur", "audience", "crowded", "busy crowd"),
     "the murmur of a crowd of people"),
    ("laughter", ("laugh", "laughing", "giggle", "giggling", "chuckle", "chuckling"),
     "people laughing"),
    ("music", ("song", "melody", "guitar", "piano", "drums", "band", "beat", "soundtrack",
               "orchestra", "violin", "tune"),
     "music playing"),
    ("engine", ("revving", "rev", "motor", "engine roar", "vroom"),
     "an engine revving"),
    ("bells", ("bell", "chime", "chimes", "ringing", "church bells", "doorbell"),
     "bells ringing"),
    ("croaking", ("croak", "ribbit", "croaks"), "a frog croaking"),
    ("quacking", ("quack", "quacks"), "a duck quacking"),
    ("mooing", ("moo", "moos", "lowing"), "a cow mooing"),
    ("roaring", ("roar", "roars", "roared"), "a lion or a beast roaring"),
    ("howling", ("howl", "howls", "howled"), "a wolf howling"),
    ("hooting", ("hoot", "hoots", "hooted"), "an owl hooting"),
    ("buzzing", ("buzz", "buzzes", "buzzed", "humming bees"), "bees or insects buzzing"),
    ("oinking", ("oink", "oinks", "snort", "snorting"), "a pig oinking"),
    ("bleating", ("bleat", "bleats", "baa", "baaing"), "a sheep or goat bleating"),
    ("clucking", ("cluck", "clucks", "crowing", "cock a doodle doo"), "a hen clucking"),
    ("hissing", ("hiss", "hisses", "hissed"), "a snake or a cat hissing"),
    ("trumpeting", ("trumpet", "trumpets", "trumpeted"), "an elephant trumpeting"),
    ("squeaking", ("squeak", "squeaks", "squeal", "squealing"), "a mouse squeaking"),
))
# fmt: on

# Phrases that bring other terms along, as (category, name): "thunderstorm" is rain + thunder.
PHRASE_IMPLIES: dict[str, tuple[tuple[str, str], ...]] = {
    "thunderstorm": ((SOUND, "thunder"),),
    "storm": ((SOUND, "thunder"),),
    "stormy": ((SOUND, "thunder"),),
    "lightning": ((WEATHER, "rain"),),
    "blizzard": ((WEATHER, "snow"),),
    "fire truck": ((KIND, "car"),),
    "police car": ((SOUND, "sirens"),),
    "traffic": ((SETTING, "city street"),),
    "sirens": ((SETTING, "city street"),),
    "skate": ((KIND, "board"),),
    "surfer": ((KIND, "board"),),
    "skater": ((KIND, "board"),),
    "skateboarder": ((KIND, "board"),),
    "snowboarder": ((KIND, "board"),),
    "cyclist": ((KIND, "bike"),),
    "biker": ((KIND, "bike"),),
    "skateboarding": ((KIND, "board"),),
    "surf": ((KIND, "board"),),
    "snowboarding": ((KIND, "board"),),
    "cycle": ((KIND, "bike"),),
    "cycling": ((KIND, "bike"),),
    "biking": ((KIND, "bike"),),
    "pedal": ((KIND, "bike"),),
    "kitchen counter": ((SETTING, "kitchen"),),
    "sofa": ((SETTING, "living room"),),
    "couch": ((SETTING, "living room"),),
    "bed": ((SETTING, "bedroom"),),
    "kitchen island": ((SETTING, "kitchen"),),
    "park bench": ((SETTING, "park"),),
    "basketball hoop": ((SETTING, "basketball court"),),
    "soccer goal": ((SETTING, "soccer field"),),
    "guitar": ((SOUND, "music"),),
    "violin": ((SOUND, "music"),),
    "drum": ((SOUND, "music"),),
    "drums": ((SOUND, "music"),),
    "ambulance": ((SOUND, "sirens"),),
    "fire engine": ((SOUND, "sirens"),),
}
