"""The demo store's world as data: who lives on the North Shore, what the store sells and at what price, what
associates write down, and how the seasons and channels go. The story modules draw from it."""

from __future__ import annotations

from ..domain.vocab import ItemCategory, Outcome

FEMININE = (
    "Olivia Emma Charlotte Amelia Sophia Isabella Ava Mia Evelyn Harper Abigail Emily Elizabeth Grace Chloe "
    "Victoria Hannah Natalie Claire Margaret Catherine Susan Linda Karen Patricia Deborah Nancy Laura Rebecca "
    "Rachel Jennifer Michelle Ananya Aisha Fatima Leila Yasmin Mei Hana Yuki Ji-yeon Mariana Camila Valentina "
    "Lucia Gabriela Ximena Ngozi Amara Chiamaka Zanele Siobhan Aoife Ingrid Astrid Freya Katarzyna Olga "
    "Giulia Francesca Chiara Elena Noor Tamar Miriam Esther Keisha Imani"
).split()
MASCULINE = (
    "James William Benjamin Henry Alexander Michael Daniel Matthew Andrew Joseph David Christopher Thomas "
    "Robert Richard Charles Patrick Brian Kevin Steven Gregory Jonathan Nathan Samuel Ethan Lucas Owen Arjun "
    "Rohan Vikram Omar Ahmed Karim Hassan Wei Jun Hiroshi Kenji Min-jun Seo-jun Mateo Santiago Diego Carlos "
    "Alejandro Rafael Chinedu Kwame Tendai Sean Liam Declan Lars Erik Magnus Piotr Tomasz Dmitri Marco Luca "
    "Giovanni Nikos Yosef Eli Malik Andre Jamal Tyrone"
).split()
SURNAMES = (
    "Smith Johnson Williams Brown Jones Miller Davis Wilson Anderson Taylor Thomas Moore Martin Thompson White "
    "Harris Clark Lewis Robinson Walker Young Allen King Wright Scott Hill Green Adams Baker Nelson Carter "
    "Mitchell Roberts Campbell Parker Evans Edwards Collins Stewart Morris Murphy Cook Rogers Morgan Cooper "
    "Reed Bailey Kelly Howard Sullivan O'Brien Fitzgerald Gallagher McCarthy Doyle Garcia Martinez Rodriguez "
    "Hernandez Lopez Gonzalez Perez Ramirez Torres Flores Rivera Morales Nguyen Tran Pham Le Kim Park Lee Choi "
    "Chen Wang Zhang Liu Huang Tanaka Suzuki Sato Yamamoto Patel Shah Singh Gupta Iyer Khan Haddad Nasser "
    "Rahman Okafor Adeyemi Mensah Diallo Kowalski Nowak Petrov Rossi Russo Bianchi Romano Costa Silva Santos "
    "Oliveira Mueller Schmidt Fischer Weber Larsen Johansson Lindqvist Dubois Moreau Laurent Cohen Levy "
    "Friedman Goldberg Papadopoulos Yilmaz Demir Byrne"
).split()

# The store is in Salem, MA: most of the book lives on the North Shore, a few moved away.
TOWNS: tuple[tuple[str, str, str, int], ...] = (
    ("Salem", "MA", "01970", 30), ("Marblehead", "MA", "01945", 14), ("Beverly", "MA", "01915", 14),
    ("Swampscott", "MA", "01907", 8), ("Peabody", "MA", "01960", 10), ("Danvers", "MA", "01923", 8),
    ("Lynn", "MA", "01902", 6), ("Gloucester", "MA", "01930", 5), ("Newburyport", "MA", "01950", 3),
    ("Boston", "MA", "02116", 4), ("Cambridge", "MA", "02138", 2), ("Portsmouth", "NH", "03801", 2),
)
STREETS = (
    "Harbor St", "Elm St", "Washington St", "Lafayette St", "Essex St", "Derby St", "Chestnut St", "Federal St",
    "Bridge St", "Pleasant St", "Ocean Ave", "Atlantic Ave", "Summit Ave", "Highland Ave", "Maple Ave",
    "Orchard Ln", "Bay View Dr", "Lighthouse Ln", "Pickering Way", "Winter St", "Front St", "Loring Ave",
)
# Fictional numbers only: 555-0100..0199 is reserved for fiction in every North American area code.
AREA_CODES = (
    "978", "781", "617", "508", "339", "351", "857", "774", "413", "603",
    "207", "401", "860", "203", "212", "646", "917", "718", "914", "802",
)

