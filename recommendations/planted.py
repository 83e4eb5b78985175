"""A shop whose shoppers follow a known structure: for the demo data and for measuring recommenders.

Two things are planted, so a recommender has something real to find and we know
what it should have found:

- **Complements.** In each category, products come in kits: an anchor and one or
  two accessories (a kettle, then a grinder and a mug). An order whose anchor is
  the kettle also holds each accessory with probability `complement_rate`; an
  accessory left out is bought in one of the shopper's later orders with
  probability `follow_up_rate` per order.
- **Taste segments.** Each shopper belongs to one segment, which favours a few
  categories: an order's anchor comes from them with probability `taste_rate`,
  otherwise from any category.

Within a category, anchors' popularity follows Zipf's law (a few best sellers, a
long tail), and `noise_rate` adds an unrelated product to an order now and then.
The generator knows its own probabilities, so `truth_scores` ranks a shopper's
likely next purchases as well as anyone could: the ceiling that the measured
recommenders are compared with (docs/recommendations.md).
"""

import itertools
import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta


@dataclass(frozen=True)
class PlantedOrder:
    shopper: int
    at: datetime
    products: tuple[int, ...]
    # Products the shopper looked at, and put in the cart without buying, before this order.
    viewed: tuple[int, ...] = ()
    abandoned: tuple[int, ...] = ()


