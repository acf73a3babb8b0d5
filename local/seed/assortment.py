"""A product assortment worth searching: the demo seed's products and the relevance benchmark's.

Product types across bikes, home, kitchen, fashion and electronics, each named in Dutch, German
and English the way shops write them (Stadsfiets, Cityrad, City bike; Tischlampe, Tafellamp,
Table lamp), with brands, colours, materials and descriptions in the product's language; some
descriptions mention other products (`Ideaal voor op de fiets` on a scarf), as real ones do.

Every product knows what it is (`ProductType.family`), what its name is made of (`parts`: a
Fietshelm is a helmet named after the bike) and its colour: the relevance judgments of
benchmarks/relevance.py are derived from these, never from a search engine. Deterministic: product
`i` of a seed is always the same.

`family` makes the demo seed's variant families (FAMILIES: a sneaker in three colours and three
sizes, jeans in sizes, a lamp in two colours, ...): one article per colour and size, titled with its
colour. The benchmark does not use them, so its catalog and judgments stay as they were.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from functools import cache

from functions.common import taxonomy

LANGUAGES = ("nl", "de", "en")

GROUPS: dict[str, tuple[str, ...]] = {
    "sneaker": ("shoe",),
    "boot": ("shoe",),
    "backpack": ("bag",),
    "jeans": ("trousers",),
    "lamp": ("lighting",),
    "chair": ("furniture",),
    "table": ("furniture",),
    "desk": ("furniture",),
    "stool": ("furniture",),
    "cabinet": ("furniture",),
    "headphones": ("audio",),
    "earbuds": ("audio",),
    "speaker": ("audio",),
}
"""Family → the broader families its products also belong to (a sneaker is a shoe)."""


@dataclass(frozen=True)
class ProductType:
    key: str
    google_category: int
    """Its category on the marketplace's tree (Google's product taxonomy)."""
    department: str
    family: str
    """What the product is: the family a shopper's word for it names (bike, helmet, lamp)."""
    parts: tuple[str, ...]
    """What its name is made of besides its family (a Fietshelm: bike; a Stadsfiets: city)."""
    names: tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]
    """Title nouns in nl, de, en."""
    materials: tuple[str, ...] = ()


def _t(
    key: str, google_category: int, department: str, what: str, names: str, *, materials: tuple[str, ...] = ()
) -> ProductType:
    """`what`: the family, then the parts; `names`: `nl | de | en`, alternatives split by `/`."""
    family, *parts = what.split()
    nl, de, en = (tuple(name.strip() for name in group.split("/")) for group in names.split("|"))
    return ProductType(key, google_category, department, family, tuple(parts), (nl, de, en), materials)


METAL = ("steel",)
WOOD = ("oak", "wood")
TEXTILE = ("wool", "cotton")
KITCHENWARE = ("stainless", "ceramic")

