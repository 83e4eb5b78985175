"""Slugs that read in any of the shop's languages: Cyrillic is transliterated, not dropped.

Django's slugify keeps ASCII letters only, so "Электрический чайник" gave an empty slug and every
Russian shop the fallback "shop", "shop-2", .... Transliterated first (the GOST 7.79-2000 B
letters, as Russian URLs and passports spell them, less its apostrophes), it gives
"elektricheskiy-chaynik".
"""

from django.utils.text import slugify

# Each Russian letter's Latin spelling; the hard and soft signs ("-") are dropped.
LATIN = "a b v g d e yo zh z i y k l m n o p r s t u f kh ts ch sh shch - y - e yu ya"
RUSSIAN = dict(zip("абвгдеёжзийклмнопрстуфхцчшщъыьэюя", LATIN.split(" "), strict=True))


def transliterate(text: str) -> str:
    out = []
    for letter in text:
        latin = RUSSIAN.get(letter.lower())
        if latin is None:
            out.append(letter)
        else:
            latin = "" if latin == "-" else latin
            out.append(latin.capitalize() if letter.isupper() else latin)
    return "".join(out)


def slug_for(text: str) -> str:
    return slugify(transliterate(text))
