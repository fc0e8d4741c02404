"""Places: every setting the director can choose, what its ground is made of, and the recipe
(gen_engine.render.scenery) its background is painted from, with that place's own colours.

A line reads `name/synonym/... | recipe | ground | near ground colour | far ground colour |
accent colour | description`. The accent is the recipe's main colour: the wall of a room, the
water of a lake, the leaves of a forest, the rock of a canyon.
"""

from __future__ import annotations

from dataclasses import dataclass

Colour = tuple[int, int, int]


@dataclass(frozen=True)
class Place:
    name: str
    synonyms: tuple[str, ...]
    recipe: str
    ground: str  # a ground material of gen_engine.physics.materials
    near: Colour
    far: Colour
    accent: Colour
    description: str

    @property
    def indoor(self) -> bool:
        return self.recipe in INDOOR_RECIPES


INDOOR_RECIPES = frozenset({"studio", "room", "kitchen", "court", "stage", "subway", "cave"})
RECIPES = frozenset({"beach", "city", "forest", "park", "field", "snow", "desert", "mountains",
                     "space", "moon", "underwater", "water", "road"}) | INDOOR_RECIPES  # fmt: skip


def _colour(text: str) -> Colour:
    r, g, b = (int(v) for v in text.split(","))
    return r, g, b


def _rows(text: str) -> tuple[Place, ...]:
    rows = []
    for line in text.strip().splitlines():
        names, recipe, ground, near, far, accent, description = (p.strip() for p in line.split("|"))
        first, *rest = (n.strip() for n in names.split("/"))
        rows.append(Place(first, tuple(rest), recipe, ground, _colour(near), _colour(far),
                          _colour(accent), description))  # fmt: skip
    return tuple(rows)


