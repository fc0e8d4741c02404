"""Props and creatures: each row is one noun (with its synonyms) drawn by a parametric figure.

A row reads: "name/synonym/...", figure, size in metres (diameter or longest edge of an object,
height of a biped, body length of an animal), material (gen_engine.physics.materials), palette
(colour names the seed picks from when the prompt names none) and default action. The figure
decides the collision shape and how the renderer draws it, so every row is simulated and drawn.
"""

from __future__ import annotations

from dataclasses import dataclass

# Object figures and their (width, height) as multiples of the size.
FIGURES: dict[str, tuple[float, float]] = {
    "sphere": (1.0, 1.0),  # balls, fruit, rocks: a circle that rolls
    "disc": (1.0, 0.12),  # frisbees, plates, pancakes: thin and flat
    "slab": (1.0, 0.3),  # books, phones, laptops, trays
    "box": (1.0, 0.85),  # crates, gifts, chairs seen side-on
    "tall": (0.45, 1.0),  # bottles, cups, vases, lamps: standing upright
    "stick": (1.0, 0.1),  # bats, brooms, swords, umbrellas lying down
    "plank": (1.0, 0.05),  # paddleboards, sleds: long and thin, to stand or ride on
    "ring": (1.0, 1.0),  # tyres, donuts, hoops: a circle with a hole
    "kite": (0.8, 1.0),  # a diamond on a string that flies on the wind
}
OBJECT_FIGURES = frozenset(FIGURES)
CHARACTER_FIGURES = frozenset({"quadruped", "flyer", "swimmer", "biped"})
VEHICLE_FIGURES = frozenset({"car", "bike", "boat"})


@dataclass(frozen=True)
class Thing:
    name: str
    synonyms: tuple[str, ...]
    figure: str
    size: float
    material: str
    palette: tuple[str, ...]
    action: str

    @property
    def category(self) -> str:
        if self.figure in CHARACTER_FIGURES:
            return "character"
        if self.figure in VEHICLE_FIGURES:
            return "vehicle"
        return "object"


def _rows(figure: str, action: str, text: str) -> tuple[Thing, ...]:
    """One line per thing: `names | size | material | colours`."""
    rows = []
    for line in text.strip().splitlines():
        names, size, material, colours = (part.strip() for part in line.split("|"))
        first, *rest = names.split("/")
        rows.append(
            Thing(first, tuple(rest), figure, float(size), material, tuple(colours.split()), action)
        )
    return tuple(rows)


# fmt: off
_SPHERES = _rows("sphere", "bounce", """
basketball/basket ball | 0.24 | leather | orange
soccer ball/football/soccerball | 0.22 | leather | white
tennis ball | 0.067 | rubber | lime yellow
beach ball | 0.4 | plastic | red blue yellow
volleyball | 0.21 | leather | white yellow
baseball | 0.074 | leather | white
bowling ball | 0.22 | stone | black purple blue
golf ball | 0.043 | plastic | white
ping pong ball/table tennis ball | 0.04 | plastic | white orange
snowball | 0.12 | snow | white
marble | 0.02 | glass | blue green red
""") + _rows("sphere", "idle", """
apple | 0.08 | flesh | red green
tangerine/clementine | 0.08 | flesh | orange
melon/watermelon | 0.3 | flesh | green
pumpkin | 0.4 | flesh | orange
coconut | 0.15 | wood | brown
tomato | 0.07 | flesh | red
egg | 0.06 | glass | white tan
rock/boulder/pebble | 0.5 | stone | gray brown
globe/earth globe | 0.3 | plastic | blue
bubble/soap bubble | 0.15 | glass | cyan
cabbage/lettuce | 0.2 | flesh | green
onion | 0.08 | flesh | tan
potato | 0.09 | flesh | tan brown
peach | 0.07 | flesh | orange pink
lemon | 0.07 | flesh | yellow
cherry | 0.03 | flesh | red
meatball | 0.05 | flesh | brown
cookie jar | 0.2 | glass | tan
lantern/paper lantern | 0.3 | paper | red orange
disco ball/mirror ball | 0.3 | glass | silver
""")