TYPES: tuple[ProductType, ...] = (
    # bikes
    _t("city_bike", 1026, "bikes", "bike city", "Stadsfiets | Cityrad/Stadtrad | City bike"),
    _t("kids_bike", 1026, "bikes", "bike kids", "Kinderfiets | Kinderfahrrad | Kids bike"),
    _t("mountain_bike", 1026, "bikes", "bike mountain", "Mountainbike | Mountainbike | Mountain bike"),
    _t("e_bike", 1026, "bikes", "bike electric", "Elektrische fiets | Elektrofahrrad | Electric bike"),
    _t("folding_bike", 1026, "bikes", "bike folding", "Vouwfiets | Klapprad | Folding bike"),
    _t("bike_helmet", 1029, "bikes", "helmet bike", "Fietshelm | Fahrradhelm/Radhelm | Bike helmet"),
    _t("bike_lock", 1027, "bikes", "lock bike", "Fietsslot | Fahrradschloss | Bike lock", materials=METAL),
    _t("chain_lock", 1027, "bikes", "lock chain", "Kettingslot | Kettenschloss | Chain lock", materials=METAL),
    _t("bike_bell", 3879, "bikes", "bell bike", "Fietsbel | Fahrradklingel | Bike bell"),
    _t("bike_pump", 3827, "bikes", "pump bike", "Fietspomp | Fahrradpumpe/Luftpumpe | Bike pump"),
    _t("bike_light", 3214, "bikes", "lamp bike", "Fietslamp | Fahrradlampe | Bike lamp"),
    _t("saddle", 3292, "bikes", "saddle bike", "Fietszadel | Fahrradsattel | Bike saddle"),
    _t("bike_bag", 3778, "bikes", "bag bike", "Fietstas | Fahrradtasche | Bike bag"),
    _t("bike_basket", 3341, "bikes", "basket bike", "Fietsmand | Fahrradkorb | Bike basket"),
    # home
    _t("table_lamp", 4636, "home", "lamp table", "Tafellamp | Tischlampe/Tischleuchte | Table lamp"),
    _t("desk_lamp", 4636, "home", "lamp desk", "Bureaulamp | Schreibtischlampe | Desk lamp"),
    _t("pendant_lamp", 4636, "home", "lamp hanging", "Hanglamp | Hängelampe | Pendant lamp"),
    _t("floor_lamp", 4636, "home", "lamp floor", "Vloerlamp | Stehlampe | Floor lamp"),
    _t(
        "chair",
        5886,
        "home",
        "chair",
        "Stoel/Eetkamerstoel | Stuhl/Esszimmerstuhl | Chair/Dining chair",
        materials=WOOD,
    ),
    _t("office_chair", 2045, "home", "chair desk", "Bureaustoel | Bürostuhl | Office chair"),
    _t("table", 4355, "home", "table", "Tafel/Eettafel | Tisch/Esstisch | Table/Dining table", materials=WOOD),
    _t("coffee_table", 1395, "home", "table", "Salontafel | Couchtisch | Coffee table", materials=WOOD),
    _t("desk", 4191, "home", "desk", "Bureau | Schreibtisch | Desk", materials=WOOD),
    _t("stool", 1463, "home", "stool", "Kruk/Barkruk | Hocker/Barhocker | Stool/Bar stool", materials=WOOD),
    _t(
        "cabinet",
        4063,
        "home",
        "cabinet",
        "Kast/Kledingkast | Schrank/Kleiderschrank | Cabinet/Wardrobe",
        materials=WOOD,
    ),
    _t("cushion", 4454, "home", "cushion", "Kussen/Sierkussen | Kissen/Sofakissen | Cushion/Pillow", materials=TEXTILE),
    _t("blanket", 1985, "home", "blanket", "Deken/Plaid | Decke/Kuscheldecke | Blanket/Throw", materials=TEXTILE),
    _t("clock", 3890, "home", "clock", "Klok/Wandklok | Uhr/Wanduhr | Clock/Wall clock"),
    _t("vase", 602, "home", "vase", "Vaas | Vase | Vase", materials=("ceramic",)),
    _t("mirror", 595, "home", "mirror", "Spiegel/Wandspiegel | Spiegel/Wandspiegel | Mirror/Wall mirror"),
    _t("rug", 598, "home", "rug", "Vloerkleed | Teppich | Rug", materials=TEXTILE),
    _t("candle", 588, "home", "candle", "Kaars | Kerze | Candle"),
    # kitchen
    _t(
        "mug",
        2169,
        "kitchen",
        "mug",
        "Mok/Koffiemok | Becher/Kaffeebecher/Tasse | Mug/Coffee mug",
        materials=("ceramic",),
    ),
    _t("teapot", 652, "kitchen", "teapot", "Theepot | Teekanne | Teapot", materials=("ceramic",)),
    _t("frying_pan", 662, "kitchen", "pan", "Koekenpan | Bratpfanne | Frying pan", materials=KITCHENWARE),
    _t("pot", 661, "kitchen", "pot", "Kookpan | Kochtopf | Saucepan", materials=KITCHENWARE),
    _t("knife", 665, "kitchen", "knife", "Koksmes | Kochmesser/Küchenmesser | Chef knife", materials=("stainless",)),
    _t("cutting_board", 666, "kitchen", "cuttingboard", "Snijplank | Schneidebrett | Cutting board", materials=WOOD),
    _t("coffee_grinder", 734, "kitchen", "grinder coffee", "Koffiemolen | Kaffeemühle | Coffee grinder"),
    _t("kettle", 751, "kitchen", "kettle", "Waterkoker | Wasserkocher | Kettle", materials=("stainless",)),
    # fashion
    _t("sweater", 212, "fashion", "sweater", "Trui | Pullover | Sweater/Jumper", materials=TEXTILE),
    _t("scarf", 177, "fashion", "scarf", "Sjaal | Schal | Scarf", materials=TEXTILE),
    _t("beanie", 173, "fashion", "beanie", "Muts | Mütze | Beanie", materials=TEXTILE),
    _t("rain_jacket", 5598, "fashion", "jacket rain", "Regenjas | Regenjacke | Rain jacket"),
    _t("winter_jacket", 5598, "fashion", "jacket winter", "Winterjas | Winterjacke | Winter jacket"),
    _t("running_shoe", 187, "fashion", "shoe running", "Hardloopschoen | Laufschuh | Running shoe"),
    _t("sneaker", 187, "fashion", "sneaker", "Sneaker | Sneaker/Turnschuh | Sneaker", materials=("leather",)),
    _t("boot", 187, "fashion", "boot", "Laars | Stiefel | Boot", materials=("leather",)),
    _t("backpack", 100, "fashion", "backpack", "Rugzak | Rucksack | Backpack"),
    _t("handbag", 3032, "fashion", "bag", "Handtas | Handtasche | Handbag", materials=("leather",)),
    _t("gloves", 170, "fashion", "glove", "Handschoenen | Handschuhe | Gloves", materials=("leather", "wool")),
    _t("socks", 209, "fashion", "sock", "Sokken | Socken | Socks", materials=TEXTILE),
    _t("dress", 2271, "fashion", "dress", "Jurk | Kleid | Dress", materials=("cotton",)),
    _t("jeans", 204, "fashion", "jeans", "Spijkerbroek | Jeans | Jeans", materials=("cotton",)),
    _t("watch", 201, "fashion", "watch", "Horloge | Armbanduhr | Watch", materials=("steel", "leather")),
    # electronics
    _t("headphones", 505771, "electronics", "headphones", "Koptelefoon | Kopfhörer | Headphones"),
    _t("earbuds", 505771, "electronics", "earbuds", "Oordopjes | Ohrhörer | Earbuds"),
    _t("speaker", 249, "electronics", "speaker", "Luidspreker/Speaker | Lautsprecher | Speaker"),
    _t("charger", 505295, "electronics", "charger", "Oplader | Ladegerät | Charger"),
    _t("cable", 1763, "electronics", "cable", "Kabel/Laadkabel | Kabel/Ladekabel | Cable/Charging cable"),
    _t("keyboard", 303, "electronics", "keyboard", "Toetsenbord | Tastatur | Keyboard"),
    _t("mouse", 304, "electronics", "mouse", "Muis | Maus | Mouse"),
    _t("monitor", 305, "electronics", "monitor", "Monitor | Bildschirm/Monitor | Monitor"),
    _t("laptop_sleeve", 279, "electronics", "case laptop", "Laptophoes | Laptophülle | Laptop sleeve"),
    _t("phone_case", 2353, "electronics", "case phone", "Telefoonhoesje | Handyhülle | Phone case"),
    _t("powerbank", 505295, "electronics", "powerbank", "Powerbank | Powerbank | Power bank"),
)