METALS = ("14k yellow gold", "18k white gold", "platinum", "sterling silver", "rose gold")
STONES = ("diamond", "sapphire", "emerald", "pearl", "opal", "ruby", "tanzanite")
STYLES = ("classic", "vintage", "modern", "minimal", "bold", "art deco", "bohemian")
FINE_BRANDS = ("Tacori", "Simon G.", "Gabriel & Co.", "Verragio", "Hearts On Fire", "Roberto Coin",
               "John Hardy", "Lagos", "Marco Bicego")
WATCH_BRANDS = ("Seiko", "Citizen", "Longines", "Tudor", "TAG Heuer", "Bulova")
PEARL_BRAND = "Mikimoto"
SOURCES = ("walk-in", "walk-in", "walk-in", "google", "instagram", "wedding show", "store event", "website")
NOTES = (
    "Prefers appointments after 5pm.", "Works at the hospital; text first, calls go to voicemail.",
    "Likes to see new arrivals before they hit the case.", "Always buys two weeks before the date; call early.",
    "Allergic to nickel: gold or platinum only.", "Surprise gifts; never call the home number.",
    "Collects vintage pieces from estate buys.", "Brought in grandmother's ring for a reset idea.",
    "Keeps a wish list with us for the holidays.", "Big sailing family; ask about the summer race.",
    "Daughter getting married next year.", "Travels for work in spring; reach by email.",
)
RING_SIZES = ("4.5", "5", "5.5", "6", "6.5", "7", "7.5", "8", "9", "10", "11")
REPAIRS = (
    ("Ring sizing", 45, 150), ("Prong retipping", 60, 240), ("Chain solder", 40, 90),
    ("Clasp replacement", 45, 120), ("Rhodium plating", 60, 150), ("Watch battery and reseal", 40, 75),
    ("Pearl restringing", 75, 300), ("Stone tightening", 40, 120), ("Watch band adjustment", 40, 60),
)
WISHES = (
    ("Sapphire stud earrings, 5mm", ItemCategory.EARRINGS, "18k white gold", "sapphire", 1800),
    ("Diamond tennis bracelet, 3ct", ItemCategory.BRACELET, "18k white gold", "diamond", 6500),
    ("Upgrade to a 2ct solitaire", ItemCategory.RING, "platinum", "diamond", 18000),
    ("Opal pendant like the one in the window", ItemCategory.PENDANT, "14k yellow gold", "opal", 900),
    ("Akoya pearl strand", ItemCategory.NECKLACE, "14k yellow gold", "pearl", 2400),
    ("Emerald eternity band", ItemCategory.RING, "platinum", "emerald", 4200),
    ("Rose gold bangle", ItemCategory.BRACELET, "rose gold", None, 1100),
    ("Dive watch with steel bracelet", ItemCategory.WATCH, "stainless steel", None, 3800),
    ("Tanzanite drop earrings", ItemCategory.EARRINGS, "14k yellow gold", "tanzanite", 1600),
    ("Ruby anniversary band", ItemCategory.RING, "18k white gold", "ruby", 2600),
    ("Birthstone family pendant", ItemCategory.PENDANT, "sterling silver", None, 350),
    ("Gold hoop earrings, medium", ItemCategory.EARRINGS, "14k yellow gold", None, 650),
)
OUTREACH_NOTES: dict[str, tuple[str, ...]] = {
    Outcome.REACHED: ("Loved the earrings; thinking about a matching pendant.", "Will stop by on Saturday.",
                      "Asked about cleaning before the wedding.", "Happy with the ring; no needs right now."),
    Outcome.VOICEMAIL: ("Left message about new arrivals.", "Left message about the upcoming date."),
    Outcome.NO_ANSWER: ("No answer.",),
    Outcome.REPLIED: ("Replied with a thumbs up.", "Asked for photos of the sapphire studs.",
                      "Said thanks, will come in next month."),
    Outcome.BOOKED: ("Booked a private viewing.", "Booked a cleaning and inspection.", "Coming in Thursday at 5."),
    Outcome.SOLD: ("Bought the piece we sent photos of.", "Came in and picked an anniversary gift."),
    Outcome.NOT_NOW: ("Not shopping this season.", "Asked us to check back after the holidays."),
    Outcome.DO_NOT_CONTACT: ("Asked not to be contacted again.",),
}
# Shoppers come in for the holidays, Valentine's Day and Mother's Day; weddings cluster in late spring and fall.
SELF_MONTH_WEIGHT = (1.6, 1.2, 0.8, 0.9, 1.2, 1.0, 0.8, 0.8, 0.8, 0.9, 1.2, 1.5)
WEDDING_MONTH_WEIGHT = (2, 2, 3, 5, 9, 14, 9, 10, 14, 15, 6, 5)
PROPOSAL_MONTH_WEIGHT = (9, 6, 3, 3, 4, 5, 5, 4, 4, 5, 7, 20)
OCCASION_CATEGORIES: dict[str, tuple[tuple[ItemCategory, ...], tuple[int, ...]]] = {
    "anniversary": ((ItemCategory.RING, ItemCategory.EARRINGS, ItemCategory.NECKLACE, ItemCategory.PENDANT,
                     ItemCategory.BRACELET, ItemCategory.WATCH), (25, 25, 15, 15, 15, 5)),
    "birthday": ((ItemCategory.EARRINGS, ItemCategory.PENDANT, ItemCategory.NECKLACE, ItemCategory.BRACELET,
                  ItemCategory.RING, ItemCategory.WATCH), (25, 20, 20, 20, 10, 5)),
    "holiday": ((ItemCategory.EARRINGS, ItemCategory.NECKLACE, ItemCategory.PENDANT, ItemCategory.BRACELET,
                 ItemCategory.WATCH, ItemCategory.RING), (25, 20, 20, 20, 10, 5)),
    "valentines": ((ItemCategory.PENDANT, ItemCategory.EARRINGS, ItemCategory.NECKLACE, ItemCategory.BRACELET,
                    ItemCategory.RING), (30, 25, 20, 15, 10)),
    "mothers_day": ((ItemCategory.PENDANT, ItemCategory.EARRINGS, ItemCategory.NECKLACE, ItemCategory.BRACELET,
                     ItemCategory.RING), (30, 25, 20, 20, 5)),
    "self": ((ItemCategory.RING, ItemCategory.EARRINGS, ItemCategory.NECKLACE, ItemCategory.PENDANT,
              ItemCategory.BRACELET, ItemCategory.WATCH), (25, 20, 10, 10, 15, 20)),
}
# (low, high) of a 14k gold piece without a stone; metal and stone multiply it.
BASE_PRICE: dict[ItemCategory, tuple[int, int]] = {
    ItemCategory.RING: (300, 2500), ItemCategory.EARRINGS: (150, 1500), ItemCategory.NECKLACE: (200, 2500),
    ItemCategory.PENDANT: (150, 1800), ItemCategory.BRACELET: (200, 3000), ItemCategory.WATCH: (250, 12000),
}
STONE_FACTOR = {"diamond": 2.2, "sapphire": 1.6, "emerald": 1.6, "ruby": 1.6, "tanzanite": 1.4, "opal": 1.1,
                "pearl": 1.0, None: 1.0}