_DISCS = _rows("disc", "idle", """
frisbee/flying disc | 0.27 | plastic | red yellow blue orange
plate/dish/saucer | 0.26 | ceramic | white
pancake/crepe | 0.18 | flesh | tan gold
omelette/omelet | 0.2 | flesh | yellow
pizza | 0.32 | flesh | orange red
coin | 0.03 | metal | gold silver
vinyl record/record | 0.3 | plastic | black
cd/compact disc | 0.12 | plastic | silver
lid/pot lid | 0.25 | metal | silver
pie/tart | 0.24 | flesh | tan
cake | 0.25 | flesh | pink white brown
cookie/biscuit | 0.08 | flesh | tan brown
tortilla | 0.25 | flesh | tan
shield | 0.7 | metal | silver red
hockey puck/puck | 0.076 | rubber | black
pillow/cushion | 0.5 | fabric | white blue pink
towel | 0.7 | fabric | white blue pink
blanket/quilt | 1.4 | fabric | red blue green
doormat | 0.7 | fabric | brown
leaf/autumn leaf | 0.1 | paper | green orange red
feather | 0.15 | paper | white
""")

_SLABS = _rows("slab", "idle", """
book/notebook/novel | 0.24 | paper | red blue green brown
phone/smartphone/cellphone | 0.15 | glass | black silver
laptop/computer | 0.35 | metal | silver gray
tablet/ipad | 0.25 | glass | black silver
tray | 0.45 | metal | silver
suitcase/luggage/briefcase | 0.6 | leather | black brown blue
backpack/rucksack/bag/schoolbag | 0.45 | fabric | red blue black green
purse/handbag/wallet | 0.25 | leather | brown black red
envelope/letter | 0.22 | paper | white
newspaper/magazine | 0.4 | paper | white
map | 0.6 | paper | tan
sign/signboard | 0.8 | wood | white yellow
painting/picture/poster | 0.7 | paper | blue gold
mirror | 0.6 | glass | silver
keyboard/piano keyboard | 1.0 | plastic | black white
remote/remote control | 0.2 | plastic | black
sandwich/burger/hamburger | 0.12 | flesh | tan brown
bread/loaf | 0.3 | flesh | tan brown
cheese | 0.15 | flesh | yellow
chocolate bar/chocolate | 0.15 | flesh | brown
brick/bricks | 0.22 | stone | red brown
domino | 0.05 | plastic | white black
guitar/ukulele | 1.0 | wood | brown red black
violin/fiddle | 0.6 | wood | brown
drum/drums/bongo | 0.4 | wood | red white
radio/boombox | 0.4 | plastic | black silver
video camera/camcorder | 0.15 | metal | black
pan/frying pan/skillet/wok | 0.3 | metal | black gray
pot/saucepan/cooking pot | 0.3 | metal | silver gray
basket/picnic basket | 0.4 | wood | tan brown
hat/cap/helmet | 0.3 | fabric | red blue black
shoe/sneaker/boot | 0.3 | leather | white black brown
glove/mitten | 0.25 | leather | brown
""")

_PLANKS = _rows("plank", "idle", """
sled/sledge/toboggan | 1.2 | wood | red brown
paddleboard/paddle board/sup/stand up paddleboard | 2.6 | foam | yellow blue white
bodyboard/boogie board | 1.0 | foam | blue yellow
""")

_BOXES = _rows("box", "idle", """
gift box/wrapped gift | 0.4 | paper | red gold blue
chest/treasure chest | 0.8 | wood | brown gold
chair/stool/armchair | 0.9 | wood | brown red
dice/die | 0.05 | plastic | white red
rubik's cube/puzzle cube | 0.06 | plastic | red
cooler/ice chest | 0.6 | plastic | blue white
tv/television | 1.0 | plastic | black
microwave/oven | 0.5 | metal | white silver
fridge/refrigerator | 0.8 | metal | white silver
washing machine | 0.6 | metal | white
toaster | 0.3 | metal | silver red
speaker/amplifier | 0.5 | wood | black
crate/wooden crate | 0.6 | wood | brown tan
tent | 2.0 | fabric | orange green blue
cage/birdcage | 0.5 | metal | gold silver
barrel/keg | 0.8 | wood | brown
bucket/pail | 0.3 | plastic | red blue yellow
sandcastle/sand castle | 0.6 | sand | tan
snowman | 1.4 | snow | white
statue/sculpture | 1.8 | stone | gray white
ice cube | 0.04 | ice | cyan
toy block/lego/building block | 0.1 | plastic | red yellow blue
sponge | 0.12 | foam | yellow
""")