COLOURS: dict[str, tuple[str, str, str]] = {
    "black": ("zwart", "schwarz", "black"),
    "white": ("wit", "weiß", "white"),
    "grey": ("grijs", "grau", "grey"),
    "blue": ("blauw", "blau", "blue"),
    "red": ("rood", "rot", "red"),
    "green": ("groen", "grün", "green"),
    "navy": ("navy", "navy", "navy"),
    "beige": ("beige", "beige", "beige"),
}
MATERIALS: dict[str, tuple[str, str, str]] = {
    "steel": ("staal", "Stahl", "steel"),
    "oak": ("eiken", "Eiche", "oak"),
    "wood": ("hout", "Holz", "wood"),
    "wool": ("wol", "Wolle", "wool"),
    "cotton": ("katoen", "Baumwolle", "cotton"),
    "stainless": ("rvs", "Edelstahl", "stainless steel"),
    "ceramic": ("keramiek", "Keramik", "ceramic"),
    "leather": ("leer", "Leder", "leather"),
}
ADJECTIVES = (
    ("klassieke", "stevige", "duurzame", "handgemaakte", "compacte", "moderne"),
    ("klassisch", "robust", "nachhaltig", "handgemacht", "kompakt", "modern"),
    ("classic", "sturdy", "durable", "handmade", "compact", "modern"),
)
MENTIONS: tuple[tuple[str, tuple[str, str, str]], ...] = (
    ("bike", ("Ideaal voor op de fiets.", "Ideal für Touren mit dem Fahrrad.", "Great for trips on the bike.")),
    ("table", ("Mooi op elke tafel.", "Schön auf jedem Tisch.", "Looks good on any table.")),
    ("lamp", ("Leuk naast een lamp.", "Passt neben eine Lampe.", "Nice next to a lamp.")),
    ("jacket", ("Past bij elke jas.", "Passt zu jeder Jacke.", "Goes with any jacket.")),
    ("chair", ("Voor aan de stoel.", "Für den Stuhl.", "For your chair.")),
)
"""Description sentences that mention another family: the product is not one (judged 0)."""
SENTENCES = (
    ("Gemaakt om lang mee te gaan.", "Langlebig und pflegeleicht.", "Built to last."),
    ("Snel in huis.", "Schnell geliefert.", "Ships fast."),
    ("Getest door onze klanten.", "Von Kunden getestet.", "Tested by our customers."),
)
BRAND_HEADS = ("Noord", "Wolken", "Tatra", "Lind", "Kiel", "Stern", "Fjäll", "Müller", "Dijk", "Weber", "Haven", "Zee")
BRAND_TAILS = ("feld", "qvist", "werk", "mann", " & Söhne", " Design", "haus", "kamp", "lux", " Co.", "borg", "ström")
BRANDS = tuple(f"{head}{tail}" for head in BRAND_HEADS for tail in BRAND_TAILS)
SIZES = ("S", "M", "L", "XL")


