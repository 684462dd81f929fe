"""Customers and their histories: loyalty standing and points ledger, orders, browsing events,
reviews, abandoned carts, service cases and holds. One call generates one block of customers.

Names are English, Chinese or Russian (mostly the language of the customer's home metro, some
mixed); addresses are written the way the home metro writes them. E-mail addresses are unique
and under ``example.*`` domains; phone numbers are unique per metro range.
"""

from __future__ import annotations

import random

from storeassist.hub.seed.orders import CHANNELS, write_order
from storeassist.hub.seed.vocab import (
    CASE_SUBJECTS,
    CATEGORIES,
    EN_FIRST,
    EN_LAST,
    RU_FEMALE,
    RU_MALE,
    RU_SURNAMES,
    STREETS,
    ZH_GIVEN,
    ZH_SURNAMES,
    Metro,
)
from storeassist.hub.seed.world import BlockOutput, World

LANGUAGES = ("en", "zh", "ru")
EMAIL_DOMAIN = {"en": "example.com", "zh": "example.cn", "ru": "example.ru"}
PREFERENCE_TAGS = ("sustainable", "new arrivals", "sale alerts", "petite", "tall", "wide fit", "gift ideas")
WELCOME_POINTS = 100


def person_name(rng: random.Random, language: str) -> tuple[str, str, str]:
    """(display name, Latin first, Latin last)."""
    if language == "zh":
        surname, sur_latin = ZH_SURNAMES[int(rng.random() * len(ZH_SURNAMES))]
        given, given_latin = ZH_GIVEN[int(rng.random() * len(ZH_GIVEN))]
        return surname + given, given_latin, sur_latin
    if language == "ru":
        female = rng.random() < 0.5
        first, first_latin = (RU_FEMALE if female else RU_MALE)[int(rng.random() * 15)]
        last, last_latin = RU_SURNAMES[int(rng.random() * len(RU_SURNAMES))]
        if female:
            last, last_latin = last + "а", last_latin + "a"
        return f"{first} {last}", first_latin, last_latin
    first = EN_FIRST[int(rng.random() * len(EN_FIRST))]
    last = EN_LAST[int(rng.random() * len(EN_LAST))]
    return f"{first} {last}", first.lower(), last.lower().replace("'", "")


def postal_address(rng: random.Random, metro: Metro) -> str:
    street = STREETS[metro.language][int(rng.random() * len(STREETS[metro.language]))]
    number = 1 + int(rng.random() * 300)
    flat = 1 + int(rng.random() * 120)
    if metro.language == "zh":
        return f"{metro.city}市{street}{number}号{flat}室"
    if metro.language == "ru":
        return f"{metro.city}, {street}, д. {number}, кв. {flat}"
    return f"{number} {street}, Apt {flat}, {metro.city}"