_TALLS = _rows("tall", "idle", """
bottle/water bottle | 0.3 | glass | green blue
can/soda can/tin can | 0.12 | metal | red silver blue
cup/mug/teacup | 0.1 | ceramic | white red blue
wine glass/drinking glass | 0.15 | glass | cyan
vase | 0.35 | ceramic | blue white
jar | 0.2 | glass | cyan
lamp/lantern lamp | 0.6 | metal | gold white
candle/candles | 0.2 | wax | white red
trophy/cup trophy | 0.4 | metal | gold
traffic cone/cone | 0.7 | plastic | orange
trash can/bin/garbage can | 0.9 | metal | gray green
mailbox | 1.2 | metal | blue red
fire hydrant/hydrant | 0.8 | metal | red yellow
potted plant/plant/flower pot | 0.6 | ceramic | green
flower/flowers/rose/tulip/sunflower | 0.4 | flesh | red yellow pink purple
cactus | 1.2 | flesh | green
bush/shrub | 0.9 | flesh | green
mushroom | 0.2 | flesh | red white tan
ice cream/ice cream cone | 0.18 | flesh | pink white brown
popcorn | 0.2 | paper | red
milkshake/smoothie | 0.2 | glass | pink
coffee/latte | 0.12 | ceramic | white
juice | 0.15 | glass | orange
wine | 0.3 | glass | purple
thermos/flask | 0.3 | metal | silver
salt shaker/pepper shaker | 0.08 | glass | white
teapot/kettle | 0.25 | ceramic | white red
watering can | 0.4 | metal | green
fire extinguisher | 0.5 | metal | red
hourglass | 0.25 | glass | gold
rocket/firework/fireworks | 1.0 | metal | white red
microphone | 0.2 | metal | black silver
lighthouse | 6.0 | stone | white red
clock/alarm clock | 0.25 | plastic | white red
""")

_STICKS = _rows("stick", "idle", """
bat/baseball bat/cricket bat | 0.85 | wood | tan brown
stick/twig/branch | 0.8 | wood | brown
broom/mop | 1.3 | wood | brown yellow
sword/katana/sabre | 0.9 | metal | silver
wand/magic wand | 0.35 | wood | brown black
umbrella/parasol | 0.9 | fabric | red blue yellow black
pencil/pen/crayon | 0.18 | wood | yellow
paintbrush/brush | 0.25 | wood | red brown
spoon/fork/knife/spatula/ladle | 0.25 | metal | silver
chopsticks | 0.24 | wood | brown
baguette | 0.6 | flesh | tan
banana | 0.18 | flesh | yellow
carrot | 0.18 | flesh | orange
cucumber | 0.25 | flesh | green
hot dog/sausage | 0.18 | flesh | red brown
candy cane | 0.3 | plastic | red white
fishing rod/fishing pole | 2.0 | wood | brown black
hockey stick | 1.5 | wood | brown black
golf club | 1.0 | metal | silver
racket/tennis racket/racquet | 0.68 | metal | black blue
paddle/oar | 1.6 | wood | brown yellow
pole/flagpole | 2.0 | metal | silver
flag/banner | 1.0 | fabric | red blue white
rope/lasso | 1.5 | fabric | tan
ladder | 2.5 | wood | brown silver
beam/girder | 2.0 | wood | tan brown
hammer/wrench/screwdriver | 0.35 | metal | gray red
axe/shovel/rake | 1.0 | wood | brown silver
guitar neck/flute/clarinet | 0.6 | wood | black silver
telescope/binoculars | 0.6 | metal | black
scarf/ribbon | 1.2 | fabric | red blue
skis/ski | 1.7 | plastic | red blue
log/firewood | 1.2 | wood | brown
""")

_RINGS = _rows("ring", "roll", """
tire/tyre/wheel | 0.65 | rubber | black
hula hoop/hoop toy | 0.9 | plastic | pink purple green
donut/doughnut/bagel | 0.1 | flesh | pink tan brown
life ring/life buoy/lifebuoy | 0.75 | foam | orange white red
pool float/inner tube/rubber ring | 1.0 | plastic | pink yellow
wreath/garland | 0.5 | flesh | green
bracelet/necklace | 0.08 | metal | gold silver
""")

_FLYING = _rows("kite", "fly", """
kite/kites | 0.9 | fabric | red yellow blue green
paper plane/paper airplane | 0.3 | paper | white
drone/quadcopter | 0.4 | plastic | black white gray
""")