@dataclass(frozen=True)
class Article:
    """What the demo seed sells as one product (and offers of it), generated or a family's variant."""

    index: int
    type: ProductType
    language: int
    """Index into LANGUAGES."""
    colour: str
    """Key of COLOURS."""
    material: str | None
    title: str
    description: str
    brand: str
    category: tuple[str, ...]
    """Its category's path in the product's language, as a vendor writing in it would give it."""
    attributes: dict[str, str]
    price: int
    """Minor units."""
    in_stock: bool


@dataclass(frozen=True)
class GeneratedProduct(Article):
    mentions: tuple[str, ...]
    """Families the description mentions without the product being one."""
    popularity: int
    rating: float
    rating_count: int

    @property
    def families(self) -> tuple[str, ...]:
        """What the product is: its family and the broader ones (a sneaker is a shoe)."""
        return (self.type.family, *GROUPS.get(self.type.family, ()))


def _opening(  # noqa: PLR0917 - the words a description starts with
    language: int, noun: str, brand: str, adjective: str, colour_word: str, material_word: str
) -> tuple[str, str]:
    """A description's first two sentences in `language`: what it is, and what it is made of
    (empty without a material)."""
    lead = (
        f"{adjective.capitalize()} {noun.lower()} van {brand}, kleur {colour_word}.",
        f"{noun} von {brand}, {adjective}, in {colour_word}.",
        f"A {adjective} {noun.lower()} by {brand} in {colour_word}.",
    )[language]
    made_of = ("Gemaakt van {}.", "Aus {}.", "Made of {}.")[language].format(material_word) if material_word else ""
    return lead, made_of


