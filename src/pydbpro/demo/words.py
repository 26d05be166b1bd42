"""Word lists the demo generator combines into names, places and products.

They live apart from the generator so that its logic stays readable. Everything is
a tuple: the lists are shared constants, and a mutable list here would be module
state that one generation could accidentally change for the next. The non-ASCII
spellings are deliberate -- the demo should exercise unicode the way real data does
(hence the file-wide RUF001 exemption: a Turkish dotless i, a Cyrillic O or an en dash
here is meant, not a look-alike).
"""

# ruff: noqa: RUF001

from __future__ import annotations

FIRST_NAMES: tuple[str, ...] = (
    "Anna", "Zoë", "Lukas", "Sofía", "Mateo", "Chloé", "Noah", "Emma", "Liam", "Olivia",
    "Jürgen", "Björn", "Åsa", "Søren", "Ingrid", "François", "Amélie", "José", "João",
    "Inês", "Łukasz", "Małgorzata", "Çağlar", "Ayşe", "Mehmet", "Dmitri", "Олег",
    "Наталья", "Yuki", "Haruto", "さくら", "Wei", "Mei", "Priya", "Arjun", "Fatima",
    "Omar", "Chiara", "Giulia", "Marco", "Siobhán", "Seán", "Niamh", "Elif", "Zoltán",
    "Réka", "Ethan", "Ava", "Grace", "Hugo", "Léa", "Tomás", "Renée", "Nils", "Maja",
)

LAST_NAMES: tuple[str, ...] = (
    "Müller", "Schmidt", "Ångström", "Johansson", "Nielsen", "Dubois", "Lefèvre",
    "García", "Núñez", "Silva", "Gonçalves", "Kowalski", "Wiśniewska", "Yılmaz",
    "Öztürk", "Ivanov", "Иванова", "Tanaka", "佐藤", "Suzuki", "Chen", "Wang", "Patel",
    "Sharma", "Khan", "Haddad", "Rossi", "Bianchi", "O'Brien", "Ó Súilleabháin", "Smith",
    "Johnson", "Brown", "Taylor", "Nowak", "Horváth", "Dvořák", "Andersen", "Virtanen",
    "Kovačević", "Papadopoulos", "van den Berg", "De Luca", "Fernández", "Martin",
    "Lambert", "Weiß", "Løvgren", "Jónsdóttir", "Schröder",
)

#: (country, calling code, postal code pattern or None, company name format).
#: In postal patterns "#" is a digit and "A" an upper-case letter; None means the
#: country has no postal codes in everyday use.
COUNTRIES: tuple[tuple[str, str, str | None, str], ...] = (
    ("Germany", "49", "#####", "{} GmbH"),
    ("United Kingdom", "44", "A# #AA", "{} Ltd"),
    ("United States", "1", "#####", "{} Inc."),
    ("France", "33", "#####", "{} SARL"),
    ("Spain", "34", "#####", "{} S.L."),
    ("Portugal", "351", "####-###", "{} Lda."),
    ("Brazil", "55", "#####-###", "{} Ltda."),
    ("Sweden", "46", "### ##", "{} AB"),
    ("Denmark", "45", "####", "{} ApS"),
    ("Poland", "48", "##-###", "{} Sp. z o.o."),
    ("Türkiye", "90", "#####", "{} A.Ş."),
    ("Russia", "7", "######", "ООО «{}»"),
    ("Japan", "81", "###-####", "株式会社{}"),
    ("Canada", "1", "A#A #A#", "{} Ltd."),
    ("Mexico", "52", "#####", "{} S.A. de C.V."),
    ("Italy", "39", "#####", "{} S.r.l."),
    ("Ireland", "353", "A## A#A#", "{} Limited"),
    ("Hong Kong", "852", None, "{} Limited"),
    ("United Arab Emirates", "971", None, "{} LLC"),
    ("India", "91", "######", "{} Pvt. Ltd."),
    ("China", "86", "######", "{} Co., Ltd."),
    ("Austria", "43", "####", "{} GmbH"),
    ("Switzerland", "41", "####", "{} AG"),
    ("Iceland", "354", "###", "{} ehf."),
)

#: (city, country); big markets appear more than once so they get more customers.
CITIES: tuple[tuple[str, str], ...] = (
    ("Berlin", "Germany"), ("München", "Germany"), ("Köln", "Germany"),
    ("Hamburg", "Germany"), ("Düsseldorf", "Germany"), ("London", "United Kingdom"),
    ("Manchester", "United Kingdom"), ("Edinburgh", "United Kingdom"),
    ("New York", "United States"), ("Chicago", "United States"),
    ("San Francisco", "United States"), ("Austin", "United States"), ("Paris", "France"),
    ("Lyon", "France"), ("Besançon", "France"), ("Madrid", "Spain"),
    ("A Coruña", "Spain"), ("Málaga", "Spain"), ("Lisboa", "Portugal"),
    ("Porto", "Portugal"), ("São Paulo", "Brazil"), ("Rio de Janeiro", "Brazil"),
    ("Stockholm", "Sweden"), ("Göteborg", "Sweden"), ("Malmö", "Sweden"),
    ("København", "Denmark"), ("Aarhus", "Denmark"), ("Warszawa", "Poland"),
    ("Łódź", "Poland"), ("Kraków", "Poland"), ("Gdańsk", "Poland"),
    ("İstanbul", "Türkiye"), ("Ankara", "Türkiye"), ("Москва", "Russia"),
    ("Санкт-Петербург", "Russia"), ("東京", "Japan"), ("大阪", "Japan"),
    ("Montréal", "Canada"), ("Toronto", "Canada"), ("Ciudad de México", "Mexico"),
    ("Guadalajara", "Mexico"), ("Milano", "Italy"), ("Roma", "Italy"),
    ("Torino", "Italy"), ("Dublin", "Ireland"), ("Cork", "Ireland"),
    ("Hong Kong", "Hong Kong"), ("Dubai", "United Arab Emirates"), ("Mumbai", "India"),
    ("Bengaluru", "India"), ("上海", "China"), ("北京", "China"), ("Wien", "Austria"),
    ("Graz", "Austria"), ("Zürich", "Switzerland"), ("Genève", "Switzerland"),
    ("Reykjavík", "Iceland"),
)