@dataclass
class PlantedShop:
    """The structure over a catalogue of (product id, category id) pairs."""

    categories: dict[int, list[int]]  # category → its anchors, most popular first
    kits: dict[int, tuple[int, ...]]  # anchor → its accessories
    segments: list[tuple[int, ...]]  # segment → the categories it favours
    taste_rate: float = 0.85
    complement_rate: float = 0.6
    follow_up_rate: float = 0.3
    noise_rate: float = 0.2
    zipf: float = 1.1
    anchor_of: dict[int, int] = field(default_factory=dict)  # accessory → its anchor

    def __post_init__(self) -> None:
        self.anchor_of = {item: anchor for anchor, items in self.kits.items() for item in items}
        self._weights = {
            category: [1 / (rank + 1) ** self.zipf for rank in range(len(anchors))]
            for category, anchors in self.categories.items()
        }
        self._everything = sorted(self.kits) + sorted(self.anchor_of)
        self._category = {anchor: category for category, anchors in self.categories.items() for anchor in anchors}
        self._by_segment = [self._segment_probabilities(segment) for segment in range(len(self.segments))]
        self._noise = self.noise_probabilities()

    @classmethod
    def build(
        cls, products: list[tuple[int, int]], *, segments: int = 4, per_segment: int = 3, seed: int = 7, **rates
    ) -> "PlantedShop":
        """Kits of two or three products inside each category; segments over the categories, round robin."""
        rng = random.Random(seed)
        by_category: dict[int, list[int]] = {}
        for product_id, category_id in sorted(products):
            by_category.setdefault(category_id, []).append(product_id)
        categories, kits = {}, {}
        for category, members in sorted(by_category.items()):
            members = members[:]
            rng.shuffle(members)
            anchors = []
            while len(members) >= 2:
                size = 3 if len(members) >= 3 and rng.random() < 0.5 else 2
                kit, members = members[:size], members[size:]
                anchors.append(kit[0])
                kits[kit[0]] = tuple(kit[1:])
            if anchors:
                categories[category] = anchors
        names = sorted(categories)
        tastes = [tuple(names[(s + k * segments) % len(names)] for k in range(per_segment)) for s in range(segments)]
        return cls(categories=categories, kits=kits, segments=[tuple(sorted(set(t))) for t in tastes], **rates)

    # --- who buys what ---------------------------------------------------------------

    def segment_of(self, shopper: int) -> int:
        return shopper % len(self.segments)

    def complements_of(self, product: int) -> tuple[int, ...]:
        """The products planted to sell with this one (both ways: an accessory's are its anchor and siblings)."""
        if product in self.kits:
            return self.kits[product]
        anchor = self.anchor_of.get(product)
        if anchor is None:
            return ()
        return (anchor, *(item for item in self.kits[anchor] if item != product))

    def anchor_probabilities(self, segment: int) -> dict[int, float]:
        """P(an order's anchor is a) for a shopper of this segment."""
        return dict(self._by_segment[segment])

    def _segment_probabilities(self, segment: int) -> dict[int, float]:
        favoured = self.segments[segment]
        probabilities: dict[int, float] = {}
        for category, anchors in self.categories.items():
            weights = self._weights[category]
            total = sum(weights)
            share = (1 - self.taste_rate) / len(self.categories)
            if category in favoured:
                share += self.taste_rate / len(favoured)
            for anchor, weight in zip(anchors, weights, strict=True):
                probabilities[anchor] = share * weight / total
        return probabilities

    def noise_probabilities(self) -> dict[int, float]:
        """The unrelated extra product: any product, anchors by their popularity, accessories like their anchor."""
        overall = self._overall()
        weights = {product: overall[self.anchor_of.get(product, product)] for product in self._everything}
        total = sum(weights.values())
        return {product: weight / total for product, weight in weights.items()}

    def _overall(self) -> dict[int, float]:
        probabilities: dict[int, float] = {}
        for segment in range(len(self.segments)):
            for anchor, p in self.anchor_probabilities(segment).items():
                probabilities[anchor] = probabilities.get(anchor, 0.0) + p / len(self.segments)
        return probabilities

    def orders(
        self, *, shoppers: int, orders: int, start: datetime, end: datetime, seed: int = 11, browse: int = 3
    ) -> list[PlantedOrder]:
        """`orders` orders by shoppers numbered 1 to `shoppers`, between `start` and `end`, oldest first."""
        rng = random.Random(seed)
        span = (end - start).total_seconds()
        plan: dict[int, list[datetime]] = {}
        for _ in range(orders):
            moment = start + timedelta(seconds=rng.random() * span)
            plan.setdefault(1 + rng.randrange(shoppers), []).append(moment)
        noise = _Draw(self.noise_probabilities())
        draws = [_Draw(probabilities) for probabilities in self._by_segment]
        favourites = [
            [anchor for anchor in self._by_segment[segment] if self._category[anchor] in self.segments[segment]]
            for segment in range(len(self.segments))
        ]
        result = []
        for shopper, moments in sorted(plan.items()):
            segment = self.segment_of(shopper)
            anchors, favoured = draws[segment], favourites[segment]
            bought: set[int] = set()
            pending: list[int] = []
            for moment in sorted(moments):
                basket: list[int] = []
                for item in pending[:]:
                    if rng.random() < self.follow_up_rate:
                        basket.append(item)
                        pending.remove(item)
                # Something new if the taste allows; once a shopper has it all, a repeat purchase.
                anchor = anchors.new(rng, bought | set(basket)) or anchors.new(rng, set(basket))
                if anchor is not None:
                    basket.append(anchor)
                    for item in self.kits[anchor]:
                        if item in bought or item in basket:
                            continue
                        if rng.random() < self.complement_rate:
                            basket.append(item)
                        elif item not in pending:
                            pending.append(item)
                if rng.random() < self.noise_rate:
                    extra = noise.new(rng, bought | set(basket))
                    if extra is not None:
                        basket.append(extra)
                if not basket:
                    continue
                bought.update(basket)
                looked = rng.sample(favoured, k=min(browse, len(favoured))) if favoured else []
                left = [item for item in looked[:1] if item not in basket and rng.random() < 0.3]
                result.append(
                    PlantedOrder(
                        shopper=shopper,
                        at=moment,
                        products=tuple(basket),
                        viewed=tuple(dict.fromkeys([*looked, *basket])),
                        abandoned=tuple(left),
                    )
                )
        return sorted(result, key=lambda order: (order.at, order.shopper))

    # --- the ceiling --------------------------------------------------------------------

    def truth_scores(self, shopper: int, history: list[tuple[int, ...]]) -> dict[int, float]:
        """How likely each product is in this shopper's next order, by the generator's own rules.

        `history` is the shopper's earlier orders, oldest first. Ranking by this is the
        best a recommender could do with perfect knowledge of the plant.
        """
        probabilities = self._by_segment[self.segment_of(shopper)]
        scores: dict[int, float] = {}
        for product, p in self._noise.items():
            scores[product] = self.noise_rate * p
        for anchor, p in probabilities.items():
            scores[anchor] += p
            for item in self.kits[anchor]:
                scores[item] += p * self.complement_rate
        bought = {product for order in history for product in order}
        for order in history:
            for product in order:
                for item in self.kits.get(product, ()):
                    if item not in bought:
                        scores[item] += self.follow_up_rate
        return {product: score for product, score in scores.items() if product not in bought}