# fmt: off
PLACES: tuple[Place, ...] = _rows("""
beach/seashore/shore/sand/sandy beach/coast/boardwalk/bay/lagoon/tropical island/island/waterfront | beach | sand | 225,200,150 | 235,215,170 | 40,130,175 | a sandy beach by the sea with waves
city street/city/street/downtown/sidewalk/alley/avenue/town/crosswalk/urban/new york/manhattan/tokyo/paris/london | city | asphalt | 55,55,60 | 75,75,80 | 150,150,150 | a busy city street with buildings and traffic
forest/woods/grove/woodland edge/treeline/trees | forest | dirt | 70,60,40 | 60,85,45 | 35,95,45 | a forest full of tall trees
jungle/rainforest/tropical forest | forest | dirt | 60,55,30 | 40,80,35 | 20,110,40 | a dense green jungle
swamp/marsh/bog/wetland | forest | mud | 70,65,40 | 80,85,50 | 70,100,60 | a muddy swamp with murky water and reeds
kitchen/bakery/diner | kitchen | tile | 150,110,75 | 175,135,95 | 235,225,200 | a kitchen indoors where food is cooked
studio/white background/plain background/backdrop/photo studio/soundstage | studio | concrete | 118,118,122 | 200,200,205 | 225,225,230 | a plain indoor studio with a simple backdrop
space/outer space/galaxy/cosmos/nebula/zero gravity/asteroid | space | stone | 95,95,100 | 150,150,155 | 190,120,80 | outer space among stars and planets
moon/lunar surface/on the moon/moon landing | moon | stone | 140,140,145 | 175,175,180 | 70,120,200 | the grey dusty surface of the moon with the earth in a black sky
mars/red planet/martian desert | moon | sand | 170,85,50 | 195,110,70 | 230,170,120 | the red rocky surface of mars under a dusty sky
snow/tundra/winter/snowy field/snowfield/snowy landscape | snow | snow | 235,240,248 | 215,225,240 | 150,160,185 | a snowy landscape in winter
ski slope/ski resort/piste/snowy mountain/alps | snow | snow | 240,244,250 | 220,228,242 | 120,130,160 | a snowy ski slope on a mountain
arctic/north pole/glacier/antarctica/ice/iceberg/igloo/frozen lake | snow | ice | 215,235,245 | 195,220,240 | 170,210,235 | an arctic plain of ice and snow
desert/dunes/sand dunes/sahara/wasteland/oasis | desert | sand | 230,180,115 | 220,170,105 | 215,160,95 | a hot dry desert with sand dunes
canyon/grand canyon/badlands/mesa | desert | dirt | 200,120,70 | 180,105,60 | 170,80,50 | a red rock canyon with steep cliffs
savanna/savannah/safari/plains/prairie | field | grass | 190,170,90 | 200,180,100 | 150,140,70 | a golden grass savanna with lone trees
mountains/mountain/peak/summit/cliff/cliffs/mountain top/hills/hillside | mountains | stone | 95,130,75 | 110,140,85 | 110,115,135 | high mountains with rocky peaks
volcano/lava/volcanic | mountains | stone | 60,45,40 | 80,55,45 | 90,50,40 | a smoking volcano with glowing lava
park/lawn/yard/grass/city park | park | grass | 70,145,60 | 105,170,80 | 55,130,60 | a green park with grass and trees
garden/flower garden/backyard/greenhouse | park | grass | 75,150,60 | 110,175,85 | 200,90,140 | a garden with flowers and hedges
meadow/field/countryside/grassland/orchard/vineyard | field | grass | 90,160,65 | 130,180,90 | 100,150,80 | an open meadow of long grass
farm/barnyard/ranch/farmyard/barn | field | dirt | 120,100,60 | 140,150,80 | 170,50,40 | a farm with a red barn and a wooden fence
playground/schoolyard/play area | park | grass | 80,150,70 | 110,170,85 | 230,180,40 | a playground with slides and swings
campsite/campground/campfire/camping | forest | dirt | 85,75,50 | 70,95,55 | 40,90,50 | a campsite among trees
soccer field/football pitch/pitch/soccer pitch/football field/stadium/sports field | field | grass | 60,150,60 | 80,165,70 | 235,235,235 | a sports field with white lines and a stadium behind
golf course/putting green/golf green | field | grass | 80,170,70 | 110,185,90 | 60,140,60 | a golf course with a smooth green
lake/lakeside/pond/reservoir | water | water | 30,90,150 | 70,140,190 | 70,120,80 | a calm lake with hills on the far shore
sea/ocean/open sea/open water/high seas | water | water | 20,70,130 | 50,120,175 | 110,150,190 | the open sea with waves to the horizon
river/riverbank/stream/creek/canal/waterfall | water | water | 40,100,140 | 80,145,175 | 60,110,60 | a river flowing between green banks
swimming pool/pool/poolside/lido | water | water | 40,160,210 | 90,200,230 | 230,235,240 | a swimming pool with tiled edges
harbor/harbour/pier/dock/marina/port | water | water | 35,80,120 | 70,120,160 | 150,120,90 | a harbour with a wooden pier and moored boats
underwater/under the sea/under water/seabed/ocean floor/reef/coral reef/deep sea/sea floor/deep ocean | underwater | sand | 160,140,95 | 120,130,120 | 40,150,200 | underwater below the surface of the sea
aquarium/fish tank | underwater | sand | 200,190,150 | 170,170,150 | 60,170,210 | inside an aquarium tank with glass and plants
living room/house/home/apartment/indoors/lounge room/lounge/den | room | floor | 150,110,75 | 175,135,95 | 215,200,180 | a cosy living room inside a home
bedroom/kids room/nursery/dorm | room | floor | 160,120,85 | 180,140,100 | 190,200,225 | a bedroom with a window and soft light
bathroom/shower/restroom | room | tile | 210,215,220 | 225,230,235 | 200,225,230 | a tiled bathroom
office/workplace/cubicle/meeting room/boardroom | room | floor | 110,110,120 | 130,130,140 | 200,205,210 | an office with desks and windows
classroom/school/lecture hall/schoolroom | room | floor | 160,125,85 | 180,145,100 | 225,215,170 | a classroom with a chalkboard
library/bookstore/study | room | floor | 120,80,50 | 140,95,60 | 130,80,50 | a library lined with bookshelves
restaurant/cafe/coffee shop/bistro/bar/pub/pizzeria | room | floor | 120,80,55 | 140,95,65 | 170,100,70 | a warm restaurant with tables
supermarket/grocery store/shop/store/mall/market/marketplace | room | tile | 200,200,195 | 215,215,210 | 235,235,225 | a bright shop with shelves of goods
hospital/clinic/doctor's office | room | tile | 200,210,210 | 215,225,225 | 210,230,225 | a clean hospital ward
museum/art gallery/gallery/exhibition | room | floor | 170,160,150 | 185,175,165 | 235,230,220 | a museum hall with pictures on the walls
laboratory/lab/science lab | room | tile | 210,215,225 | 225,230,235 | 220,230,240 | a science laboratory with benches
space station/spaceship interior/spaceship/starship/spacecraft | room | metal | 90,95,110 | 110,115,130 | 170,180,200 | inside a space station with round windows onto the stars
castle/throne room/palace/great hall/dungeon | room | stone | 110,105,100 | 130,125,120 | 140,130,120 | a stone castle hall with banners
church/cathedral/chapel/temple | room | stone | 150,140,125 | 170,160,145 | 200,190,170 | a tall church nave with coloured windows
warehouse/factory/garage/workshop/hangar | room | concrete | 110,110,110 | 130,130,130 | 150,145,140 | a large warehouse with steel beams
attic/basement/cellar | room | floor | 110,85,60 | 125,95,70 | 150,120,90 | a dim attic under sloping beams
gym/gymnasium/fitness center/weight room | court | floor | 190,150,95 | 205,165,110 | 200,205,210 | an indoor gym with a wooden floor
basketball court/court/tennis court/volleyball court | court | floor | 200,140,80 | 210,155,95 | 120,140,190 | a basketball court with painted lines
skatepark/skate park/roller rink | court | concrete | 170,170,175 | 185,185,190 | 120,120,130 | a concrete skatepark with ramps
ice rink/skating rink/hockey rink | court | ice | 220,235,245 | 230,240,248 | 70,110,190 | an indoor ice rink with boards around it
bowling alley/arcade/casino/nightclub/disco/dance floor | court | floor | 60,40,70 | 80,50,90 | 200,60,160 | a neon-lit dance floor or arcade
stage/theater/theatre/concert/concert hall/auditorium/opera house/circus | stage | floor | 100,70,50 | 120,85,60 | 150,25,35 | a theatre stage with red curtains and a spotlight
subway/metro/underground/subway station/train station/railway station/platform station | subway | tile | 120,120,115 | 140,140,135 | 200,200,190 | a subway platform with tiled walls and rails
airport/terminal/departure lounge | subway | tile | 200,200,205 | 215,215,220 | 180,200,220 | an airport terminal with big windows
cave/cavern/mine/tunnel/grotto | cave | stone | 70,65,60 | 90,85,80 | 60,55,55 | a dark rocky cave
highway/road/country road/freeway/motorway/dirt road/empty road | road | asphalt | 60,60,65 | 80,80,85 | 100,150,80 | an open road through the countryside
race track/racetrack/speedway/circuit/running track/track | road | asphalt | 70,70,75 | 90,90,95 | 200,60,50 | a race track with striped kerbs and stands
parking lot/car park/gas station/petrol station | road | asphalt | 75,75,80 | 90,90,95 | 160,160,165 | a parking lot with painted bays
rooftop/roof/terrace/balcony | city | concrete | 120,120,125 | 140,140,145 | 150,150,150 | a city rooftop above the streets
village/town square/plaza/main street/old town | city | stone | 150,140,125 | 165,155,140 | 190,170,140 | a village square with old houses
bridge/golden gate | water | asphalt | 90,90,95 | 110,110,115 | 190,70,50 | a bridge over the water
""")
# fmt: on
