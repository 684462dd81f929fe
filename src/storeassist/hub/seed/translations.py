"""The catalog's names in Russian and Chinese: each product's adjective and noun, translated.

A product is named ``{brand} {adjective} {noun}`` (``seed.catalog``). In Russian the adjective
agrees with the noun's gender (or number), or, for a phrase ("из органического хлопка"), follows
it; the brand stays in Latin letters. In Chinese the name is the adjective and the noun written
together, without spaces and without the brand (a shopper says 修身牛仔裤, not the brand).
"""

from __future__ import annotations

#: English noun → (Russian noun, its gender: "m", "f", "n" or "pl", Chinese noun).
NOUNS: dict[str, tuple[str, str, str]] = {
    "T-Shirt": ("футболка", "f", "T恤"),
    "Tank": ("майка", "f", "背心"),
    "Polo": ("рубашка поло", "f", "Polo衫"),
    "Henley": ("хенли", "m", "亨利衫"),
    "Long-Sleeve Tee": ("лонгслив", "m", "长袖T恤"),
    "Oxford Shirt": ("оксфордская рубашка", "f", "牛津衬衫"),
    "Linen Shirt": ("льняная рубашка", "f", "亚麻衬衫"),
    "Flannel Shirt": ("фланелевая рубашка", "f", "法兰绒衬衫"),
    "Blouse": ("блузка", "f", "女式衬衫"),
    "Crewneck Sweater": ("свитер с круглым вырезом", "m", "圆领毛衣"),
    "Cardigan": ("кардиган", "m", "开衫"),
    "Merino Jumper": ("джемпер из мериноса", "m", "美利奴毛衣"),
    "Midi Dress": ("платье миди", "n", "中长连衣裙"),
    "Wrap Dress": ("платье с запахом", "n", "裹身连衣裙"),
    "Slip Dress": ("платье-комбинация", "n", "吊带连衣裙"),
    "Shirt Dress": ("платье-рубашка", "n", "衬衫连衣裙"),
    "Slim Jeans": ("джинсы слим", "pl", "修身牛仔裤"),
    "Straight Jeans": ("прямые джинсы", "pl", "直筒牛仔裤"),
    "Relaxed Jeans": ("джинсы свободного кроя", "pl", "宽松牛仔裤"),
    "Chinos": ("чиносы", "pl", "卡其裤"),
    "Tailored Trousers": ("классические брюки", "pl", "西裤"),
    "Cargo Pants": ("брюки карго", "pl", "工装裤"),
    "Parka": ("парка", "f", "派克大衣"),
    "Trench Coat": ("тренч", "m", "风衣"),
    "Puffer Jacket": ("пуховик", "m", "羽绒服"),
    "Blazer": ("блейзер", "m", "西装外套"),
    "Leggings": ("леггинсы", "pl", "打底裤"),
    "Running Shorts": ("шорты для бега", "pl", "跑步短裤"),
    "Sports Bra": ("спортивный топ", "m", "运动内衣"),
    "Hoodie": ("худи", "n", "连帽衫"),
    "Sneakers": ("кроссовки", "pl", "运动鞋"),
    "Chelsea Boots": ("ботинки челси", "pl", "切尔西靴"),
    "Loafers": ("лоферы", "pl", "乐福鞋"),
    "Sandals": ("сандалии", "pl", "凉鞋"),
    "Tote": ("сумка-тоут", "f", "托特包"),
    "Backpack": ("рюкзак", "m", "双肩包"),
    "Crossbody Bag": ("сумка через плечо", "f", "斜挎包"),
    "Weekender": ("дорожная сумка", "f", "旅行包"),
    "Scarf": ("шарф", "m", "围巾"),
    "Beanie": ("шапка", "f", "毛线帽"),
    "Belt": ("ремень", "m", "腰带"),
    "Sunglasses": ("солнцезащитные очки", "pl", "太阳镜"),
    "Cap": ("кепка", "f", "棒球帽"),
    "Boxer Briefs": ("трусы-боксеры", "pl", "四角内裤"),
    "Socks 3-Pack": ("носки, 3 пары", "pl", "袜子三双装"),
    "Bralette": ("бралетт", "m", "无钢圈文胸"),
    "Pyjama Set": ("пижама", "f", "睡衣套装"),
    "Robe": ("халат", "m", "浴袍"),
    "Lounge Pants": ("домашние брюки", "pl", "家居裤"),
    "Kids Tee": ("детская футболка", "f", "儿童T恤"),
    "Kids Hoodie": ("детское худи", "n", "儿童连帽衫"),
    "Kids Jeans": ("детские джинсы", "pl", "儿童牛仔裤"),
    "Kids Sneakers": ("детские кроссовки", "pl", "儿童运动鞋"),
    "Throw Blanket": ("плед", "m", "毛毯"),
    "Candle": ("свеча", "f", "香薰蜡烛"),
    "Cushion Cover": ("чехол для подушки", "m", "靠垫套"),
    "Towel Set": ("набор полотенец", "m", "毛巾套装"),
    "Lip Balm": ("бальзам для губ", "m", "润唇膏"),
    "Hand Cream": ("крем для рук", "m", "护手霜"),
    "Eau de Parfum": ("парфюмерная вода", "f", "香水"),
    "Face Serum": ("сыворотка для лица", "f", "精华液"),
}

