"""Load demo data: sellers, a category tree, products with pictures, buyers, orders and reviews.

Idempotent: running it again tops the data up to the requested sizes and never
duplicates what is there. Orders and reviews go through the services, so they
obey the same rules (stock, verified purchases, ratings) as real ones.
"""

import contextlib
import random
from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from tqdm import tqdm

from accounts.models import Role, User
from accounts.services import create_seller_profile
from cart.services import add_to_cart, user_cart
from catalog.models import Category, CategoryTranslation, Product
from catalog.search import documents, indexer
from catalog.services import add_product_image, record_view
from orders.models import Order
from orders.services import change_status, place_order
from orders.status import OrderStatus
from recommendations.planted import demo_orders
from reviews.models import Review
from reviews.services import post_review
from shop import demo_data, demo_pictures, search_engine
from shop.demo_accounts import demo_password
from shop.errors import DomainError
from shop.i18n.slugs import slug_for
from shop.models import OutboxEvent

ADMIN_EMAIL = "admin@example.com"

CATEGORY_TREE = {
    "Electronics": ["Phones", "Laptops", "Audio"],
    "Home": ["Kitchen", "Furniture", "Garden"],
    "Books": ["Fiction", "Non-fiction"],
    "Clothing": ["Women", "Men", "Kids"],
    "Sports": ["Cycling", "Running"],
}
NOUNS = {
    "Phones": ["Phone", "Smartphone", "Phone case", "Charger"],
    "Laptops": ["Laptop", "Ultrabook", "Laptop stand", "Dock"],
    "Audio": ["Headphones", "Speaker", "Earbuds", "Turntable"],
    "Kitchen": ["Kettle", "Chef knife", "Frying pan", "Coffee grinder"],
    "Furniture": ["Desk", "Armchair", "Bookshelf", "Lamp"],
    "Garden": ["Watering can", "Pruning shears", "Planter", "Hammock"],
    "Fiction": ["Novel", "Short stories", "Thriller", "Fantasy saga"],
    "Non-fiction": ["Cookbook", "Biography", "Field guide", "History atlas"],
    "Women": ["Raincoat", "Sweater", "Sneakers", "Scarf"],
    "Men": ["Jacket", "Shirt", "Boots", "Beanie"],
    "Kids": ["Hoodie", "Rain boots", "Backpack", "Pyjamas"],
    "Cycling": ["Bike light", "Helmet", "Saddle bag", "Bike lock"],
    "Running": ["Running shoes", "Sports watch", "Water bottle", "Running vest"],
}
ADJECTIVES = ["Classic", "Compact", "Deluxe", "Eco", "Everyday", "Lightweight", "Premium", "Pro", "Rugged", "Smart"]
COLOURS = ["black", "blue", "green", "grey", "red", "white", "sand", "olive"]
SELLERS = [
    ("north@example.com", "Northwind Goods", "Sturdy things for everyday life, shipped from the north."),
    ("acme@example.com", "Acme Supplies", "If you need it, Acme probably makes it."),
    ("leaf@example.com", "Green Leaf Market", "Home, garden and kitchen, sustainably sourced."),
    ("pages@example.com", "Pages & Co", "Books old and new."),
]
REVIEW_TEXTS = [
    "Exactly as described, arrived quickly.",
    "Good value for the price.",
    "Works well, but the packaging could be better.",
    "Would buy again.",
    "Not what I expected, the colour is different from the photo.",
    "Excellent quality, highly recommended!",
    "Does the job.",
]