@cache
def _category_path(google_category: int, language: str) -> tuple[str, ...]:
    found = taxonomy.category(google_category)
    assert found is not None, google_category
    return tuple(taxonomy.labels(found.path, language))


def product(index: int, seed: int = 0) -> GeneratedProduct:
    """Product `index` of the assortment `seed` (the same every time)."""
    rng = random.Random(seed * 1_000_003 + index)
    kind = TYPES[rng.randrange(len(TYPES))]
    language = rng.randrange(len(LANGUAGES))
    noun = rng.choice(kind.names[language])
    colour = rng.choice(tuple(COLOURS))
    colour_word = COLOURS[colour][language]
    material = rng.choice(kind.materials) if kind.materials and rng.random() < 0.6 else None
    material_word = MATERIALS[material][language] if material else ""
    brand = rng.choice(BRANDS)
    adjective = rng.choice(ADJECTIVES[language])
    template = rng.randrange(3)
    if template == 0:
        title = f"{brand} {adjective} {noun} {colour_word}"
    elif template == 1:
        title = f"{noun} {material_word or adjective} {colour_word}"
    else:
        title = f"{brand} {noun} {material_word}".strip()
    mentioned = [m for m in MENTIONS if m[0] != kind.family and m[0] not in kind.parts]
    mentions = (rng.choice(mentioned),) if rng.random() < 0.25 else ()
    opening = _opening(language, noun, brand, adjective, colour_word, material_word if material else "")
    description = " ".join(
        part for part in (*opening, rng.choice(SENTENCES)[language], *(m[1][language] for m in mentions)) if part
    )
    attributes = {"color": colour_word}
    if material:
        attributes["material"] = material_word
    if kind.department == "fashion":
        attributes["size"] = rng.choice(SIZES)
    rating_count = int(rng.expovariate(1 / 8)) if rng.random() < 0.6 else 0
    return GeneratedProduct(
        index=index,
        type=kind,
        language=language,
        colour=colour,
        material=material,
        mentions=tuple(m[0] for m in mentions),
        title=title,
        description=description,
        brand=brand,
        category=_category_path(kind.google_category, LANGUAGES[language]),
        attributes=attributes,
        price=int(min(rng.lognormvariate(8.3, 1.0), 500_000)) // 5 * 5 + 95,
        popularity=int(rng.expovariate(1 / 20)),
        rating=round(rng.uniform(1, 5), 1) if rating_count else 0.0,
        rating_count=rating_count,
        in_stock=rng.random() < 0.85,
    )


# Variant families: the demo seed's only (benchmarks/relevance.py judges `product`, which they leave alone).

T_SHIRT = _t("t_shirt", 212, "fashion", "shirt", "T-shirt | T-Shirt | T-shirt", materials=("cotton",))
"""A type only the families use: adding it to TYPES would change every `product` (it draws from TYPES)."""
_TYPES = {kind.key: kind for kind in (*TYPES, T_SHIRT)}


@dataclass(frozen=True)
class FamilySpec:
    """A product sold in colours (and sizes): one article per combination, each with its own GTIN."""

    type: ProductType
    colours: tuple[str, ...]
    """Keys of COLOURS."""
    sizes: tuple[str, ...] = ()
    size_step: int = 0
    """Minor units each larger size costs more (a XL jacket a little more than a S)."""

    @property
    def count(self) -> int:
        return len(self.colours) * max(len(self.sizes), 1)