#: English adjective → (Russian by gender "m", "f", "n", "pl", or one phrase after the noun;
#: Chinese).
ADJECTIVES: dict[str, tuple[dict[str, str] | str, str]] = {
    "Classic": (
        {"m": "классический", "f": "классическая", "n": "классическое", "pl": "классические"},
        "经典",
    ),
    "Relaxed": ({"m": "свободный", "f": "свободная", "n": "свободное", "pl": "свободные"}, "宽松"),
    "Essential": ({"m": "базовый", "f": "базовая", "n": "базовое", "pl": "базовые"}, "基础款"),
    "Organic Cotton": ("из органического хлопка", "有机棉"),
    "Recycled": ("из переработанных материалов", "再生"),
    "Heritage": (
        {"m": "традиционный", "f": "традиционная", "n": "традиционное", "pl": "традиционные"},
        "传承",
    ),
    "Everyday": (
        {"m": "повседневный", "f": "повседневная", "n": "повседневное", "pl": "повседневные"},
        "日常",
    ),
    "Lightweight": ({"m": "лёгкий", "f": "лёгкая", "n": "лёгкое", "pl": "лёгкие"}, "轻薄"),
    "Premium": ({"m": "премиальный", "f": "премиальная", "n": "премиальное", "pl": "премиальные"}, "高级"),
    "Vintage Wash": (
        {"m": "состаренный", "f": "состаренная", "n": "состаренное", "pl": "состаренные"},
        "复古水洗",
    ),
    "Stretch": ({"m": "эластичный", "f": "эластичная", "n": "эластичное", "pl": "эластичные"}, "弹力"),
    "Cropped": ({"m": "укороченный", "f": "укороченная", "n": "укороченное", "pl": "укороченные"}, "短款"),
    "Oversized": ("оверсайз", "廓形"),
    "Tailored": ({"m": "приталенный", "f": "приталенная", "n": "приталенное", "pl": "приталенные"}, "修身"),
    "Waterproof": (
        {"m": "непромокаемый", "f": "непромокаемая", "n": "непромокаемое", "pl": "непромокаемые"},
        "防水",
    ),
    "Soft-Touch": ({"m": "мягкий", "f": "мягкая", "n": "мягкое", "pl": "мягкие"}, "柔软"),
}


def local_names(brand: str, adjective: str, noun: str) -> dict[str, str]:
    """A product's name in Russian and Chinese (``Product.names``)."""
    ru_noun, gender, zh_noun = NOUNS[noun]
    ru_adjective, zh_adjective = ADJECTIVES[adjective]
    if isinstance(ru_adjective, dict):
        ru = f"{brand} {ru_adjective[gender]} {ru_noun}"
    else:
        ru = f"{brand} {ru_noun} {ru_adjective}"
    return {"ru": ru[0].upper() + ru[1:], "zh": zh_adjective + zh_noun}