class Command(BaseCommand):
    help = gettext_lazy("Load demo data (idempotent) and print the demo logins.")

    def add_arguments(self, parser):
        parser.add_argument(
            "--products", type=int, default=200, help=gettext_lazy("products in the catalogue (default 200)")
        )
        parser.add_argument("--buyers", type=int, default=24, help=gettext_lazy("demo buyers (default 24)"))
        parser.add_argument("--orders", type=int, default=360, help=gettext_lazy("demo orders (default 360)"))
        parser.add_argument("--reviews", type=int, default=120, help=gettext_lazy("demo reviews (default 120)"))
        parser.add_argument("--seed", type=int, default=42, help=gettext_lazy("random seed, for repeatable data"))
        parser.add_argument(
            "--demo-accounts",
            action="store_true",
            help=gettext_lazy(
                "with DEBUG off, create the demo accounts anyway, with DEMO_PASSWORD or a random password"
            ),
        )
        parser.add_argument(
            "--no-pictures",
            action="store_true",
            help=gettext_lazy("leave products without pictures (large benchmark catalogues)"),
        )
        parser.add_argument(
            "--language",
            choices=[code for code, _name in settings.LANGUAGES],
            default=settings.LANGUAGE_CODE,
            help=gettext_lazy(
                "the language of the demo shop's products, shops, categories and reviews (default: LANGUAGE_CODE)"
            ),
        )

    def handle(self, *args, **options):
        """The shop is written, and its logins printed, in its language; whoever called the command
        (a test, a script calling call_command) gets their own language back afterwards."""
        self.language = options["language"]
        self.russian = self.language == "ru"
        with translation.override(self.language):
            self._seed(options)

    def _seed(self, options) -> None:
        rng = random.Random(options["seed"])
        show_progress = options["verbosity"] > 0
        self.password = demo_password(asked=options["demo_accounts"])
        self._ensure_admin()
        sellers = self._ensure_sellers()
        leaves = self._ensure_categories()
        self._ensure_products(rng, sellers, leaves, options["products"], show_progress)
        if not options["no_pictures"]:
            self._ensure_pictures(sellers, show_progress)
        buyers = self._ensure_buyers(options["buyers"])
        self._ensure_orders(rng, buyers, options["orders"], show_progress)
        if options["orders"]:
            self._ensure_recent_activity(rng, buyers)
        self._ensure_reviews(rng, buyers, options["reviews"], show_progress)
        self._index_for_search(show_progress)
        self._print_logins(sellers, buyers)

    # --- people ---------------------------------------------------------------------

    def _ensure_admin(self) -> None:
        if not User.objects.filter(email=ADMIN_EMAIL).exists():
            User.objects.create_superuser(
                email=ADMIN_EMAIL, password=self.password, first_name="Ada", last_name="Admin"
            )

    def _ensure_sellers(self) -> list[User]:
        sellers = []
        for email, shop_name, description in demo_data.RUSSIAN_SELLERS if self.russian else SELLERS:
            user = User.objects.filter(email=email).first()
            if user is None:
                user = User.objects.create_user(
                    email=email, password=self.password, role=Role.SELLER, language=self.language
                )
            if not hasattr(user, "seller_profile"):
                create_seller_profile(user, shop_name=shop_name, description=description)
            sellers.append(user)
        return sellers

    def _ensure_buyers(self, count: int) -> list[User]:
        """buyer1@ … buyerN@example.com. The demo password is hashed once and the hash shared:
        hashing it per account would take minutes for the load benchmark's 10,000 buyers."""
        emails = [f"buyer{n}@example.com" for n in range(1, count + 1)]
        existing = set(User.objects.filter(email__in=emails).values_list("email", flat=True))
        missing = [email for email in emails if email not in existing]
        if missing:
            password = make_password(self.password)
            User.objects.bulk_create(
                [
                    User(
                        email=email,
                        password=password,
                        role=Role.BUYER,
                        first_name=f"{'Покупатель' if self.russian else 'Buyer'} {email[5:].split('@')[0]}",
                        language=self.language,
                    )
                    for email in missing
                ],
                batch_size=1000,
            )
        by_email = {user.email: user for user in User.objects.filter(email__in=emails)}
        return [by_email[email] for email in emails]

    # --- catalogue ------------------------------------------------------------------

    def _ensure_categories(self) -> list[Category]:
        """The tree in the demo's language, each category also named in the other (slugs stay English).
        `self.leaf_keys` remembers each leaf's English name, which picks its products' nouns."""
        leaves, self.leaf_keys = [], {}
        for root_name, children in CATEGORY_TREE.items():
            russian_root, russian_children = demo_data.RUSSIAN_CATEGORIES[root_name]
            root = self._category(root_name, russian_root, slugify(root_name), None)
            for child in children:
                leaf = self._category(child, russian_children[child], slugify(f"{root_name}-{child}"), root)
                self.leaf_keys[leaf.pk] = child
                leaves.append(leaf)
        return leaves

    def _category(self, english: str, russian: str, slug: str, parent: Category | None) -> Category:
        own, other, other_language = (russian, english, "en") if self.russian else (english, russian, "ru")
        category, _created = Category.objects.get_or_create(slug=slug, defaults={"name": own, "parent": parent})
        if other_language != settings.LANGUAGE_CODE or category.name != other:
            CategoryTranslation.objects.get_or_create(
                category=category, language=other_language, defaults={"name": other}
            )
        return category

    def _ensure_products(self, rng, sellers, leaves, target: int, show_progress: bool) -> None:
        existing = Product.objects.filter(seller__in=sellers).count()
        missing = max(0, target - existing)
        batch: list[Product] = []
        scale = demo_data.PRICE_SCALE.get(settings.SHOP_CURRENCY, 1)
        with tqdm(total=missing, desc="products", unit="", disable=not show_progress or not missing) as bar:
            for n in range(existing, existing + missing):
                leaf = leaves[n % len(leaves)]
                title, description = self._product_words(rng, leaf, n)
                batch.append(
                    Product(
                        seller=sellers[n % len(sellers)],
                        category=leaf,
                        title=title,
                        slug=slug_for(title)[:220],
                        description=description,
                        price=Decimal(rng.randrange(199, 99999)) / 100 * scale,
                        stock=rng.choice([0, 1, 3, 5, 10, 25, 50, 100]),
                        is_featured=rng.random() < 0.05,
                    )
                )
                if len(batch) == 1000:
                    Product.objects.bulk_create(batch)
                    bar.update(len(batch))
                    batch = []
            if batch:
                Product.objects.bulk_create(batch)
                bar.update(len(batch))

    def _product_words(self, rng, leaf: Category, n: int) -> tuple[str, str]:
        """A demo product's title and description in the demo's language."""
        key = self.leaf_keys.get(leaf.pk, leaf.name)
        # adjective, noun, colour: the order the random draws were always made in, so a seed gives the shop it gave
        if self.russian:
            adjective = rng.choice(demo_data.RUSSIAN_ADJECTIVES)
            noun = rng.choice(demo_data.RUSSIAN_NOUNS[key])
            colour = rng.choice(COLOURS)
            title = f"{noun} «{adjective}» ({demo_data.RUSSIAN_COLOURS[colour]}) №{n + 1}"
            return title, f"{title}. Демонстрационный товар в разделе «{leaf.name}» от демонстрационного магазина."
        adjective, noun, colour = rng.choice(ADJECTIVES), rng.choice(NOUNS[key]), rng.choice(COLOURS)
        title = f"{adjective} {noun} ({colour}) #{n + 1}"
        return title, f"{title}. A demo product in {leaf.name}, sold by a demo shop."

    def _ensure_pictures(self, sellers, show_progress: bool) -> None:
        """One or two pictures for each demo product that has none, drawn by shop.demo_pictures and
        stored through the same upload service as a seller's (the bucket, or local files)."""
        bare = list(
            Product.objects.filter(seller__in=sellers, images__isnull=True)
            .select_related("seller", "category__parent")
            .order_by("pk")
        )
        for product in tqdm(bare, desc="pictures", disable=not show_progress or not bare):
            department = (product.category.parent or product.category).name
            colour = next(
                (
                    word
                    for word in COLOURS
                    if f"({word})" in product.title or f"({demo_data.RUSSIAN_COLOURS[word]})" in product.title
                ),
                "grey",
            )
            for variant in range(1 + product.pk % 2):
                drawn = demo_pictures.picture(product.title, department, colour, product.pk + variant)
                upload = SimpleUploadedFile(f"{product.slug[:60]}-{variant + 1}.jpg", drawn, "image/jpeg")
                add_product_image(product, by=product.seller, upload=upload, alt_text=product.title)

    # --- activity -------------------------------------------------------------------

    def _ensure_orders(self, rng, buyers, target: int, show_progress: bool) -> None:
        """Orders with a planted structure (recommendations.planted): buyers in taste segments buy
        kits of complements, so the recommendation shelves have something true to show."""
        missing = max(0, target - Order.objects.filter(buyer__in=buyers).count())
        if not missing or not buyers:
            return
        stocked = Product.objects.filter(is_active=True, stock__gte=10).order_by("pk")
        plan = demo_orders(
            list(stocked.values_list("pk", "category_id")[:500]),
            shoppers=len(buyers),
            orders=missing,
            end=timezone.now() - timedelta(hours=6),
            seed=rng.randrange(2**31),
        )
        statuses = [OrderStatus.PLACED, OrderStatus.PAID, OrderStatus.SHIPPED, OrderStatus.DELIVERED]
        staff = User.objects.get(email=ADMIN_EMAIL)
        for planned in tqdm(plan, desc="orders", disable=not show_progress or not plan):
            buyer = buyers[planned.shopper - 1]
            try:
                with transaction.atomic():
                    first_event = OutboxEvent.objects.order_by("-position").values_list("position", flat=True).first()
                    for pk in planned.viewed:
                        record_view(Product.objects.get(pk=pk), user=buyer)
                    cart = user_cart(buyer)
                    for pk in planned.products:
                        with contextlib.suppress(DomainError):  # sold out by earlier demo orders: buy the rest
                            add_to_cart(cart, Product.objects.get(pk=pk), 1)
                    order, _ = place_order(
                        buyer,
                        shipping_name=buyer.first_name,
                        shipping_address=demo_data.RUSSIAN_ADDRESS if self.russian else "1 Demo Street",
                        notify=False,
                    )
                    self._advance(order, rng.choice(statuses), staff)
                    self._backdate(order, first_event or 0, planned.at)
            except DomainError:
                continue  # everything in it sold out: skip this order

    @staticmethod
    def _backdate(order: Order, after_event: int, moment) -> None:
        """Spread demo orders (and the events that led to them) over the last 60 days, for the charts."""
        # updated_at stays now: the incremental sync must still see the row as new.
        Order.objects.filter(pk=order.pk).update(created_at=moment)
        OutboxEvent.objects.filter(position__gt=after_event).update(occurred_at=moment)

    def _ensure_recent_activity(self, rng, buyers) -> None:
        """A burst of views on a few products over the last two hours, so Trending has something to show
        (topped up only when the last burst is older than that: a demo started tomorrow trends again)."""
        recent = timezone.now() - timedelta(hours=2)
        if not buyers or OutboxEvent.objects.filter(type="product_viewed", occurred_at__gte=recent).exists():
            return
        stocked = list(Product.objects.filter(is_active=True, stock__gte=10).order_by("pk")[:500])
        for product, views in zip(rng.sample(stocked, k=min(3, len(stocked))), (18, 14, 11), strict=False):
            first_event = OutboxEvent.objects.order_by("-position").values_list("position", flat=True).first() or 0
            for n in range(views):
                record_view(product, user=rng.choice([*buyers, None]) if n % 3 else None)
            for event in OutboxEvent.objects.filter(position__gt=first_event):
                event.occurred_at = timezone.now() - timedelta(minutes=rng.randint(1, 110))
                event.save(update_fields=["occurred_at"])

    @staticmethod
    def _advance(order: Order, target: str, staff: User) -> None:
        path = [OrderStatus.PAID, OrderStatus.SHIPPED, OrderStatus.DELIVERED]
        for status in path[: [OrderStatus.PLACED, *path].index(target)]:
            order = change_status(order, status, by=staff)

    def _ensure_reviews(self, rng, buyers, target: int, show_progress: bool) -> None:
        missing = max(0, target - Review.objects.filter(author__in=buyers).count())
        products = list(Product.objects.filter(is_active=True).values_list("pk", flat=True))
        attempts = 0
        with tqdm(total=missing, desc="reviews", disable=not show_progress or not missing) as bar:
            while missing > 0 and attempts < target * 5:
                attempts += 1
                author = rng.choice(buyers)
                product = Product.objects.get(pk=rng.choice(products))
                try:
                    post_review(
                        author=author,
                        product=product,
                        rating=rng.choice([5, 5, 4, 4, 3, 2, 1]),
                        text=rng.choice(demo_data.RUSSIAN_REVIEWS if self.russian else REVIEW_TEXTS),
                    )
                except DomainError:
                    continue  # already reviewed by this buyer
                missing -= 1
                bar.update(1)

    def _index_for_search(self, show_progress: bool) -> None:
        """Products were bulk-created past the services' queue: index everything afresh."""
        if not search_engine.is_configured():
            return
        for kind in indexer.KINDS:
            with tqdm(total=documents.count(kind), desc=f"search index: {kind}", disable=not show_progress) as bar:
                indexer.rebuild(kind, on_progress=bar.update)
        indexer.process_queue()

    def _print_logins(self, sellers, buyers) -> None:
        self.stdout.write(
            self.style.SUCCESS(
                "\n"
                + _("Demo data is ready. Logins (password for the accounts created now: %(password)s):")
                % {"password": self.password}
            )
        )
        self.stdout.write(_("  staff  %(email)s   (back-office: /admin/)") % {"email": ADMIN_EMAIL})
        for seller in sellers:
            self.stdout.write(
                _("  seller %(email)s   (%(shop)s)") % {"email": seller.email, "shop": seller.seller_profile.shop_name}
            )
        if buyers:
            self.stdout.write(_("  buyer  %(first)s … %(last)s") % {"first": buyers[0].email, "last": buyers[-1].email})