_QUADRUPEDS = _rows("quadruped", "idle", """
frog/toad | 0.12 | flesh | green lime
rabbit/bunny/hare | 0.4 | flesh | white brown gray
fox | 0.7 | flesh | orange
wolf | 1.1 | flesh | gray
bear/grizzly/polar bear | 1.8 | flesh | brown black white
lion/lioness | 1.8 | flesh | gold tan
tiger | 1.9 | flesh | orange
leopard/cheetah/jaguar/panther | 1.4 | flesh | gold tan black
cow/bull/calf/ox | 2.2 | flesh | white black brown
pig/piglet/hog | 1.2 | flesh | pink
sheep/lamb/ram | 1.2 | flesh | white
goat | 1.2 | flesh | white brown
deer/reindeer/moose/elk | 1.7 | flesh | brown tan
mouse/mice/rat/hamster | 0.12 | flesh | gray white brown
squirrel/chipmunk | 0.3 | flesh | brown gray
elephant | 3.2 | flesh | gray
giraffe | 2.6 | flesh | gold tan
zebra | 2.2 | flesh | white
donkey/mule | 1.6 | flesh | gray brown
camel/llama/alpaca | 2.0 | flesh | tan white
monkey/gorilla/chimpanzee/ape | 0.9 | flesh | brown black
panda/panda bear | 1.5 | flesh | white
koala | 0.7 | flesh | gray
kangaroo | 1.5 | flesh | brown tan
raccoon/badger/skunk | 0.7 | flesh | gray black
hedgehog/porcupine | 0.25 | flesh | brown
turtle/tortoise | 0.5 | flesh | green brown
lizard/gecko/iguana/chameleon | 0.3 | flesh | green lime
crocodile/alligator | 3.0 | flesh | green
dinosaur/t rex/trex/dino | 4.0 | flesh | green brown
dragon | 4.0 | flesh | red green purple
crab/lobster | 0.2 | flesh | red orange
spider/tarantula | 0.08 | flesh | black brown
ant/ants/beetle/ladybug | 0.02 | flesh | black red
snail/slug | 0.06 | flesh | tan
otter/beaver | 0.9 | flesh | brown
seal/sea lion/walrus | 1.8 | flesh | gray
""")

_FLYERS = _rows("flyer", "fly", """
bee/bees/wasp/bumblebee | 0.02 | flesh | yellow
butterfly/moth | 0.08 | flesh | orange blue purple
dragonfly/mosquito | 0.06 | flesh | teal
bat creature/flying bat/vampire bat | 0.3 | flesh | black
hummingbird | 0.1 | flesh | green teal
swan/goose/geese | 0.9 | flesh | white
flamingo | 1.0 | flesh | pink
""")

_SWIMMERS = _rows("swimmer", "swim", """
shark | 3.0 | flesh | gray
dolphin/porpoise | 2.2 | flesh | gray
whale/orca | 8.0 | flesh | navy black
octopus/squid | 0.6 | flesh | purple red
jellyfish | 0.4 | flesh | pink purple
seahorse | 0.15 | flesh | orange yellow
starfish | 0.2 | flesh | orange red
""")

_BIPEDS = _rows("biped", "idle", """
alien/martian/extraterrestrial | 1.4 | flesh | lime green
zombie | 1.75 | flesh | green gray
ghost/spirit/phantom | 1.7 | fabric | white
snow monster/yeti/bigfoot | 2.2 | flesh | white brown
elf/fairy/gnome/dwarf/goblin | 1.0 | flesh | green red
monster/ogre/troll/giant | 2.4 | flesh | green purple
vampire | 1.8 | flesh | black red
mermaid | 1.6 | flesh | teal
scarecrow | 1.8 | fabric | tan
teddy bear/teddy/plush toy/stuffed animal | 0.4 | fabric | brown tan
puppet/doll/action figure | 0.4 | cloth | red blue
""")

_VEHICLES = _rows("car", "drive", """
truck/lorry/pickup/pickup truck | 6.0 | metal | red white blue
bus/school bus | 10.0 | metal | yellow red
tractor | 3.5 | metal | green red
tank | 7.0 | metal | green
toy car/toy truck/model car | 0.3 | plastic | red blue yellow
train/tram/locomotive/subway train | 12.0 | metal | red silver
ambulance | 5.5 | metal | white
fire engine/fire truck | 8.0 | metal | red
go kart/kart/go cart | 1.8 | metal | red yellow
wagon/cart/trolley/shopping cart/stroller/pram | 1.0 | metal | red silver
""") + _rows("bike", "drive", """
wheelchair | 1.0 | metal | black silver
unicycle | 1.0 | metal | red black
""") + _rows("boat", "drive", """
surfboat/lifeboat | 5.0 | plastic | orange
submarine/sub | 10.0 | metal | yellow gray
""")
# fmt: on

THINGS: tuple[Thing, ...] = (
    _SPHERES + _DISCS + _SLABS + _PLANKS + _BOXES + _TALLS + _STICKS + _RINGS + _FLYING
    + _QUADRUPEDS + _FLYERS + _SWIMMERS + _BIPEDS + _VEHICLES
)  # fmt: skip
