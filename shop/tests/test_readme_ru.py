"""README.ru.md mirrors README.md: the same sections, tables and commands, in Russian.

A reader of either should find the same instructions, so the Russian one may not fall behind: a
section, a table row, a command or a `name` in backquotes added to the English README and not to
the Russian one fails here. Comments inside command blocks and the prose are translated; the
commands themselves are the same word for word.
"""

import re
from collections import Counter
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
FENCE = re.compile(r"^```(\w*)\n(.*?)^```\n", re.MULTILINE | re.DOTALL)
HEADING = re.compile(r"^(#{1,6}) ")
CODE_SPAN = re.compile(r"`([^`]+)`")
SHELL_COMMENT = re.compile(r"(^|\s)#\s.*$")
CYRILLIC = re.compile(r"[а-яё]", re.IGNORECASE)
LATIN = re.compile(r"[a-z]", re.IGNORECASE)


def read(name: str) -> str:
    return (ROOT / name).read_text(encoding="utf-8")


def fenced_blocks(text: str) -> list[tuple[str, str]]:
    return [(match[1], match[2]) for match in FENCE.finditer(text)]


def outside_fences(text: str) -> str:
    return FENCE.sub("", text)


def commands(language: str, body: str) -> list[str]:
    """A block's commands without its comments; a plain block (a folder tree) by its first column."""
    if language != "bash":
        return [line.split()[0] for line in body.splitlines() if line and not line[0].isspace()]
    lines = (SHELL_COMMENT.sub("", line).rstrip() for line in body.splitlines())
    return [line for line in lines if line]


def headings(text: str) -> list[str]:
    return [match[1] for line in outside_fences(text).splitlines() if (match := HEADING.match(line))]


def sections(text: str) -> list[str]:
    """The text under each heading, in order (command blocks left out)."""
    return re.split(r"^#{1,6} .*$", outside_fences(text), flags=re.MULTILINE)


def table_shape(section: str) -> list[int]:
    """Columns of each table row in a section, in order (the separator row included)."""
    return [line.count("|") for line in section.splitlines() if line.startswith("|")]


def code_spans(text: str) -> Counter:
    prose = outside_fences(text)
    return Counter(" ".join(span.split()) for span in CODE_SPAN.findall(prose))


@pytest.fixture(scope="module")
def english() -> str:
    return read("README.md")


@pytest.fixture(scope="module")
def russian() -> str:
    return read("README.ru.md")


def test_each_readme_links_to_the_other(english, russian):
    assert "](README.ru.md)" in english
    assert "](README.md)" in russian


def test_the_same_sections_in_the_same_order(english, russian):
    assert headings(russian) == headings(english)
    assert len(headings(english)) > 20


def test_the_same_commands_word_for_word(english, russian):
    english_blocks, russian_blocks = fenced_blocks(english), fenced_blocks(russian)

    assert [language for language, _ in russian_blocks] == [language for language, _ in english_blocks]
    assert len(english_blocks) >= 8
    for (language, ours), (_, theirs) in zip(english_blocks, russian_blocks, strict=True):
        assert commands(language, theirs) == commands(language, ours)


def test_the_same_tables_row_for_row(english, russian):
    english_tables = [table_shape(section) for section in sections(english)]
    russian_tables = [table_shape(section) for section in sections(russian)]

    assert russian_tables == english_tables
    assert sum(len(rows) for rows in english_tables) > 100


def test_every_name_in_backquotes_is_kept(english, russian):
    missing = code_spans(english) - code_spans(russian)

    assert not missing, f"README.ru.md lacks these `names` of README.md (or has fewer of them): {sorted(missing)}"


def test_every_section_is_written_in_russian(english, russian):
    """Each section's prose, names in backquotes aside, is mostly Cyrillic: none was left in English."""
    for heading, section in zip(headings(english), sections(russian)[1:], strict=True):
        prose = CODE_SPAN.sub("", section)
        cyrillic, latin = len(CYRILLIC.findall(prose)), len(LATIN.findall(prose))
        assert cyrillic > latin, f"the section {heading!r} of README.ru.md reads as English"


@pytest.mark.parametrize(
    ("language", "body", "expected"),
    [
        ("bash", "make run     # installs\n# a note\nmake test\n", ["make run", "make test"]),
        ("bash", 'grep -q "^$name=." .env\n', ['grep -q "^$name=." .env']),
        ("", "config/      settings\n             more\nshop/        site\n", ["config/", "shop/"]),
    ],
)
def test_commands_leave_out_only_the_comments(language, body, expected):
    assert commands(language, body) == expected
