"""What "English of ours" means for the checks that read Russian pages, mails, answers and output.

The words come from the English side of our own catalogue (its msgids), not from a list kept by
hand: whatever we write in English, in any module, a Russian page must not show.
"""

import re
from functools import cache
from pathlib import Path

from babel.messages.pofile import read_po
from django.conf import settings

CATALOGUE = Path(settings.BASE_DIR) / "locale" / "ru" / "LC_MESSAGES" / "django.po"
# Words that stay as they are in a Russian page: names, formats and commands.
NOT_ENGLISH_HERE = {"bazaar", "api", "csv", "jpeg", "png", "webp", "clickhouse", "english", "idempotency", "key"}
NOT_ENGLISH_HERE |= {"kafka", "spark", "jdbc", "chdb", "prometheus", "openapi", "json", "opensearch", "readme"}
NOT_ENGLISH_HERE |= {"authorization"}  # a header's name


def messages(path: Path) -> set:
    with path.open("rb") as source:
        return {
            (message.context, message.id if isinstance(message.id, str) else tuple(message.id))
            for message in read_po(source)
            if message.id
        }


@cache
def english_words() -> frozenset[str]:
    """Every word of our own English strings (from the catalogue's msgids): placeholders, markup
    and the words Russian pages keep as they are set aside."""
    words = set()
    for _context, msgid in messages(CATALOGUE):
        for text in (msgid,) if isinstance(msgid, str) else msgid:
            text = re.sub(r"<code>.*?</code>|%\(\w+\)[sdf]|%\(\w+\)\.\d+f|\{\}|<[^>]+>", " ", text)
            words |= {word.lower() for word in re.findall(r"[A-Za-z]{3,}", text)}
    return frozenset(words - NOT_ENGLISH_HERE)


def visible_text(html: str) -> str:
    """What a person reads: text between tags and the attributes that are read out or shown.
    Code (commands, setting names) is not prose; Django's own admin icons carry English alt texts
    Django does not translate (its search icon's "Search"), which are not ours."""
    html = re.sub(r"(?is)<(script|style|code)\b.*?</\1>", " ", html)
    html = re.sub(r'<img src="/static/admin/[^"]*"[^>]*>', " ", html)
    html = re.sub(r'(?is)<(\w+)[^>]*\blang="en"[^>]*>.*?</\1>', " ", html)  # declared English (a server's error)
    html = re.sub(r"“[^“”\s]+[“”]", " ", html)  # a key's or value's name Django quotes (“Control”, “Command”)
    shown = re.findall(r'\b(?:placeholder|aria-label|title|alt)="([^"]*)"', html)
    shown += re.findall(r'<input[^>]*type="submit"[^>]*value="([^"]*)"', html)
    text = re.sub(r"(?s)<[^>]+>", " ", html) + " " + " ".join(shown)
    # addresses, paths and identifiers (a Celery task's dotted name, a setting) are not words
    return re.sub(r"\S+@\S+|https?://\S+|/[\w/.-]+|\S*_\S*|\b\w+(?:\.\w+){2,}\b", " ", text)


def english_in(text: str, english: set[str]) -> set[str]:
    return {word for word in re.findall(r"[A-Za-z]{3,}", text) if word.lower() in english}


# Names, not words: `code`, identifiers (page_size, S3_ENDPOINT_URL), media types (text/plain), what a
# message quotes back ("PUT", "xx"), and the Python or JSON names of the values a client sent (list, null).
NAMES = re.compile(
    r'`[^`]*`|\S*_\S*|\b\w+/[\w.+-]+|"[^"]*"|\b(?:list|dict|str|int|float|bool|None|True|False|null|true|false)\b'
)


def prose(text: str) -> str:
    return NAMES.sub(" ", text)