def _f(key: str, colours: str, sizes: str = "", size_step: int = 0) -> FamilySpec:
    return FamilySpec(_TYPES[key], tuple(colours.split()), tuple(sizes.split()), size_step)


SHOE_SIZES = "38 40 42 44"
FAMILIES: tuple[FamilySpec, ...] = (
    _f("sneaker", "white black navy", "40 42 44"),
    _f("t_shirt", "white black navy", "S M L"),
    _f("jeans", "blue black", "30/32 32/32 34/32 36/32", size_step=100),
    _f("table_lamp", "black white"),
    _f("sweater", "grey navy", "S M L XL"),
    _f("running_shoe", "black blue", "39 41 43 45"),
    _f("rain_jacket", "red navy green", "S M L", size_step=250),
    _f("beanie", "black grey red green"),
    _f("dress", "red navy green", "S M L"),
    _f("boot", "black beige", "38 40 42"),
    _f("cushion", "beige grey green"),
    _f("socks", "black grey", "35-38 39-42 43-46"),
    _f("desk_lamp", "black white"),
    _f("winter_jacket", "black navy", "S M L XL", size_step=300),
)
"""The kinds of family the demo seed sells, fashion and footwear mostly, a few for the home."""


@dataclass(frozen=True)
class Variant(Article):
    """One article of a family: a colour (and size) of the same product, titled as shops do; its
    `index` is the demo product it is (its GTIN's number)."""

    first: int
    """The index of the family's first variant: the family's key."""
    size: str | None


def family(first: int, spec: FamilySpec, language: int) -> tuple[Variant, ...]:
    """The variants of the family whose first variant is demo product `first`, colour by colour and
    size by size within each colour, titled in `language` (an index into LANGUAGES). Deterministic.

    Two variants are out of stock (the last colour's smallest size, the second colour's largest; for
    a family without sizes of three colours or more, the last colour), never one of the first colour.
    """
    rng = random.Random(7_000_003 * first + 11)
    kind = spec.type
    noun = kind.names[language][0]
    brand = rng.choice(BRANDS)
    adjective = rng.choice(ADJECTIVES[language])
    material = rng.choice(kind.materials) if kind.materials else None
    material_word = MATERIALS[material][language] if material else ""
    price = int(min(rng.lognormvariate(8.3, 0.6), 50_000)) // 100 * 100 + 95
    sentence = rng.choice(SENTENCES)[language]
    colours, sizes = spec.colours, spec.sizes or (None,)
    sold_out: set[tuple[str, str | None]] = set()
    if spec.sizes and len(colours) > 1:
        sold_out = {(colours[-1], sizes[0]), (colours[1], sizes[-1])}
    elif len(colours) > 2:
        sold_out = {(colours[-1], None)}
    available = ("Verkrijgbaar in {} kleuren", "Erhältlich in {} Farben", "Available in {} colours")[language].format(
        len(colours)
    ) + (f", {('maten', 'Größen', 'sizes')[language]} {', '.join(spec.sizes)}." if spec.sizes else ".")
    variants: list[Variant] = []
    for colour in colours:
        colour_word = COLOURS[colour][language]
        opening = _opening(language, noun, brand, adjective, colour_word, material_word if material else "")
        description = " ".join(part for part in (*opening, available, sentence) if part)
        for step, size in enumerate(sizes):
            attributes = {"color": colour_word}
            if material:
                attributes["material"] = material_word
            if size is not None:
                attributes["size"] = size
            variants.append(
                Variant(
                    index=first + len(variants),
                    first=first,
                    type=kind,
                    language=language,
                    colour=colour,
                    size=size,
                    material=material,
                    title=f"{brand} {noun} {colour_word}",
                    description=description,
                    brand=brand,
                    category=_category_path(kind.google_category, LANGUAGES[language]),
                    attributes=attributes,
                    price=price + step * spec.size_step,
                    in_stock=(colour, size) not in sold_out,
                )
            )
    return tuple(variants)
