# ruff: noqa: E501  (the rule patterns read best one alternative a line, however long)
"""Word rules for the prompt check, per policy category.

Each rule is a regex over the normalised word forms of a text (see `normalize.forms`: lowercase
words separated by single spaces). `STRONG` rules block; `WEAK` rules send the text to review
(teens: block). The minors rule is a combination: a minor cue together with any sexual cue is
always a block in the zero-tolerance category. Pure: no Django imports.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from moderation import policy
from moderation.normalize import name_pattern


def _alt(*terms: str) -> str:
    return r"\b(?:" + "|".join(terms) + r")\b"


# --- Minors ------------------------------------------------------------------------------------
_UNDER_18 = r"(?:[1-9]|1[0-7]|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen)"
MINOR_CUES = _alt(
    r"child(?:ren|s)?",
    r"kids?",
    r"kiddies?",
    r"kiddo",
    r"minors?",
    r"under ?age(?:d)?",
    r"under 18",
    r"pre ?teens?",
    r"tweens?",
    r"teens?",
    r"teenage(?:rs?|d)?",
    r"adolescents?",
    r"school ?(?:girls?|boys?|kids?|children)",
    r"toddlers?",
    r"bab(?:y|ies)",
    r"infants?",
    r"(?:little|young|small|tiny) (?:girls?|boys?|ones?|kids?|child)",
    r"boys?",
    r"juveniles?",
    r"(?:middle|elementary|primary|grade|junior high) school(?:er)?s?",
    r"kindergarten(?:er)?s?",
    r"daughters?",
    r"step ?daughters?",
    r"nieces?",
    r"sons?",
    r"pupils?",
    r"youngsters?",
    r"loli(?:s|con)?",
    r"shota(?:con)?",
    r"jail ?bait",
    r"girl scouts?",
    r"boy scouts?",
    r"cheerleaders? (?:in|at) (?:middle|high) school",
    r"high ?school(?:er)?s?",
    rf"{_UNDER_18} ?(?:years?|yrs?|yo|y ?o)(?: old)?",
    rf"aged? {_UNDER_18}",
    rf"{_UNDER_18} year old",
    r"barely legal",
    r"not yet 18",
    r"under eighteen",
    r"little (?:sister|brother|cousin)",
    # School years and bare ages said of a person: "a 7th grader", "she's 15", "maybe 12".
    r"(?:[1-9]|1[0-2])(?:st|nd|rd|th) grade(?:rs?)?",
    r"(?:first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|eleventh|twelfth) grade(?:rs?)?",
    r"(?:freshm[ae]n|sophomores?) in high school",
    rf"(?:she s|he s|they re|is|are|maybe|about|around|only|just|barely|aged?) {_UNDER_18}(?! (?:am|pm|dollars?|euros?|pounds?|minutes?|hours?|o clock|percent|feet|foot|meters?|metres?|miles?|km|kg))",
    r"lolitas?",
)
# Alone, these are already the zero-tolerance category.
CSAM_TERMS = _alt(
    r"loli(?:s|con)?",
    r"shota(?:con)?",
    r"jail ?bait",
    r"child ?porn\w*",
    r"kiddie ?porn\w*",
    r"cp (?:videos?|vids?|pics?|content|links?|style|stuff|clips?|material)",
    r"csam",
    r"pedo(?:phile|philia|philic|s)?",
    r"paedo(?:phile|philia|philic|s)?",
    r"preteen (?:model|nudes?)",
    r"pthc",
)

# --- Sexual ------------------------------------------------------------------------------------
SEXUAL_STRONG = _alt(
    r"nudes?",
    r"nudity",
    r"naked(?:ness)?",
    r"nakie",
    r"topless",
    r"bottomless",
    r"sex",
    r"sexual(?:ly|ity)?(?! (?:orientation|health education))",
    r"porn\w*",
    r"xxx",
    r"nsfw",
    r"erotic\w*",
    r"explicit(?! lyrics)",
    r"hentai",
    r"orgasm\w*",
    r"masturbat\w*",
    r"genitals?",
    r"genitalia",
    r"penis(?:es)?",
    r"vagina\w*",
    r"vulva",
    r"boobs?",
    r"tits",
    r"titties",
    r"nipples?",
    r"strippers?",
    r"strip ?tease",
    r"strip(?:s|ping|ped)? (?:for|naked|nude|down to nothing|off (?:her|his) clothes)",
    r"striptease",
    r"strip club",
    r"fetish\w*",
    r"bdsm",
    r"bondage",
    r"only ?fans",
    r"blow ?jobs?",
    r"hand ?jobs?",
    r"cum(?:shot|ming)?",
    r"horny",
    r"sexually aroused",
    r"aroused",
    r"intercourse",
    r"mak(?:e|es|ing) love",
    r"having sex",
    r"have sex",
    r"has sex",
    r"undress\w*",
    r"(?:takes?|taking|took|pull(?:s|ing)?) off (?:all )?(?:her|his|their|your|the)? ?(?:clothes|bra|panties|underwear|bikini|top|shirt and bra)",
    r"without (?:any )?(?:clothes|clothing)",
    r"no clothes",
    r"unclothed",
    r"clothes ?less",
    r"in the nude",
    r"skinny ?dipping",
    r"upskirt",
    r"camel ?toe",
    r"spread(?:s|ing)? (?:her|his|their) legs",
    r"bare (?:breasts?|butt|buttocks|ass|bottom|crotch)",
    r"exposed (?:breasts?|genitals|crotch|butt)",
    r"breasts? (?:exposed|out|bare)",
    r"flash(?:es|ing|ed)? (?:her|his|their) (?:breasts|boobs|chest|genitals|privates|butt)",
    r"rated x",
    r"adult (?:film|video|movie|content)",
    r"softcore",
    r"sex ?tape",
    r"sexting",
    r"booty call",
    r"one night stand",
    r"twerk\w* naked",
    r"wearing nothing",
    r"nothing on but",
    r"in (?:her|his|their) birthday suits?",
    r"fondl\w*",
    r"grop(?:e|es|ed|ing)",
    r"molest\w*",
    r"rap(?:e|es|ed|ing)",
    r"rapist",
    r"sexual(?:ly)? assault\w*",
    r"incest\w*",
    r"threesome",
    r"orgy",
    r"orgies",
    r"kinky",
    r"dildos?",
    r"vibrators?",
    r"sex toys?",
    r"escort service",
    r"prostitut\w*",
    r"hookers?",
    r"pole danc\w* (?:naked|topless)",
    r"wet t ?shirt",
    r"see through (?:top|shirt|dress|lingerie)",
    r"lap dances?",
    r"spank(?:s|ed|ing)? (?:her|him)",
    r"moan\w* (?:in pleasure|with pleasure)",
    r"suck(?:s|ing)? (?:his|her) (?:dick|cock|breasts?|nipples?)",
    r"(?:his|her|a) (?:dick|cock|pussy)",
)
SEXUAL_WEAK = _alt(
    r"sexy (?:woman|women|girls?|man|men|guys?|lad(?:y|ies)|babes?|body|bodies|poses?|posing|dance|dancing|outfit|nurse|teacher|maid|secretary|model|lingerie|photos?|photoshoot|selfie|video)",
    r"stripping",
    r"seductive(?:ly)?",
    r"seduc\w+",
    r"sensual(?:ly)?",
    r"lingerie",
    r"cleavage",
    r"provocative(?:ly)?",
    r"steamy",
    r"thongs?",
    r"panties",
    r"g ?string",
    r"bedroom eyes",
    r"flirt\w* suggestively",
    r"suggestive(?:ly)?",
    r"bra and panties",
    r"in (?:her|his|their) underwear",
    r"skimpy",
    r"hot babes?",
    r"busty",
    r"voluptuous",
    r"pole danc\w+",
    r"twerk\w*",
    r"shirtless (?:teen|boy)",
    r"kiss(?:es|ing)? passionately",
    r"makes? out",
    r"making out",
)
# With a minor cue these are sexual too ("sexy" alone also describes cars and shoes).
MINOR_SEXUAL_EXTRA = _alt(
    r"sexy",
    r"sexier",
    r"sexiest",
    r"hot body",
    r"flirty",
    r"stripping",
    r"breasts?",
    r"see ?through",
    r"nightie",
    r"negligee",
    r"flash(?:es|ing|ed)? (?:her|his|their)",
)
# With a minor cue, these make the zero-tolerance category too (not alone).
MINOR_SEXUALISING = _alt(
    r"underwear",
    r"bra",
    r"bikinis?",
    r"swimsuits?",
    r"in (?:a )?towel",
    r"bath(?:ing|tub)?",
    r"shower(?:ing)?",
    r"posing",
    r"poses?",
    r"kiss(?:es|ing)?",
    r"bed",
    r"alone with (?:a|an|the) (?:man|men|adult|stranger)",
    r"touch(?:es|ing|ed)?",
    r"massag\w+",
    r"undress\w*",
    r"changing room",
    r"dating (?:a|an) (?:man|woman|adult)",
    r"in bed together",
    r"sleepover with (?:a|an) (?:man|adult)",
    r"(?:tak\w*|pull\w*|strip\w*|remov\w*|lift\w*) (?:off |up |down )?(?:her|his|their) (?:shirt|top|skirt|dress|shorts|pants|trousers|clothes|towel|swimsuit|bikini)",
)
# The minor-sexualising words need more than a minor cue: an adult, a camera focus, or allure.
MINOR_SEXUALISING_CONTEXT = _alt(
    r"strangers?",
    r"older (?:man|men|guy|guys|woman)",
    r"adult (?:man|men|male|boyfriend)",
    r"grown (?:man|men|up)",
    r"camera (?:lingers|zooms)",
    r"close ?ups?",
    r"alluring",
    r"posing",
    r"poses?",
    r"erotic\w*",
    r"seductive\w*",
    r"sexy",
    r"provocative\w*",
    r"lingerie",
    r"sensual\w*",
    r"suggestive\w*",
    r"tight",
    r"revealing",
    r"boyfriend",
    r"girlfriend",
    r"lover",
    # Undressing slowly, suggestive poses, a camera as the audience.
    r"slowly",
    r"bend(?:s|ing)? over",
    r"(?:pulled|taken|ripped) (?:off|down)",
    r"make it (?:hot|spicy|steamy|sexy)",
    r"for the (?:cam|camera|webcam)",
)

# --- Violence ----------------------------------------------------------------------------------
_PEOPLE = r"(?:all (?:the |those |of the )?|a |an |the |his |her |their |some |two |three |many |several |every )?(?:man|men|woman|women|person|people|child|children|kids?|baby|babies|(?:(?<=\ba )|(?<=\bthe )|(?<=\bhis )|(?<=\bher )|(?<=\btheir )|(?<=\bsome )|(?<=\bevery )|(?<=\bwhole ))(?:family|crowd)|families|victims?|hostages?|prisoners?|civilians?|crowds|students?|teacher|cop|police ?(?:man|officer)|officer|soldier|girl|boy|guy|neighbou?r|wife|husband|someone|somebody|him|her|them|bystanders?|villagers?|refugees?|protesters?|worshippers?|shoppers?)"
VIOLENCE_STRONG = _alt(
    r"gore",
    r"gory",
    r"goriest",
    r"gruesome",
    r"dismember\w*",
    r"decapitat\w*",
    r"behead\w*",
    r"mutilat\w*",
    r"disembowel\w*",
    r"eviscerat\w*",
    r"entrails",
    r"intestines spill\w*",
    r"guts (?:spill\w*|out|everywhere)",
    r"blood (?:everywhere|spray\w*|gush\w*|splatter\w*|pour\w*|soaked)",
    r"pools? of blood",
    r"covered in blood",
    r"blood ?soaked",
    r"drenched in blood",
    r"bleeding out",
    r"bleeds? to death",
    r"blood ?bath",
    r"tortur\w+",
    r"execut(?:e|es|ed|ing|ion|ions) (?:of )?" + _PEOPLE,
    r"public execution",
    r"firing squad",
    r"(?:stabbed|beaten|burned|burnt|kicked|hacked|bludgeoned|strangled|tortured|clubbed|stoned|choked|mauled|trampled|whipped) to death",
    r"mow(?:s|ed|ing)? down",
    r"waterboard\w*",
    r"beaten (?:bloody|senseless|unconscious)",
    r"skinn(?:ing|ed|s)? (?:\w+ ){0,2}alive",
    r"(?:people|bod(?:y|ies)|him|her|them|victims?|soldiers|civilians|men|women|children) to (?:pieces|bits|shreds)",
    r"(?:chop|chops|chopping|chopped|cut|cuts|cutting|hack\w*) up (?:\w+ ){0,2}(?:victims?|bod(?:y|ies)|corpses?|people|wife|husband|girlfriend|boyfriend)",
    r"(?:shoot|shoots|shooting|shot) (?:a |the |his |her )?(?:man|woman|rival|person|guy|cop|officer|victim|hostage|kid|child|boy|girl|prisoner|enemy|someone|him|her|them) (?:\w+ ){0,3}in the (?:head|face|chest|back|neck)",
    r"intestines",
    r"throats? (?:slit|cut|slashed)",
    r"until (?:he|she|they|it) (?:stops?|stopped) (?:moving|breathing)",
    r"on fire alive",
    r"(?:hacked|hacks|hacking|chopped|chopping) (?:\w+ )?(?:apart|to pieces|into pieces|limb from limb)",
    r"blown to (?:pieces|bits)",
    r"torn limb from limb",
    r"strangl(?:ed|ing|es)",
    r"(?:skulls?|heads?|faces?) (?:crushed|smashed|caved in|split open|cracked open|bashed in)",
    r"crush(?:es|ed|ing)? (?:\w+ ){0,2}(?:skull|head)",
    r"slit(?:s|ting)? (?:his|her|their|a|the)? ?throats?",
    r"cut(?:s|ting)? (?:his|her|their|a|the|someone s) throat",
    r"brains? (?:splatter\w*|blown out|spill\w*)",
    r"blow(?:s|ing)? (?:his|her|their) brains out",
    r"head (?:explod\w+|blown off)",
    r"severed (?:heads?|limbs?|arms?|legs?|hands?|fingers?)",
    r"massacr\w+",
    r"slaughter\w* " + _PEOPLE,
    r"(?:stab|stabs|stabbed|stabbing|shoot|shoots|shot|shooting|kill|kills|killed|killing|murder|murders|murdered|murdering|strangl\w+|chok(?:e|es|ed|ing)|beat(?:s|ing)?|behead\w*|burn(?:s|ed|ing)?|drown(?:s|ed|ing)?|hang(?:s|ed|ing)?|lynch(?:es|ed|ing)?|maul\w*|run(?:s|ning)? over|ran over|stomp\w*|kick\w*|bludgeon\w*|hack\w*|chop\w*|bash\w*|pummel\w*|punch\w*|shoot\w* up) "
    + _PEOPLE
    + r"(?: \w+)?(?: \w+)? (?:to death|dead|alive|in the (?:head|face|neck|chest|back)|until (?:he|she|they) (?:dies?|stops? breathing)|over and over|repeatedly|with (?:a |an )?(?:knife|machete|axe|hammer|bat|chainsaw|gun|rifle|pistol|brick|rock|pipe|crowbar))",
    r"(?:school|mass|church|mosque|synagogue|mall|concert) shootings?",
    r"shoot(?:s|ing)? up (?:a|the) (?:school|church|mosque|synagogue|mall|crowd|concert)",
    r"murder(?:s|ed|ing)? " + _PEOPLE,
    r"kill(?:s|ed|ing)? " + _PEOPLE,
    r"stab(?:s|bed|bing)? " + _PEOPLE,
    r"shoot(?:s|ing)? " + _PEOPLE,
    r"shot " + _PEOPLE + r" (?:dead|in the)",
    r"strangl\w+ " + _PEOPLE,
    r"burn(?:s|ed|ing|t)? " + _PEOPLE + r" alive",
    r"burn(?:ed|ing|t)? alive",
    r"buried alive",
    r"skinn(?:ed|ing) alive",
    r"flay(?:ed|ing)?",
    r"eyes? (?:gouged|ripped|torn) out",
    r"gouge\w* (?:out )?(?:his|her|their) eyes?",
    r"rip(?:s|ped|ping)? (?:his|her|their|the) (?:heart|arms?|legs?|head|face|limbs?) (?:out|off)",
    r"dead bod(?:y|ies) (?:pil\w+|everywhere|rotting|mutilated|bloody)",
    r"bloody (?:corpses?|bod(?:y|ies)|carcass\w*|murder|massacre)",
    r"rotting corpses?",
    r"corpses? pil\w+",
    r"piles? of (?:dead )?(?:bodies|corpses)",
    r"gunshot wounds?",
    r"bullet wounds?",
    r"exit wound",
    r"compound fracture",
    r"bone (?:sticking|poking) out",
    r"cannibal\w*",
    r"eat(?:s|ing)? human flesh",
    r"snuff (?:film|video)",
    r"animal cruelty",
    r"(?:torture|kill|killing|beat|beating|kick|kicking|stab|stabbing|drown|drowning|set fire to|burning)\w* (?:a |the )?(?:puppy|puppies|kitten|kittens|dog|cat|animal|horse)s?(?: to death| alive| repeatedly)",
    r"lynch(?:ed|ing|es)?",
    r"genocide",
    r"ethnic cleansing",
    r"war crimes?",
    r"beat(?:s|en|ing)? " + _PEOPLE + r" (?:to death|bloody|senseless|unconscious)",
    r"cut(?:s|ting)? off (?:his|her|their|a|the) (?:head|fingers?|hands?|arms?|legs?|ears?|tongue|nose)",
    r"chainsaw (?:massacre|through|kill\w*)",
    r"impal\w+",
    r"crucif(?:y|ied|ying|ixion) (?:of )?" + _PEOPLE,
    r"hostage (?:execution|beheading|killed|shot)",
    r"(?:car|truck) (?:ramming|plows?|plowing) into (?:a )?(?:crowd|people|pedestrians)",
    r"plow(?:s|ing)? into (?:a )?(?:crowd|pedestrians)",
)
VIOLENCE_WEAK = _alt(
    r"corpses?",
    r"dead bod(?:y|ies)",
    # "stabbing" a person is a strong rule; stabbing a fork into food is not violence.
    r"stabbing(?! (?:\w+ ){0,2}(?:forks?|spoons?|chopsticks?|straws?|skewers?|toothpicks?|needles?|pins?|cakes?|pancakes?|potato(?:es)?|steaks?|meat|food|fruit|marshmallows?)\b)",
    r"shooting at",
    r"blood spatter",
    r"injur(?:ed|ies) (?:soldiers|victims)",
    r"gunfight",
    r"knife fight",
    r"street fight\w*",
    r"beating up",
    r"beat up",
    r"fistfight",
    r"brawl\w*",
    r"bleeding (?:heavily|profusely)",
)

# A gore term said of a prop, a toy or make-up is a costume or a decoration, not an injury:
# "a severed hand prop", "fake blood everywhere", "a rubber corpse".
PROP_BEFORE = re.compile(
    r"\b(?:fake|faux|toy|prop|plastic|rubber|foam|halloween|costume|pretend|cardboard|inflatable|stage|gummy|candy|chocolate|cake|cookie) (?:\w+ ){0,1}$"
)
PROP_AFTER = re.compile(
    r"^ (?:props?|decorations?|decor|costumes?|make ?up|prosthetics?|toys?|cookies?|cakes?|candy|halloween)\b"
)
# Fiction, games and play: the policy allows violence without gore and crime that does not
# instruct there, so a weak (one-word) violence or crime hit is not a reason to hold them.
FICTION_CUES = _alt(
    r"(?:action|war|heist|spy|western|kung fu|monster|b|horror|disaster|superhero|old|retro|classic) (?:movies?|films?)",
    r"movies? scenes?",
    r"films? scenes?",
    r"video ?games?",
    r"board ?games?",
    r"cartoons?",
    r"animated",
    r"anime",
    r"comic ?books?",
    r"reenactments?",
    r"stage (?:combat|play|fight)",
    r"(?:nerf|water|toy|cap|squirt|foam|paintball|laser tag) (?:guns?|swords?|grenades?)",
    r"pretend(?:ing)?",
    r"laser tag",
    r"paintball",
    r"cops and robbers",
    r"halloween",
    r"costumes?",
)

# --- Self-harm ---------------------------------------------------------------------------------
_SELF = r"(?:my ?self|him ?self|her ?self|them ?selves|them ?self|your ?self|one ?self)"
SELF_HARM_STRONG = _alt(
    rf"kill(?:s|ed|ing)? {_SELF}",
    rf"hang(?:s|ed|ing)? {_SELF}",
    rf"harm(?:s|ed|ing)? {_SELF}",
    rf"starv(?:e|es|ed|ing) {_SELF}",
    rf"shoot(?:s|ing)? {_SELF}",
    rf"drown(?:s|ed|ing)? {_SELF}",
    rf"poison(?:s|ed|ing)? {_SELF}",
    r"self ?harm\w*",
    r"self ?injur\w*",
    r"self ?mutilat\w*",
    r"(?:slit|slits|slitting|cut|cuts|cutting|slash\w*) (?:my|his|her|their|your)? ?wrists?",
    r"commit\w* suicide",
    r"suicide (?:method|methods|note|attempt|pact|by|jump)",
    r"how to (?:commit suicide|kill (?:my|your)self|end (?:my|your|it all))",
    r"end(?:s|ing)? (?:my|his|her|their|your) (?:own )?li(?:fe|ves)",
    r"end(?:s|ing)? it all",
    r"take (?:my|his|her|their|your) own li(?:fe|ves)",
    r"tak(?:es|ing) (?:his|her|their|my|your) own li(?:fe|ves)",
    r"jump(?:s|ed|ing)? (?:off|from) (?:a|the) (?:bridge|building|roof|cliff|balcony|ledge)\w* (?:to (?:die|end)|and dies?|suicid\w*)",
    r"overdos(?:e|es|ed|ing) on (?:pills|purpose)",
    # Asking for a dose or a place to die: "how many pills to not wake up", "in front of a train".
    r"how many (?:pills|sleeping pills|tablets|painkillers|tylenol|paracetamol) (?:\w+ ){0,5}(?:die|overdose|not wake up|never wake up|end it|kill (?:my|your|him|her)self)",
    r"(?:jump|jumps|jumped|jumping|step|steps|stepped|stepping|throw\w* (?:my|him|her|them)sel(?:f|ves)) in front of (?:a|the|an) (?:\w+ )?(?:train|subway|bus|truck|lorry)",
    r"swallow\w* (?:a )?(?:whole )?(?:bottle|handful) of (?:pills|sleeping pills)",
    r"noose (?:around|on) (?:my|his|her|their) neck",
    r"tie\w* a noose",
    r"pro ?ana",
    r"pro ?mia",
    r"thinspo\w*",
    r"meanspo",
    r"purg(?:e|es|ed|ing) after (?:eating|meals|dinner)",
    r"stop(?:s|ped)? eating to (?:get|be) (?:thin|skinny)",
    r"razor (?:blades? )?(?:on|against|across) (?:the |my |his |her )?(?:skin|wrists?|arms?|thighs?)",
    r"suicidal",
    r"want(?:s|ing|ed)? to die",
    r"(?:gun|pistol|revolver|knife|blade) to (?:his|her|their|my|your) (?:own )?(?:head|throat|temple|wrists?)",
    r"(?:wish|wishes|wished) (?:i|he|she|they) (?:was|were) dead",
    r"don t want to (?:live|be alive)",
    r"life (?:is|isn t) (?:not )?worth (?:living|it) anymore",
    r"bleed(?:s|ing)? (?:myself|herself|himself) out",
    r"(?:scratch\w*|cut\w*|hit\w*|punch\w*|burn\w*|bang\w*) (?:\w+ ){0,3}until (?:they|it|he|she|i) bleeds?",
    rf"punish(?:es|ed|ing)? {_SELF}",
    r"carv(?:e|es|ed|ing) (?:into|words into) (?:my|his|her|their) (?:skin|arms?|thighs?)",
)
SELF_HARM_WEAK = _alt(
    rf"hurt(?:s|ing)? {_SELF}",
    rf"cut(?:s|ting)? {_SELF}",
    rf"burn(?:s|ed|ing)? {_SELF}",
    r"suicide(?! (?:prevention|hotline|helpline|awareness|crisis line|support|squad))",
    r"overdose\w*",
    r"anorexi\w*",
    r"bulimi\w*",
    r"scars on (?:her|his|my) wrists?",
)

# --- Hate and harassment -----------------------------------------------------------------------
_GROUPS = r"(?:jews?|jewish people|muslims?|christians?|hindus?|sikhs?|arabs?|blacks?|black people|whites?|white people|asians?|chinese|mexicans?|latinos?|hispanics?|immigrants?|migrants?|refugees?|gays?|gay people|lesbians?|trans people|transgender people|trans women|trans men|queers?|homosexuals?|women|men|disabled people|the disabled|autistic people|africans?|indians?|pakistanis?|gypsies|roma|romani|catholics?|atheists?|foreigners?|poor people|fat people|old people|the elderly)"
HATE_STRONG = _alt(
    r"nigg(?:a|er|ers|as|az)",
    r"n word",
    r"fag(?:s|got|gots)?",
    r"kikes?",
    r"spics?",
    r"gooks?",
    r"wetbacks?",
    r"rag ?heads?",
    r"towel ?heads?",
    r"trann(?:y|ies)",
    r"retards?",
    r"retarded",
    r"coons?",
    r"beaners?",
    r"sand ?niggers?",
    r"porch ?monkeys?",
    r"jungle bunn(?:y|ies)",
    r"paki(?:s)?",
    r"gyppos?",
    r"golliwogs?",
    r"mongoloids?",
    r"shemales?",
    r"zipperheads?",
    rf"{_GROUPS} (?:are|is|being)(?: (?:drawn|shown|portrayed|depicted|treated) (?:as|like))? (?:all )?(?:vermin|animals|subhuman|sub human|inferior|parasites|rats|cockroaches|filth|disgusting|evil|dogs|a disease|a plague|scum|trash|garbage|apes|monkeys|terrorists|criminals|rapists|pedophiles|not human|less than human|the enemy)",
    rf"(?:kill|exterminat\w*|gas|deport|lynch|hang|burn|eradicate|wipe out|get rid of|purge|cleanse|hunt(?:ing)? down|round up|beat up|attack\w*|shoot\w*|bomb\w*) (?:all (?:the |those |of the )?|the |those )?(?:filthy |dirty )?{_GROUPS}",
    # Dehumanising comparisons: "<group> crossing the border like cockroaches".
    rf"{_GROUPS}(?: \w+){{0,5}} (?:like|as|are|r) (?:\w+ )?(?:vermin|rats|cockroaches|roaches|insects|animals|apes|monkeys|parasites|pigs|dogs|savages|subhumans?|a plague|a disease|a virus|freaks|degenerates|perverts)",
    rf"(?:death|die) to (?:all |the )?{_GROUPS}",
    rf"(?:i )?hate (?:all )?{_GROUPS}",
    rf"{_GROUPS} (?:should|must|deserve to|need to) (?:all )?(?:die|be killed|be gassed|be exterminated|be deported|be shot|burn|hang|suffer|be wiped out|go back)",
    r"(?:mock\w*|ridicul\w*|laugh\w* at|mak(?:e|es|ing) fun of|humiliat\w*|bully\w*|harass\w*|taunt\w*|demean\w*|insult\w*) (?:a |an |the |some )?(?:disabled|handicapped|autistic|fat|obese|ugly|gay|lesbian|trans|transgender|black|jewish|muslim|asian|mexican|immigrant|deaf|blind|retarded|special needs|down syndrome) ?(?:person|people|man|woman|kid|kids|boy|girl|student|classmate|guy|men|women|child|children)?",
    r"(?:bully\w*|harass\w*|humiliat\w*|mock\w*|cyberbull\w*|shame|shaming|expos\w*|doxx?\w*|stalk\w*|threaten\w*) (?:my|our|a|the) (?:classmate|coworker|co worker|neighbou?r|teacher|ex|ex girlfriend|ex boyfriend|ex wife|ex husband|boss|roommate|sister|brother|friend|student|colleague)s?",
    r"heil hitler",
    r"sieg heil",
    r"white power",
    r"white pride",
    r"white supremac\w*",
    r"14 ?88",
    r"gas the \w+",
    r"race war",
    r"great replacement",
    r"holocaust (?:denial|never happened|was a hoax|hoax)",
    r"kkk (?:rally|cross burning|lynching)",
    r"burning cross",
    r"cross burning",
    r"master race",
    r"nazi (?:propaganda|rally celebrating|glorif\w*)",
    r"glorif\w* (?:hitler|the holocaust|nazis?)",
    r"blackface",
    r"jew ?face",
    r"(?:go back to|send them back to) (?:your|their) (?:country|jungle)",
    r"ugly (?:fat )?(?:pig|cow|whale) (?:girl|woman|classmate)",
    r"(?:fat|ugly) loser",
    r"(?:threaten\w*|threat) to (?:kill|hurt|rape)",
    r"(?:we|i) will (?:find|kill|hurt) you",
)
HATE_WEAK = _alt(r"swastikas?", r"kkk", r"ku klux klan", r"racial slurs?", r"neo ?nazis?")

# --- Illegal activity and weapons --------------------------------------------------------------
_MAKE = r"(?:make|makes|making|made|build|builds|building|built|assembl\w*|construct\w*|craft\w*|cook|cooks|cooking|brew\w*|synthesi[sz]\w*|manufactur\w*|produc\w*|3d print\w*|print\w*|how to (?:make|build|get|buy))"
ILLEGAL_STRONG = _alt(
    rf"{_MAKE} (?:a |an |the |some |homemade |your own )?(?:pipe ?bombs?|bombs?|explosives?|explosive devices?|ieds?|nail bombs?|car bombs?|suicide vests?|molotov\w*(?: cocktails?)?|napalm|thermite|nerve (?:gas|agents?)|sarin|ricin|anthrax|chemical weapons?|bioweapons?|dirty bombs?|ghost guns?|untraceable guns?|silencers?|suppressors?|zip guns?|machine guns?|full auto\w*|meth|methamphetamine|crystal meth|crack cocaine|fentanyl|heroin|lsd|mdma|ecstasy|drugs|counterfeit (?:money|bills|cash|currency)|fake (?:ids?|passports?|money))",
    r"meth ?labs?",
    r"drug labs?",
    r"cook\w* (?:up )?(?:meth|crack|heroin|fentanyl)",
    r"(?:sell|sells|selling|sold|deal|deals|dealing|push\w*|traffic\w*|smuggl\w*) (?:some )?(?:drugs|cocaine|coke|heroin|meth|crack|fentanyl|pills|oxy\w*|molly|ecstasy|(?:weed|drugs|pills|alcohol|vapes) to (?:\w+ ){0,2}(?:kids|children|minors|teens|students)|guns|firearms|weapons|ammo|ammunition|stolen \w+|organs|kidneys|children|kids|women|girls|migrants)",
    r"(?:buy|buys|buying|bought|score|scoring) (?:some )?(?:drugs|cocaine|coke|heroin|meth|crack|fentanyl|molly|ecstasy|stolen \w+|organs|kidneys|children|kids|girls)",
    r"(?:drug|arms|weapons|gun|human|sex|child|organ) (?:traffick\w*|smuggl\w*|deals?|cartel|runners?)",
    r"traffick\w*",
    r"drug deal\w*",
    r"snort\w* (?:cocaine|coke|lines|heroin|meth|crushed pills)",
    r"(?:inject\w*|shoot\w* up) (?:heroin|meth|drugs)",
    r"smok\w* (?:crack|meth|heroin)",
    r"lines? of (?:cocaine|coke)",
    r"terror(?:ist|ism)? (?:attack|attacks|plot|plots|bombing|cell|training|recruitment|propaganda)",
    r"(?:plan|plans|planning|plot|plotting|carry out|carrying out|stage|staging) (?:a |an )?(?:terrorist )?(?:attack|bombing|shooting|massacre|assassination|hijacking|kidnapping)",
    r"join(?:ing)? (?:isis|al qaeda|the taliban|a terrorist)",
    r"isis (?:flag|fighters?|propaganda|recruit\w*|execution)",
    r"suicide (?:bomb\w*|vests?)",
    r"hijack\w* (?:a|the) (?:plane|airplane|jet|flight)",
    r"(?:hire|hiring|hired) (?:a )?(?:hitman|hit man|assassin)",
    r"hit ?man for hire",
    r"(?:credit card|identity|insurance|tax|bank|wire) (?:fraud|theft)",
    r"phishing",
    r"scam(?:ming)? (?:old|elderly|grandma|people|victims)",
    r"money laundering",
    r"launder\w* money",
    r"steal\w* (?:credit cards?|identit\w*|packages from porches)",
    r"hack(?:ing)? into (?:a |the |someone s )?(?:bank|account|network|system|phone|email)",
    r"poach\w* (?:elephants?|rhinos?|ivory|tigers?)",
    r"set(?:s|ting)? fire to (?:a |the |his |her |their )?(?:house|home|car|building|school|church|mosque|synagogue|store)",
    r"(?:bomb|blow(?:s|ing)? up|attack\w*|shoot\w* up|burn\w* down) (?:a |the )?(?:school|church|mosque|synagogue|temple|government building|police station|airport|subway|train station|stadium|mall|hospital|embassy)",
    r"(?:kids?|children|minors|teens?) (?:smoking|vaping|drinking alcohol|doing drugs|taking drugs|buying (?:alcohol|cigarettes|drugs|guns))",
    r"(?:buy|buying|get|getting|order\w*) (?:a )?(?:gun|firearm|rifle|pistol) (?:without (?:a )?(?:license|background check|id)|illegally|on the dark ?web)",
    r"dark ?web (?:market|drugs|guns|weapons)",
    r"(?:rob|robs|robbing|robbed|mug|mugs|mugging|mugged|stick\w* up|hold\w* up) (?:a |an |the )?(?:old|elderly|bank|store|gas station|liquor store|person|woman|man|tourist|jewelry store|atm)\w*(?: at (?:gun|knife) ?point)?(?: step by step| tutorial| how to)",
    r"(?:how to|guide to|tutorial on|tutorial for|instructions (?:for|to|on)|tips (?:for|on)) (?:rob|steal|shoplift|hack|hot ?wir|pick(?:ing)? (?:a )?locks? to break in|break(?:ing)? into|evad|launder|smuggl|poison|kidnap|counterfeit|forg(?:e|ing) (?:documents|passports|ids))\w*",
    r"poison\w* (?:\w+ ){0,3}(?:water supply|reservoir)",
    r"poison(?:s|ed|ing)? (?:a |the |his |her |their )?(?:wife|husband|boss|neighbou?r|family|water supply|coworker|someone)",
    r"drink spik\w*",
    r"spik(?:e|es|ed|ing) (?:a |her |his |their |someone s )?drinks?",
    r"roofie\w*",
    r"date rape drug\w*",
    r"drugging (?:a|her|him|someone)",
)
ILLEGAL_WEAK = _alt(
    r"cocaine",
    r"heroin",
    r"fentanyl",
    r"methamphetamine",
    r"crystal meth",
    r"meth",
    r"marijuana",
    r"cannabis",
    r"smuggl\w*",
    r"robbery",
    r"robbing",
    r"ak ?47s?",
    r"ar ?15s?",
    r"assault rifles?",
    r"grenades?",
    r"hostages?",
    r"cartels?",
    r"vandal\w*",
    r"kidnap\w*",
    r"ransom",
    r"assassinat\w*",
    r"arson",
    r"counterfeit\w*",
    r"carjack\w*",
    r"pirat(?:ed|ing) (?:movies|software|games)",
    r"shoplift\w*",
    r"underage drinking",
    r"drunk driving",
    r"drink driving",
    r"fraud\w*",
    r"scam\w*",
    r"burglar\w*",
    r"(?:break|breaking|broke) into (?:a |the |someone s )?(?:house|home|apartment)",
)

# --- Private likeness --------------------------------------------------------------------------
_RELATION = r"(?:ex|ex girlfriend|ex boyfriend|ex wife|ex husband|ex partner|girlfriend|boyfriend|wife|husband|crush|boss|manager|coworker|co worker|colleague|neighbou?r|classmate|teacher|professor|landlord|roommate|flatmate|sister|brother|cousin|stepmom|stepmother|mom|mother|dad|father|aunt|uncle|friend|best friend|student|tutor|coach|doctor|nurse|babysitter|nanny|pastor|priest|barista|waitress|waiter|cashier|tinder date|date|stranger)"
PRIVATE_STRONG = _alt(
    r"deep ?fakes?",
    r"deep ?faked",
    r"face ?swap\w*",
    r"swap\w* (?:the |their |his |her |my )?faces?",
    r"(?:put|puts|putting|paste|pasting|place|placing|insert\w*|stick\w*|use|using) (?:my |our |his |her |their |the |a )?(?:real )?"
    + _RELATION
    + r" s (?:real )?(?:face|head|likeness|photo|picture|selfie)",
    r"(?:from|use|uses|using|with|based on) (?:this |that |the |a |my |his |her )?(?:instagram |facebook |snapchat |tiktok |profile |real )?(?:photo|picture|pic|selfie|image|video|clip|recording)s? (?:of|from) (?:my |our |his |her |a |this )?(?:real )?"
    + _RELATION,
    r"(?:put|puts|putting|paste|pasting|place|placing|use|using|with) (?:the )?(?:face|head|likeness|voice) of (?:my|our|his|her) "
    + _RELATION,
    r"(?:my|our|his|her) " + _RELATION + r" (?:named|called|whose name is) \w+",
    r"(?:looks?|looking) exactly like (?:my|our|his|her) " + _RELATION,
    r"make (?:it|him|her|them) look (?:exactly )?like (?:my|our|his|her|a real|this real|the real) \w+",
    r"real (?:person|woman|man|girl|boy|guy|lady) (?:i know|from my|named|called|who lives)",
    r"someone i know (?:in real life|irl)",
    r"real life (?:ex|neighbou?r|coworker|classmate|teacher|boss)",
    r"(?:upload\w*|uploaded) (?:photo|picture|pic|selfie|image) of (?:my|our|his|her|a)",
    r"(?:using|with) (?:the )?(?:face|likeness|voice) of (?:my|our|his|her) " + _RELATION,
    r"(?:my|our|his|her) " + _RELATION + r" s (?:face|likeness|voice) on",
    r"clone\w* (?:my|his|her|their) " + _RELATION + r" s voice",
    r"(?:fake|fabricated) (?:video|footage|clip) of (?:my|our|his|her|a) (?:real )?" + _RELATION,
)
PRIVATE_WEAK = _alt(r"look ?alikes?", r"(?:a|this) real (?:person|woman|man)")

# --- Spam --------------------------------------------------------------------------------------
SPAM_STRONG = _alt(
    r"https? \w+",
    r"www \w+",
    r"\w+ dot (?:com|net|org)",
    r"follow (?:for|4) follow",
    r"f4f",
    r"l4l",
    r"like (?:for|4) like",
    r"sub (?:for|4) sub",
    r"sub4sub",
    r"follow4follow",
    r"like4like",
    r"dm me (?:for|to)",
    r"(?:click|tap) (?:the |my )?link",
    r"link in (?:my )?bio",
    r"check out my (?:channel|profile|page|store|shop|onlyfans|website|site|merch)",
    r"buy now",
    r"order now",
    r"limited (?:time )?offer",
    r"discount code",
    r"promo code",
    r"coupon code",
    r"use code \w+",
    r"free (?:iphones?|gift ?cards?|money|crypto|bitcoin|followers|likes|robux|v ?bucks|vbucks)",
    r"(?:crypto|bitcoin|btc|eth|nft) (?:giveaway|airdrop|pump|investment opportunity|signals)",
    r"earn \d+ (?:dollars|usd|a day|per day|a week|from home)",
    r"\d+ (?:dollars|usd) (?:a|per) day from home",
    r"make money (?:fast|online|from home)",
    r"get rich quick",
    r"work from home and earn",
    r"whatsapp (?:me|us|\d+)",
    r"telegram (?:me|us|channel|group)",
    r"add me on (?:snap|snapchat|whatsapp|telegram|kik)",
    r"\w+ at (?:gmail|yahoo|hotmail|outlook|proton\w*) (?:com|net|org|me)",
    r"cheap (?:followers|likes|views|viagra|rolex)",
    r"(?:buy|get) (?:real )?(?:followers|likes|views|subscribers)",
    r"casino bonus",
    r"betting tips",
    r"viagra",
    r"cialis",
    r"weight loss pills",
    r"100 ?% (?:free|guaranteed)",
    r"act now",
    r"visit (?:my|our) (?:site|website|store|shop)",
    r"giveaway (?:click|dm|link)",
)
GLUED_SPAM = re.compile(
    r"(\b\w+\b)(?: \1\b){7,}"  # the same word eight times in a row
    r"|(\b\w+(?: \w+){1,5}\b)(?: \2\b){2,}"  # the same phrase three times in a row
)
# Matched on the base text (punctuation kept): links, e-mail addresses, phone numbers.
RAW_SPAM = re.compile(
    r"(?:https?://|www\.)\S+|\b[a-z0-9-]{2,}\.(?:com|net|org|io|ly|xyz|shop|store|biz|info|ru|top|link|click|me|gg|tv|co)\b(?:/\S*)?"
    r"|\b[\w.+-]+@[\w-]+\.[\w.]+\b|\+?\d[\d\s().-]{8,}\d|\b(?:call|text|dial|whatsapp|phone|ring)(?: \w+)? \+?\d[\d\s().-]{5,}\d|\b\d{1,3} ?% (?:off|free|guaranteed)"
)
LONG_JUNK = re.compile(r"\b\w{40,}\b")


@dataclass(frozen=True)
class RuleHit:
    category: str
    strong: bool
    terms: tuple[str, ...]


def _compile(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


@functools.cache
def compiled() -> dict[str, re.Pattern[str]]:
    figures = "|".join(_alternatives(policy.public_figures()))
    characters = "|".join(_alternatives(policy.copyrighted_characters()))
    artists = "|".join(_alternatives(policy.living_artists()))
    music = (
        r"(?:song|songs|sing|sings|singing|sang|voice|vocals?|music|track|tracks|album|cover|"
        r"verse|rap|raps|rapping|beat|beats|lyrics|melody|hit|hits|concert|style|sound|sounds|"
        r"tune|ballad|duet|chorus|remix|karaoke|performance|performing|mv|music video)"
    )
    return {
        "minor": _compile(MINOR_CUES),
        "csam": _compile(CSAM_TERMS),
        "sexual_strong": _compile(SEXUAL_STRONG),
        "sexual_weak": _compile(SEXUAL_WEAK),
        "minor_sexual_extra": _compile(MINOR_SEXUAL_EXTRA),
        "minor_sexualising": _compile(MINOR_SEXUALISING),
        "minor_sexualising_context": _compile(MINOR_SEXUALISING_CONTEXT),
        "violence_strong": _compile(VIOLENCE_STRONG),
        "violence_weak": _compile(VIOLENCE_WEAK),
        "self_harm_strong": _compile(SELF_HARM_STRONG),
        "self_harm_weak": _compile(SELF_HARM_WEAK),
        "hate_strong": _compile(HATE_STRONG),
        "hate_weak": _compile(HATE_WEAK),
        "illegal_strong": _compile(ILLEGAL_STRONG),
        "illegal_weak": _compile(ILLEGAL_WEAK),
        "private_strong": _compile(PRIVATE_STRONG),
        "private_weak": _compile(PRIVATE_WEAK),
        "spam_strong": _compile(SPAM_STRONG),
        "fiction": _compile(FICTION_CUES),
        "public_figure": _compile(rf"\b(?:{figures})\b"),
        "character": _compile(rf"\b(?:{characters})\b"),
        "artist_music": _compile(
            rf"\b(?:{artists})\b(?: s)?(?: \w+){{0,3}} {music}\b"
            rf"|\b{music}(?: \w+){{0,4}} (?:by|of|from|like|as|in the style of) (?:{artists})\b"
            rf"|\b(?:sound|sounds|sounding|voice) like (?:{artists})\b"
            rf"|\b(?:{artists}) ?(?:style|inspired|esque|type)\b"
        ),
    }


def _alternatives(names: tuple[str, ...]) -> list[str]:
    out: list[str] = []
    for line in names:
        for name in line.split("|"):
            if name.strip():
                out.append(name_pattern(name))
    # Longest first, so "Super Mario" wins over a shorter overlapping entry.
    return sorted(set(out), key=len, reverse=True)


def _find(pattern: re.Pattern[str], texts: tuple[str, ...]) -> tuple[str, ...]:
    for text in texts:
        found = [m.group(0).strip() for m in pattern.finditer(text)]
        if found:
            return tuple(dict.fromkeys(found))
    return ()


def _find_real(pattern: re.Pattern[str], texts: tuple[str, ...]) -> tuple[str, ...]:
    """Like `_find`, leaving out matches said of a prop ("a fake severed hand", "gore makeup")."""
    for text in texts:
        found = [
            m.group(0).strip()
            for m in pattern.finditer(text)
            if not PROP_BEFORE.search(text[: m.start()]) and not PROP_AFTER.match(text[m.end() :])
        ]
        if found:
            return tuple(dict.fromkeys(found))
    return ()


def evaluate(texts: tuple[str, ...], raw: str) -> list[RuleHit]:
    """Every rule hit on the normalised forms (and `raw`, the base text), worst first."""
    rx = compiled()
    hits: list[RuleHit] = []

    minor = _find(rx["minor"], texts)
    csam = _find(rx["csam"], texts)
    sexual = _find(rx["sexual_strong"], texts)
    sexual_weak = _find(rx["sexual_weak"], texts)
    if csam:
        hits.append(RuleHit(policy.MINORS_SEXUAL, True, csam))
    elif minor and (sexual or sexual_weak or _find(rx["minor_sexual_extra"], texts)):
        extra = _find(rx["minor_sexual_extra"], texts)
        hits.append(RuleHit(policy.MINORS_SEXUAL, True, minor + sexual + sexual_weak + extra))
    elif minor:
        sexualising = _find(rx["minor_sexualising"], texts)
        context = _find(rx["minor_sexualising_context"], texts)
        if sexualising and context and set(sexualising) != set(context):
            hits.append(RuleHit(policy.MINORS_SEXUAL, True, minor + sexualising + context))
    if sexual:
        hits.append(RuleHit(policy.SEXUAL, True, sexual))
    elif sexual_weak:
        hits.append(RuleHit(policy.SEXUAL, False, sexual_weak))

    fiction = bool(_find(rx["fiction"], texts))
    for code, key in (
        (policy.SELF_HARM, "self_harm"),
        (policy.VIOLENCE, "violence"),
        (policy.HATE, "hate"),
        (policy.ILLEGAL, "illegal"),
        (policy.PRIVATE_LIKENESS, "private"),
    ):
        find = _find_real if code == policy.VIOLENCE else _find
        strong = find(rx[f"{key}_strong"], texts)
        if strong:
            hits.append(RuleHit(code, True, strong))
            continue
        if fiction and code in (policy.VIOLENCE, policy.ILLEGAL):
            continue
        weak = find(rx[f"{key}_weak"], texts)
        if weak:
            hits.append(RuleHit(code, False, weak))

    artist = _find(rx["artist_music"], texts)
    character = _find(rx["character"], texts)
    if artist or character:
        hits.append(RuleHit(policy.COPYRIGHT, True, artist + character))
    figure = _find(rx["public_figure"], texts)
    if figure and not artist:
        hits.append(RuleHit(policy.PUBLIC_FIGURE, True, figure))

    spam = _find(rx["spam_strong"], texts)
    if not spam:
        spam = tuple(m.group(0) for m in RAW_SPAM.finditer(raw))
    plain = texts[0]
    if not spam and (GLUED_SPAM.search(plain) or LONG_JUNK.search(plain)):
        spam = ("repeated text",)
    if spam:
        hits.append(RuleHit(policy.SPAM, True, spam))
    return hits