METAL_FACTOR = {"platinum": 1.5, "18k white gold": 1.3, "14k yellow gold": 1.0, "rose gold": 1.0,
                "sterling silver": 0.18, "stainless steel": 1.0}
CATEGORY_STONES: dict[ItemCategory, tuple[tuple[str | None, ...], tuple[int, ...]]] = {
    ItemCategory.RING: (("diamond", "sapphire", "emerald", "ruby", "tanzanite", "opal", None),
                        (45, 12, 6, 5, 4, 3, 25)),
    ItemCategory.EARRINGS: (("diamond", "pearl", "sapphire", "opal", "tanzanite", "emerald", None),
                            (38, 20, 8, 5, 4, 3, 22)),
    ItemCategory.NECKLACE: (("diamond", "pearl", "sapphire", "emerald", None), (25, 20, 8, 5, 42)),
    ItemCategory.PENDANT: (("diamond", "sapphire", "opal", "emerald", "ruby", "tanzanite", "pearl", None),
                           (28, 12, 8, 6, 5, 5, 6, 30)),
    ItemCategory.BRACELET: (("diamond", "sapphire", "pearl", None), (25, 6, 4, 65)),
}
PIECE_WORDS: dict[ItemCategory, tuple[str, ...]] = {
    ItemCategory.RING: ("halo ring", "three-stone ring", "stackable ring", "cocktail ring", "eternity band"),
    ItemCategory.EARRINGS: ("stud earrings", "drop earrings", "hoop earrings", "huggie earrings"),
    ItemCategory.NECKLACE: ("tennis necklace", "station necklace", "chain necklace", "lariat necklace"),
    ItemCategory.PENDANT: ("halo pendant", "solitaire pendant", "initial pendant", "birthstone pendant"),
    ItemCategory.BRACELET: ("tennis bracelet", "bangle", "cuff bracelet", "link bracelet", "charm bracelet"),
}
WATCH_WORDS = ("automatic watch", "dive watch", "dress watch", "chronograph", "solar watch")