#: (name, description or None, typical unit price, product nouns unique to the category).
CATEGORIES: tuple[tuple[str, str | None, float, tuple[str, ...]], ...] = (
    ("Beverages", "Soft drinks, coffees, teas, beers and ales", 14.0,
     ("Coffee", "Green Tea", "Lemonade", "Lager", "Apple Juice", "Mineral Water", "Chai")),
    ("Condiments", "Sweet and savory sauces, relishes, spreads and seasonings", 9.0,
     ("Mustard", "Ketchup", "Chutney", "Pesto", "Hot Sauce", "Honey", "Sea Salt")),
    ("Confections", "Desserts, candies and sweet breads", 7.5,
     ("Chocolate", "Marzipan", "Nougat", "Fudge", "Toffee", "Lebkuchen", "Turrón")),
    ("Dairy Products", "Cheeses, butter and yoghurt", 11.0,
     ("Gouda", "Brie", "Feta", "Butter", "Skyr", "Mozzarella", "Crème Fraîche")),
    ("Grains & Cereals", "Breads, crackers, pasta and cereal", 5.0,
     ("Spaghetti", "Muesli", "Rye Crackers", "Basmati Rice", "Couscous", "Oat Flakes")),
    ("Meat & Poultry", "Prepared meats", 24.0,
     ("Salami", "Prosciutto", "Chorizo", "Chicken Breast", "Pâté", "Bratwurst", "Jamón")),
    ("Produce", "Dried fruit, nuts and bean curd", 8.0,
     ("Dried Apples", "Tofu", "Dates", "Figs", "Sun-dried Tomatoes", "Olives", "Almonds")),
    ("Seafood", "Seaweed and fish", 19.0,
     ("Smoked Salmon", "Herring", "Anchovies", "Caviar", "Crab Meat", "Nori", "Bacalhau")),
    ("Bakery", None, 6.0,
     ("Sourdough", "Croissants", "Pretzels", "Rye Bread", "Brioche", "Bagels")),
    ("Frozen Foods", "Ready meals and ice cream", 9.5,
     ("Pizza", "Gelato", "Dumplings", "Lasagne", "Pierogi", "Spring Rolls")),
    ("Snacks", None, 4.0,
     ("Crisps", "Popcorn", "Trail Mix", "Rice Crackers", "Pretzel Sticks", "Nachos")),
    ("Household", "Cleaning and kitchen supplies", 7.0,
     ("Dish Soap", "Paper Towels", "Sponges", "Baking Paper", "Candles", "Napkins")),
)

PRODUCT_ADJECTIVES: tuple[str, ...] = (
    "Organic", "Classic", "Premium", "Bavarian", "Nordic", "Alpine", "Artisan", "Rustic",
    "Smoked", "Golden", "Wild", "Royal", "Château", "Mediterranean", "Gourmet", "Spicy",
    "Old-Fashioned", "Highland", "Sakura", "Provençal",
)

SUPPLIER_WORDS: tuple[str, ...] = (
    "Nordic", "Alpine", "Atlantic", "Pacific", "Golden", "Sunrise", "Ångström", "Grand",
    "Blue River", "Østerland", "Edelweiß", "Coração", "Fjord", "Sakura", "Olivia",
)
SUPPLIER_TRADES: tuple[str, ...] = (
    "Foods", "Trading", "Provisions", "Imports", "Delicatessen", "Farms", "Distributors",
)
#: Words that turn a surname into a plausible small-business customer.
BUSINESS_WORDS: tuple[str, ...] = (
    "Café", "Bistro", "Delikatessen", "Market", "Catering", "Hotel", "Kitchen",
    "Épicerie", "Trattoria", "Deli",
)
EMAIL_DOMAINS: tuple[str, ...] = (
    "example.com", "example.net", "example.org", "mail.example", "post.example",
)
CUSTOMER_NOTES: tuple[str, ...] = (
    "Prefers delivery before noon.", "Invoice by post, not by e-mail.",
    "Key account – quarterly review.", "Use the warehouse entrance at the back.",
    "Wünscht Lieferung nur dienstags.", "Allergic to nuts – double-check substitutions.",
    "Payment terms: net 30.", "Крупные заказы — звонить заранее.",
    "Très bon client depuis des années.", "Closed in August.",
)

#: (vice-president title, manager title, staff title, managers, staff per manager).
#: 1 CEO + 5 VPs + 54 managers and staff = 60 employees in four levels.
DEPARTMENTS: tuple[tuple[str, str, str, int, int], ...] = (
    ("VP Sales", "Sales Manager", "Sales Representative", 4, 6),
    ("VP Operations", "Logistics Manager", "Logistics Coordinator", 2, 5),
    ("Chief Financial Officer", "Finance Manager", "Accountant", 1, 3),
    ("Chief Technology Officer", "Engineering Manager", "Software Engineer", 1, 5),
    ("VP Marketing", "Marketing Manager", "Marketing Specialist", 1, 3),
)
SALES_REP_TITLE = "Sales Representative"
