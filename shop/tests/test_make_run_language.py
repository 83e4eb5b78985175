"""`make run LANG=ru` makes a Russian shop, and `make test` compiles the catalogues: read through make itself.

The README promises it (Russian pages without a prefix, prices in roubles, Russian demo data), while
a terminal's LANG (its locale, ru_RU.UTF-8 on a Russian desktop) must not change the shop.
"""

import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SHOW = 'show-shop: ; @echo "$$LANGUAGE_CODE|$$SHOP_CURRENCY|$(SEED_LANGUAGE)|$$LANG"'

pytestmark = pytest.mark.skipif(not shutil.which("make"), reason="make is not installed")


def shop_settings(*arguments: str, terminal_lang: str = "C.UTF-8") -> list[str]:
    """What the recipes of `make run` would see: the language, currency, seed option and locale."""
    environment = {k: v for k, v in os.environ.items() if k not in {"LANGUAGE_CODE", "SHOP_CURRENCY", "MAKEFLAGS"}}
    environment["LANG"] = terminal_lang
    shown = subprocess.run(
        ["make", "-s", "--no-print-directory", "--eval", SHOW, "show-shop", *arguments],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        check=True,
    )
    return shown.stdout.strip().split("|")


@pytest.mark.parametrize("lang", ["ru", "ru_RU.UTF-8"])
def test_make_run_lang_ru_makes_a_russian_shop_priced_in_roubles(lang):
    assert shop_settings(f"LANG={lang}") == ["ru", "RUB", "--language ru", "C.UTF-8"]


def test_a_currency_given_beside_it_wins():
    assert shop_settings("LANG=ru", "SHOP_CURRENCY=EUR")[:3] == ["ru", "EUR", "--language ru"]


def test_the_terminals_locale_leaves_the_shop_as_it_is():
    assert shop_settings(terminal_lang="ru_RU.UTF-8") == ["", "", "", "ru_RU.UTF-8"]


def test_make_run_seeds_the_demo_shop_in_that_language():
    planned = subprocess.run(
        ["make", "-n", "--no-print-directory", "run", "LANG=ru"], cwd=ROOT, capture_output=True, text=True, check=True
    )

    assert "manage.py seed_demo --language ru" in planned.stdout


def test_make_test_compiles_the_catalogues_on_a_clean_clone_without_a_secret_key():
    """A fresh clone has no SECRET_KEY and DEBUG off: compiling the catalogues must not ask for one."""
    environment = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "SECRET_KEY", "JWT_SIGNING_KEY"}}
    environment.pop("MAKEFLAGS", None)

    compile_them = ["make", "-s", "--no-print-directory", "translations"]
    compiled = subprocess.run(compile_them, cwd=ROOT, env=environment, capture_output=True, text=True)
    planned = subprocess.run(["make", "-n", "--no-print-directory", "test"], cwd=ROOT, capture_output=True, text=True)

    assert compiled.returncode == 0, compiled.stderr[-2000:]
    assert (ROOT / "locale" / "ru" / "LC_MESSAGES" / "django.mo").is_file()
    assert "manage.py compile_translations" in planned.stdout  # `make test` runs that target first
