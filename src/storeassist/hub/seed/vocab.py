"""Words the demo chain is made of: metro areas, names in English, Chinese and Russian (each with
a Latin spelling for e-mail addresses), streets, the catalog's categories and their affinities.

All people, brands and e-mail domains are invented (``example.*`` domains only).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Metro:
    key: str
    city: str  # as written on the store's address
    country: str
    language: str  # en, zh, ru
    lat: float
    lon: float
    timezone: str
    districts: tuple[str, ...]
    phone_prefix: str  # E.164 country code plus a mobile range
    email_domain: str
    locale: str  # how the stores here write numbers, dates and money (Qt/CLDR name)
    currency: str  # ISO 4217: what the stores here sell in


METROS: dict[str, Metro] = {
    m.key: m
    for m in (
        Metro(
            "nyc",
            "New York",
            "US",
            "en",
            40.7359,
            -73.9911,
            "America/New_York",
            ("Union Square", "Midtown", "SoHo", "Brooklyn Heights", "Astoria", "Hoboken", "Harlem"),
            "1212",
            "example.com",
            locale="en_US",
            currency="USD",
        ),
        Metro(
            "sfo",
            "San Francisco",
            "US",
            "en",
            37.7793,
            -122.4193,
            "America/Los_Angeles",
            ("Union Square", "Mission", "Oakland Uptown", "Palo Alto", "San Jose Santana Row"),
            "1415",
            "example.com",
            locale="en_US",
            currency="USD",
        ),
        Metro(
            "lon",
            "London",
            "GB",
            "en",
            51.5136,
            -0.1365,
            "Europe/London",
            ("Oxford Circus", "Covent Garden", "Shoreditch", "Canary Wharf", "Westfield Stratford"),
            "447700",
            "example.co.uk",
            locale="en_GB",
            currency="GBP",
        ),
        Metro(
            "sha",
            "上海",
            "CN",
            "zh",
            31.2304,
            121.4737,
            "Asia/Shanghai",
            ("南京东路", "淮海中路", "陆家嘴", "徐家汇", "五角场", "静安寺"),
            "86139",
            "example.cn",
            locale="zh_CN",
            currency="CNY",
        ),
        Metro(
            "bjs",
            "北京",
            "CN",
            "zh",
            39.9087,
            116.3975,
            "Asia/Shanghai",
            ("王府井", "三里屯", "西单", "中关村", "望京"),
            "86138",
            "example.cn",
            locale="zh_CN",
            currency="CNY",
        ),
        Metro(
            "mow",
            "Москва",
            "RU",
            "ru",
            55.7558,
            37.6173,
            "Europe/Moscow",
            ("Тверская", "Арбат", "Киевская", "Сокольники", "Таганская", "Белорусская"),
            "7916",
            "example.ru",
            locale="ru_RU",
            currency="RUB",
        ),
        Metro(
            "led",
            "Санкт-Петербург",
            "RU",
            "ru",
            59.9343,
            30.3351,
            "Europe/Moscow",
            ("Невский проспект", "Петроградская", "Василеостровская", "Московская"),
            "7921",
            "example.ru",
            locale="ru_RU",
            currency="RUB",
        ),
    )
}

#: Which metro each new store opens in, repeated: store 1 and several neighbours are in New York,
#: so "nearby stock" has neighbours at every scale.
STORE_METRO_CYCLE = (
    "nyc",
    "nyc",
    "sha",
    "mow",
    "nyc",
    "sfo",
    "sha",
    "mow",
    "lon",
    "bjs",
    "led",
    "sfo",
    "lon",
)

STORE_HOURS = (
    "Mon-Sat 09:00-21:00; Sun 10:00-19:00",
    "Mon-Sun 10:00-22:00",
    "Mon-Fri 08:00-20:00; Sat-Sun 10:00-18:00",
    "Mon-Sun 09:00-21:00",
)

STREETS = {
    "en": (
        "Broadway",
        "Main St",
        "Market St",
        "Park Ave",
        "High St",
        "King's Rd",
        "Elm St",
        "Oak Ave",
        "Church Rd",
        "Mission St",
        "5th Ave",
        "Station Rd",
        "Maple Dr",
        "Victoria St",
        "Lake Shore Dr",
    ),
    "zh": (
        "南京路",
        "淮海路",
        "长安街",
        "中山路",
        "人民路",
        "建国路",
        "解放路",
        "延安路",
        "和平路",
        "复兴路",
    ),
    "ru": (
        "ул. Тверская",
        "ул. Арбат",
        "Ленинский пр.",
        "ул. Садовая",
        "Невский пр.",
        "ул. Мира",
        "ул. Пушкина",
        "ул. Гагарина",
        "Кутузовский пр.",
        "ул. Лесная",
    ),
}

EN_FIRST = (
    "James",
    "Mary",
    "Robert",
    "Patricia",
    "John",
    "Jennifer",
    "Michael",
    "Linda",
    "David",
    "Elizabeth",
    "William",
    "Barbara",
    "Richard",
    "Susan",
    "Joseph",
    "Jessica",
    "Thomas",
    "Sarah",
    "Charles",
    "Karen",
    "Daniel",
    "Emily",
    "Matthew",
    "Olivia",
    "Anthony",
    "Sophia",
    "Mark",
    "Grace",
    "Oliver",
    "Amelia",
    "Harry",
    "Isla",
    "George",
    "Ava",
    "Noah",
    "Mia",
    "Leo",
    "Chloe",
    "Ethan",
    "Zoe",
)
EN_LAST = (
    "Smith",
    "Johnson",
    "Williams",
    "Brown",
    "Jones",
    "Garcia",
    "Miller",
    "Davis",
    "Rodriguez",
    "Martinez",
    "Wilson",
    "Anderson",
    "Taylor",
    "Thomas",
    "Moore",
    "Jackson",
    "Martin",
    "Lee",
    "Thompson",
    "White",
    "Harris",
    "Clark",
    "Lewis",
    "Walker",
    "Hall",
    "Allen",
    "Young",
    "King",
    "Wright",
    "Scott",
    "Green",
    "Baker",
    "Adams",
    "Nelson",
    "Hill",
    "Campbell",
    "Evans",
    "Turner",
    "Patel",
    "O'Brien",
)

#: (Chinese, pinyin)
ZH_SURNAMES = (
    ("王", "wang"),
    ("李", "li"),
    ("张", "zhang"),
    ("刘", "liu"),
    ("陈", "chen"),
    ("杨", "yang"),
    ("黄", "huang"),
    ("赵", "zhao"),
    ("吴", "wu"),
    ("周", "zhou"),
    ("徐", "xu"),
    ("孙", "sun"),
    ("马", "ma"),
    ("朱", "zhu"),
    ("胡", "hu"),
    ("郭", "guo"),
    ("何", "he"),
    ("高", "gao"),
    ("林", "lin"),
    ("罗", "luo"),
    ("郑", "zheng"),
    ("梁", "liang"),
    ("谢", "xie"),
    ("宋", "song"),
    ("唐", "tang"),
    ("许", "xu"),
    ("韩", "han"),
    ("冯", "feng"),
    ("邓", "deng"),
    ("曹", "cao"),
)
ZH_GIVEN = (
    ("伟", "wei"),
    ("芳", "fang"),
    ("娜", "na"),
    ("秀英", "xiuying"),
    ("敏", "min"),
    ("静", "jing"),
    ("丽", "li"),
    ("强", "qiang"),
    ("磊", "lei"),
    ("军", "jun"),
    ("洋", "yang"),
    ("勇", "yong"),
    ("艳", "yan"),
    ("杰", "jie"),
    ("娟", "juan"),
    ("涛", "tao"),
    ("明", "ming"),
    ("超", "chao"),
    ("秀兰", "xiulan"),
    ("霞", "xia"),
    ("平", "ping"),
    ("刚", "gang"),
    ("桂英", "guiying"),
    ("子涵", "zihan"),
    ("浩然", "haoran"),
    ("欣怡", "xinyi"),
    ("梓萱", "zixuan"),
    ("宇轩", "yuxuan"),
    ("思远", "siyuan"),
    ("雨桐", "yutong"),
    ("嘉怡", "jiayi"),
    ("俊杰", "junjie"),
)

#: (Cyrillic, Latin); female surnames are derived from the male form.
RU_MALE = (
    ("Александр", "aleksandr"),
    ("Дмитрий", "dmitry"),
    ("Максим", "maksim"),
    ("Сергей", "sergey"),
    ("Андрей", "andrey"),
    ("Алексей", "aleksey"),
    ("Иван", "ivan"),
    ("Михаил", "mikhail"),
    ("Николай", "nikolay"),
    ("Павел", "pavel"),
    ("Артём", "artyom"),
    ("Егор", "egor"),
    ("Владимир", "vladimir"),
    ("Кирилл", "kirill"),
    ("Роман", "roman"),
)
RU_FEMALE = (
    ("Анна", "anna"),
    ("Мария", "maria"),
    ("Елена", "elena"),
    ("Ольга", "olga"),
    ("Наталья", "natalya"),
    ("Татьяна", "tatyana"),
    ("Екатерина", "ekaterina"),
    ("Ирина", "irina"),
    ("Светлана", "svetlana"),
    ("Дарья", "darya"),
    ("Анастасия", "anastasia"),
    ("Ксения", "ksenia"),
    ("Полина", "polina"),
    ("Юлия", "yulia"),
    ("Виктория", "viktoria"),
)
RU_SURNAMES = (
    ("Иванов", "ivanov"),
    ("Смирнов", "smirnov"),
    ("Кузнецов", "kuznetsov"),
    ("Попов", "popov"),
    ("Васильев", "vasiliev"),
    ("Петров", "petrov"),
    ("Соколов", "sokolov"),
    ("Михайлов", "mikhailov"),
    ("Новиков", "novikov"),
    ("Фёдоров", "fedorov"),
    ("Морозов", "morozov"),
    ("Волков", "volkov"),
    ("Алексеев", "alekseev"),
    ("Лебедев", "lebedev"),
    ("Семёнов", "semyonov"),
    ("Егоров", "egorov"),
    ("Павлов", "pavlov"),
    ("Козлов", "kozlov"),
    ("Степанов", "stepanov"),
    ("Никитин", "nikitin"),
    ("Орлов", "orlov"),
    ("Зайцев", "zaitsev"),
    ("Соловьёв", "solovyov"),
    ("Белов", "belov"),
    ("Медведев", "medvedev"),
)


@dataclass(frozen=True, slots=True)
class Category:
    name: str
    sizes: tuple[str, ...]  # empty: one size
    size_key: str | None  # key in the customer's ``sizes``
    price_range: tuple[int, int]  # whole currency units
    nouns: tuple[str, ...]
    weight: float  # share of styles and of demand


_APPAREL = ("XS", "S", "M", "L", "XL", "XXL")
_SHOES = ("36", "37", "38", "39", "40", "41", "42", "43", "44", "45")
_WAIST = ("26", "28", "30", "32", "34", "36", "38")
_KIDS = ("2Y", "4Y", "6Y", "8Y", "10Y", "12Y")

CATEGORIES: tuple[Category, ...] = (
    Category(
        "Tops", _APPAREL, "tops", (12, 45), ("T-Shirt", "Tank", "Polo", "Henley", "Long-Sleeve Tee"), 1.6
    ),
    Category(
        "Shirts", _APPAREL, "tops", (30, 90), ("Oxford Shirt", "Linen Shirt", "Flannel Shirt", "Blouse"), 1.0
    ),
    Category("Knitwear", _APPAREL, "tops", (40, 140), ("Crewneck Sweater", "Cardigan", "Merino Jumper"), 0.8),
    Category(
        "Dresses", _APPAREL, "tops", (40, 160), ("Midi Dress", "Wrap Dress", "Slip Dress", "Shirt Dress"), 0.9
    ),
    Category("Jeans", _WAIST, "waist", (50, 130), ("Slim Jeans", "Straight Jeans", "Relaxed Jeans"), 1.0),
    Category("Trousers", _WAIST, "waist", (40, 120), ("Chinos", "Tailored Trousers", "Cargo Pants"), 0.8),
    Category(
        "Outerwear", _APPAREL, "tops", (90, 380), ("Parka", "Trench Coat", "Puffer Jacket", "Blazer"), 0.7
    ),
    Category(
        "Activewear", _APPAREL, "tops", (20, 90), ("Leggings", "Running Shorts", "Sports Bra", "Hoodie"), 1.0
    ),
    Category("Shoes", _SHOES, "shoes", (50, 220), ("Sneakers", "Chelsea Boots", "Loafers", "Sandals"), 1.0),
    Category("Bags", (), None, (35, 300), ("Tote", "Backpack", "Crossbody Bag", "Weekender"), 0.5),
    Category("Accessories", (), None, (10, 80), ("Scarf", "Beanie", "Belt", "Sunglasses", "Cap"), 0.8),
    Category("Underwear", _APPAREL, "tops", (8, 35), ("Boxer Briefs", "Socks 3-Pack", "Bralette"), 0.7),
    Category("Sleepwear", _APPAREL, "tops", (25, 80), ("Pyjama Set", "Robe", "Lounge Pants"), 0.4),
    Category(
        "Kids", _KIDS, "kids", (10, 60), ("Kids Tee", "Kids Hoodie", "Kids Jeans", "Kids Sneakers"), 0.6
    ),
    Category("Home", (), None, (15, 150), ("Throw Blanket", "Candle", "Cushion Cover", "Towel Set"), 0.4),
    Category("Beauty", (), None, (8, 70), ("Lip Balm", "Hand Cream", "Eau de Parfum", "Face Serum"), 0.4),
)

#: Category → categories bought with it; a basket starts in one and adds from these.
AFFINITY: dict[str, tuple[str, ...]] = {
    "Tops": ("Jeans", "Trousers", "Accessories", "Underwear"),
    "Shirts": ("Trousers", "Knitwear", "Shoes", "Accessories"),
    "Knitwear": ("Shirts", "Jeans", "Accessories", "Outerwear"),
    "Dresses": ("Shoes", "Bags", "Accessories", "Beauty"),
    "Jeans": ("Tops", "Shoes", "Knitwear", "Accessories"),
    "Trousers": ("Shirts", "Shoes", "Knitwear"),
    "Outerwear": ("Knitwear", "Accessories", "Shoes", "Bags"),
    "Activewear": ("Shoes", "Underwear", "Bags", "Tops"),
    "Shoes": ("Jeans", "Activewear", "Accessories"),
    "Bags": ("Accessories", "Dresses", "Beauty"),
    "Accessories": ("Outerwear", "Bags", "Knitwear"),
    "Underwear": ("Sleepwear", "Tops", "Activewear"),
    "Sleepwear": ("Underwear", "Home", "Beauty"),
    "Kids": ("Home", "Kids", "Shoes"),
    "Home": ("Sleepwear", "Beauty", "Kids"),
    "Beauty": ("Home", "Dresses", "Bags"),
}

BRANDS = (
    "Harbor & Pine",
    "Northline",
    "Kestrel",
    "Marlow",
    "Aster & Co",
    "Fieldcraft",
    "Solstice",
    "Urbane",
    "Tundra Works",
    "Lumen",
    "Cobalt Row",
    "Wren",
    "Meridian",
    "Saltmarsh",
    "Fenwick",
    "Juniper Lane",
    "Ridgeback",
    "Orla",
    "Halcyon",
    "Stonefly",
    "Arden",
    "Vela",
    "Corvid",
    "Brightwater",
)
ADJECTIVES = (
    "Classic",
    "Relaxed",
    "Essential",
    "Organic Cotton",
    "Recycled",
    "Heritage",
    "Everyday",
    "Lightweight",
    "Premium",
    "Vintage Wash",
    "Stretch",
    "Cropped",
    "Oversized",
    "Tailored",
    "Waterproof",
    "Soft-Touch",
)
#: (name, three-letter code for the SKU)
COLOURS = (
    ("Black", "BLK"),
    ("White", "WHT"),
    ("Navy", "NVY"),
    ("Grey Marl", "GRY"),
    ("Olive", "OLV"),
    ("Camel", "CML"),
    ("Burgundy", "BRG"),
    ("Sky Blue", "SKY"),
    ("Ecru", "ECR"),
    ("Forest", "FOR"),
    ("Rust", "RST"),
    ("Blush", "BLS"),
    ("Charcoal", "CHR"),
    ("Indigo", "IND"),
)
MATERIALS = (
    "cotton",
    "organic cotton",
    "linen",
    "merino wool",
    "recycled polyester",
    "denim",
    "leather",
    "cashmere blend",
    "nylon",
    "viscose",
)

CASE_SUBJECTS = (
    ("Parcel arrived damaged", -0.6),
    ("Refund not received yet", -0.7),
    ("Delivery is late", -0.5),
    ("Wrong size delivered", -0.4),
    ("Loyalty points missing from last order", -0.3),
    ("Pickup order was not ready on time", -0.6),
    ("Question about an exchange", 0.0),
    ("Change of delivery address", 0.1),
    ("Compliment for store staff", 0.8),
    ("Item out of stock online", -0.2),
)
RETURN_REASONS = ("too small", "too large", "changed mind", "damaged", "not as described", "late delivery")