class _Draw:
    """Weighted draws from a fixed distribution (cumulative weights computed once)."""

    def __init__(self, probabilities: dict[int, float]):
        self.items = list(probabilities)
        self.cumulative = list(itertools.accumulate(probabilities.values()))

    def new(self, rng: random.Random, taken: set[int]) -> int | None:
        """A draw that skips what the shopper already has (a few tries: nobody buys two kettles)."""
        for _ in range(8):
            item = rng.choices(self.items, cum_weights=self.cumulative)[0]
            if item not in taken:
                return item
        return None


def warehouse_rows(
    orders: list[PlantedOrder], *, sellers: dict[int, int], categories: dict[int, int], first_order_id: int = 1
) -> dict[str, list[dict]]:
    """The rows the shop's pipeline would have written for these orders: `orders`, `order_lines` and the
    `raw_events` (views, cart additions, orders) of signed-in shoppers, whose user id is the shopper number.

    Every product costs 10.00 and is bought once per order; what the recommenders learn from is who
    bought and looked at what, and when.
    """
    import json
    import uuid
    from decimal import Decimal

    price = Decimal("10.00")
    rows: dict[str, list[dict]] = {"orders": [], "order_lines": [], "raw_events": []}
    line_id = 0
    for number, order in enumerate(orders, start=first_order_id):
        at = order.at.replace(tzinfo=None, microsecond=0)
        rows["orders"].append(
            {
                "order_id": number,
                "buyer_id": order.shopper,
                "status": "delivered",
                "total": price * len(order.products),
                "currency": "USD",
                "created_at": at,
                "updated_at": at,
                "version": 1,
            }
        )
        lines = []
        for product in order.products:
            line_id += 1
            lines.append({"product_id": product, "seller_id": sellers[product], "category_id": categories[product]})
            rows["order_lines"].append(
                {
                    "line_id": line_id,
                    "order_id": number,
                    "product_id": product,
                    "seller_id": sellers[product],
                    "category_id": categories[product],
                    "title": f"Product {product}",
                    "unit_price": price,
                    "quantity": 1,
                    "line_total": price,
                    "order_created_at": at,
                    "version": 1,
                }
            )
        before = at - timedelta(minutes=30)
        events = [("product_viewed", product, before) for product in order.viewed]
        events += [("cart_item_added", product, before) for product in (*order.products, *order.abandoned)]
        events.append(("order_placed", None, at))
        for kind, product, moment in events:
            payload = {"order_id": number, "lines": lines} if product is None else {"product_id": product}
            rows["raw_events"].append(
                {
                    "event_id": str(uuid.uuid4()),
                    "type": kind,
                    "version": 1,
                    "occurred_at": moment,
                    "user_id": order.shopper,
                    "session": "",
                    "payload": json.dumps(payload, separators=(",", ":")),
                    "received_at": moment,
                }
            )
    return rows


def demo_orders(
    products: list[tuple[int, int]], *, shoppers: int, orders: int, end: datetime, days: int = 60, seed: int = 42
) -> list[PlantedOrder]:
    """The demo shop's orders (seed_demo): four taste segments over the categories, kits inside each."""
    shop = PlantedShop.build(products, segments=4, per_segment=3, seed=seed)
    if not shop.kits:
        return []
    return shop.orders(shoppers=shoppers, orders=orders, start=end - timedelta(days=days), end=end, seed=seed)