def generate_block(
    world: World, block_no: int, first_id: int, count: int, id_bases: dict[str, int]
) -> BlockOutput:
    """Customers ``first_id`` .. ``first_id + count - 1`` with everything they did."""
    rng = world.rng("customers", block_no)
    out = BlockOutput(id_bases)
    random_ = rng.random
    clock = world.clock
    ts, today = clock.ts, clock.TODAY
    scale = world.scale
    rows = out.rows
    customers, ledger, _events = rows["customers"], rows["points_ledger"], rows["events"]
    for customer_id in range(first_id, first_id + count):
        store = world.pick_store(random_())
        metro = store.metro
        u = random_()
        language = metro.language if u < 0.85 else LANGUAGES[int(u * 1000) % 3]
        name, first_latin, last_latin = person_name(rng, language)
        email = f"{first_latin}.{last_latin}{customer_id}@{EMAIL_DOMAIN[language]}"
        phone = f"{metro.phone_prefix}{(customer_id * 7919) % 10_000_000:07d}"
        member_day = today - 1 - int(random_() ** 1.4 * 2900)
        u = random_()
        preferred_channel = (
            "app" if u < 0.35 else "web" if u < 0.65 else "store" if u < 0.95 else "marketplace"
        )
        n_fav = 1 + int(random_() * 3)
        favourites = tuple({world.pick_category(random_()) for _ in range(n_fav)})
        sizes = _sizes_json(rng)
        tags = [CATEGORIES[f].name for f in favourites]
        if random_() < 0.3:
            tags.append(PREFERENCE_TAGS[int(random_() * len(PREFERENCE_TAGS))])
        preferences = "[" + ", ".join(f'"{t}"' for t in tags) + "]"

        points = WELCOME_POINTS
        lid = out.next_id["points_ledger"]
        ledger.append((lid, customer_id, ts(member_day, 600), WELCOME_POINTS, "welcome bonus"))
        lid += 1
        lifetime = 0
        bought: list[int] = []
        n_orders = int(scale.orders_per_customer * 2.5 * random_() ** 1.5 + 0.5)
        for _ in range(n_orders):
            day = max(clock.history_day(random_()), member_day)
            channel = preferred_channel if random_() < 0.6 else CHANNELS[int(random_() * 4)]
            _order_id, total, refund, products, earning = write_order(
                world, rng, out, customer_id, channel, day, favourites, store.id
            )
            # An open pickup earns points for what was collected only: the hand-over at the
            # counter credits the rest ("pickup collected"), so nothing is credited twice.
            if earning:
                earned = earning // 100
                ledger.append((lid, customer_id, ts(day, 1200), earned, "purchase"))
                lid += 1
                points += earned
            if refund:
                ledger.append(
                    (
                        lid,
                        customer_id,
                        ts(min(today - 1, day + 10), 1200),
                        -(refund // 100),
                        "return",
                    )
                )
                lid += 1
                points -= refund // 100
            lifetime += total - refund
            bought.extend(products)
        if points > 2_000 and random_() < 0.3:
            spent = 500 * (1 + int(random_() * (points // 1500)))
            ledger.append(
                (lid, customer_id, ts(today - 1 - int(random_() * 200), 900), -spent, "redeemed reward")
            )
            lid += 1
            points -= spent
        out.next_id["points_ledger"] = lid

        _write_events(world, rng, out, customer_id, favourites, bought, preferred_channel)
        if random_() < 0.05:
            write_case(world, rng, out, customer_id, None)
        if random_() < 0.01:
            write_hold(world, rng, out, customer_id, store.id)

        card_serial = 1
        if random_() < 0.03:
            card_serial = 2
            rows["card_revocations"].append((customer_id, 1, ts(today - 1 - int(random_() * 300), 700)))
        regulars = out.regulars.setdefault(store.id, [])
        if len(regulars) < 12:
            regulars.append(customer_id)
        customers.append(
            (
                customer_id,
                f"L{customer_id:09d}",
                name,
                name.casefold(),
                email,
                phone,
                language,
                postal_address(rng, metro),
                points,
                clock.day(member_day),
                store.id,
                preferred_channel,
                sizes,
                preferences,
                random_() < 0.55,
                random_() < 0.3,
                random_() < 0.45,
                random_() < 0.1,
                card_serial,
                lifetime,
            )
        )
    return out


_TOPS = ("XS", "S", "M", "M", "L", "L", "XL", "XXL")
_WAISTS = ("28", "30", "32", "32", "34", "36")
_SHOES = ("37", "38", "39", "40", "41", "42", "43", "44")


def _sizes_json(rng: random.Random) -> str:
    parts = []
    if rng.random() < 0.8:
        parts.append(f'"tops": "{_TOPS[int(rng.random() * len(_TOPS))]}"')
    if rng.random() < 0.6:
        parts.append(f'"waist": "{_WAISTS[int(rng.random() * len(_WAISTS))]}"')
    if rng.random() < 0.7:
        parts.append(f'"shoes": "{_SHOES[int(rng.random() * len(_SHOES))]}"')
    return "{" + ", ".join(parts) + "}"


def _write_events(
    world: World,
    rng: random.Random,
    out: BlockOutput,
    customer_id: int,
    favourites: tuple[int, ...],
    bought: list[int],
    preferred_channel: str,
) -> None:
    """Views and cart adds of the last four months, abandoned carts, reviews of things bought."""
    random_ = rng.random
    clock = world.clock
    ts, today = clock.ts, clock.TODAY
    events = out.rows["events"]
    eid = out.next_id["events"]
    online = preferred_channel if preferred_channel in ("web", "app") else "web"
    n_events = int(world.scale.events_per_customer * 2.5 * random_() ** 1.5 + 0.5)
    for _ in range(n_events):
        u = random_()
        day = today - 1 - int(random_() ** 2 * 120)
        minute = clock.busy_minute(random_(), random_())
        if u < 0.12 and bought:
            pid = bought[int(random_() * len(bought))]
            r = random_()
            rating = 5 if r < 0.45 else 4 if r < 0.75 else 3 if r < 0.87 else 2 if r < 0.94 else 1
            events.append((eid, customer_id, ts(day, minute), "review", online, pid, rating))
            eid += 1
            continue
        category = (
            favourites[int(random_() * len(favourites))]
            if random_() < 0.7
            else world.pick_category(random_())
        )
        pid = world.pick_product(category, random_())
        if u < 0.7:
            events.append((eid, customer_id, ts(day, minute), "view", online, pid, None))
            eid += 1
        else:
            events.append((eid, customer_id, ts(day, minute), "cart_add", online, pid, None))
            eid += 1
            if u > 0.85 and minute < 1380:  # left in the cart
                events.append((eid, customer_id, ts(day, minute + 45), "cart_abandon", online, pid, None))
                eid += 1
    out.next_id["events"] = eid


def write_case(
    world: World, rng: random.Random, out: BlockOutput, customer_id: int, status: str | None
) -> None:
    """A service case; recent ones are still open or pending."""
    clock = world.clock
    age = int(rng.random() ** 2 * 400)
    subject, mood = CASE_SUBJECTS[int(rng.random() * len(CASE_SUBJECTS))]
    if status is None:
        u = rng.random()
        status = (
            ("open" if u < 0.6 else "pending" if u < 0.85 else "resolved")
            if age < 14
            else ("resolved" if u < 0.9 else "pending")
        )
    if status != "resolved" and mood > 0:
        subject, mood = CASE_SUBJECTS[2]  # an open case is a complaint
    sentiment = round(max(-1.0, min(1.0, mood + rng.gauss(0, 0.2))), 2)
    last_order = out.next_id["orders"] - 1
    rows = out.rows["orders"]
    order_id = last_order if rows and rows[-1][2] == customer_id else None
    case_id = out.next_id["service_cases"]
    out.next_id["service_cases"] = case_id + 1
    opened = clock.ts(clock.TODAY - 1 - age, clock.busy_minute(rng.random(), rng.random()))
    out.rows["service_cases"].append((case_id, customer_id, opened, status, subject, sentiment, order_id))


def write_hold(world: World, rng: random.Random, out: BlockOutput, customer_id: int, store_id: int) -> None:
    clock = world.clock
    hold_id = "%08x-%04x-4%03x-8%03x-%012x" % (  # noqa: UP031 - a UUID-shaped id from this stream
        rng.getrandbits(32),
        rng.getrandbits(16),
        rng.getrandbits(12),
        rng.getrandbits(12),
        rng.getrandbits(48),
    )
    pid = world.pick_product(world.pick_category(rng.random()), rng.random())
    day = clock.TODAY - 1 - int(rng.random() * 2)
    status = "active" if rng.random() < 0.8 else "collected"
    out.rows["holds"].append(
        (hold_id, customer_id, pid, store_id, 1, clock.ts(day, 660), clock.ts(day + 2, 660), status)
    )
