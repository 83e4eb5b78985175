"""The demo shop's words, in each language `seed_demo --language` offers.

English is seed_demo's own; this module adds the Russian shop: the same category tree (each
category also named in the other language, so either shop reads well in both), products, shops
and reviews written in Russian.
"""

# (root, [children]) in English → the same in Russian; the order matches seed_demo.CATEGORY_TREE.
RUSSIAN_CATEGORIES = {
    "Electronics": ("Электроника", {"Phones": "Телефоны", "Laptops": "Ноутбуки", "Audio": "Аудиотехника"}),
    "Home": ("Дом", {"Kitchen": "Кухня", "Furniture": "Мебель", "Garden": "Сад"}),
    "Books": ("Книги", {"Fiction": "Художественная литература", "Non-fiction": "Нон-фикшн"}),
    "Clothing": ("Одежда", {"Women": "Женская", "Men": "Мужская", "Kids": "Детская"}),
    "Sports": ("Спорт", {"Cycling": "Велоспорт", "Running": "Бег"}),
}
RUSSIAN_NOUNS = {
    "Phones": ["Телефон", "Смартфон", "Чехол для телефона", "Зарядное устройство"],
    "Laptops": ["Ноутбук", "Ультрабук", "Подставка для ноутбука", "Док-станция"],
    "Audio": ["Наушники", "Колонка", "Беспроводные наушники", "Проигрыватель винила"],
    "Kitchen": ["Чайник", "Поварской нож", "Сковорода", "Кофемолка"],
    "Furniture": ["Письменный стол", "Кресло", "Книжный шкаф", "Лампа"],
    "Garden": ["Лейка", "Секатор", "Кашпо", "Гамак"],
    "Fiction": ["Роман", "Сборник рассказов", "Детектив", "Фэнтези-сага"],
    "Non-fiction": ["Кулинарная книга", "Биография", "Полевой определитель", "Исторический атлас"],
    "Women": ["Дождевик", "Свитер", "Кеды", "Шарф"],
    "Men": ["Куртка", "Рубашка", "Ботинки", "Шапка"],
    "Kids": ["Толстовка", "Резиновые сапоги", "Рюкзак", "Пижама"],
    "Cycling": ["Велофонарь", "Велошлем", "Подседельная сумка", "Велозамок"],
    "Running": ["Кроссовки для бега", "Спортивные часы", "Бутылка для воды", "Беговой жилет"],
}
RUSSIAN_ADJECTIVES = ["Классический", "Компактный", "Люкс", "Эко", "Повседневный", "Лёгкий", "Премиум", "Про"]
# Colour words as seed_demo's pictures know them (English) → how the titles say them.
RUSSIAN_COLOURS = {
    "black": "чёрный",
    "blue": "синий",
    "green": "зелёный",
    "grey": "серый",
    "red": "красный",
    "white": "белый",
    "sand": "песочный",
    "olive": "оливковый",
}
RUSSIAN_SELLERS = [
    ("north@example.com", "Северные товары", "Крепкие вещи на каждый день, с доставкой с севера."),
    ("acme@example.com", "Всё для всех", "Если вам что-то нужно, у нас это, скорее всего, есть."),
    ("leaf@example.com", "Зелёный лист", "Дом, сад и кухня — из ответственных источников."),
    ("pages@example.com", "Страницы и компания", "Книги старые и новые."),
]
RUSSIAN_REVIEWS = [
    "Всё как в описании, доставили быстро.",
    "Хорошее соотношение цены и качества.",
    "Работает хорошо, но упаковка могла бы быть получше.",
    "Куплю ещё.",
    "Не совсем то, что я ждал: цвет отличается от фото.",
    "Отличное качество, очень рекомендую!",
    "Свою задачу выполняет.",
]
RUSSIAN_ADDRESS = "ул. Примерная, д. 1, Москва"

# Demo prices are drawn in "units" of about a dollar; a currency whose unit is worth much less
# gets prices of the same real size (a kettle costs thousands of roubles, not tens).
PRICE_SCALE = {"RUB": 90, "JPY": 150, "KZT": 500, "INR": 85, "UAH": 40, "CNY": 7, "TRY": 40}
