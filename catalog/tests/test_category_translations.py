"""A category's name and description in the shop's other languages: written by staff (the API and
the back-office), read everywhere in the reader's language, the shop's own name when none is given."""

import pytest

from catalog.models import CategoryTranslation
from catalog.tests.factories import CategoryFactory, ProductFactory

pytestmark = pytest.mark.django_db


def test_staff_create_a_category_with_its_russian_name(api_as, staff):
    created = api_as(staff).post(
        "/api/v1/categories",
        {"name": "Kitchen", "translations": [{"language": "ru", "name": "Кухня", "description": "Всё для кухни"}]},
        format="json",
    )

    assert created.status_code == 201, created.json()
    assert created.json()["translations"] == [{"language": "ru", "name": "Кухня", "description": "Всё для кухни"}]
    assert CategoryTranslation.objects.get(category_id=created.json()["id"]).name == "Кухня"


def test_the_label_is_the_name_in_the_language_asked_for_and_falls_back_to_the_own_name(api):
    kitchen, garden = CategoryFactory(name="Kitchen"), CategoryFactory(name="Garden")
    CategoryTranslation.objects.create(category=kitchen, language="ru", name="Кухня")

    russian = {row["name"]: row for row in api.get("/api/v1/categories", HTTP_ACCEPT_LANGUAGE="ru").json()["results"]}
    english = {row["name"]: row for row in api.get("/api/v1/categories").json()["results"]}

    assert russian["Kitchen"]["label"] == "Кухня" and russian["Garden"]["label"] == "Garden"
    assert english["Kitchen"]["label"] == "Kitchen"
    assert russian["Kitchen"]["translations"] == [{"language": "ru", "name": "Кухня", "description": ""}]
    assert garden.pk == russian["Garden"]["id"]


def test_writing_translations_replaces_the_whole_set(api_as, staff):
    kitchen = CategoryFactory(name="Kitchen")
    CategoryTranslation.objects.create(category=kitchen, language="ru", name="Кухня")
    client = api_as(staff)

    renamed = client.patch(
        f"/api/v1/categories/{kitchen.pk}", {"translations": [{"language": "ru", "name": "Кухонные товары"}]}
    )
    untouched = client.patch(f"/api/v1/categories/{kitchen.pk}", {"description": "Pots and pans"})
    cleared = client.patch(f"/api/v1/categories/{kitchen.pk}", {"translations": []}, format="json")

    assert renamed.json()["translations"][0]["name"] == "Кухонные товары"
    assert untouched.json()["translations"][0]["name"] == "Кухонные товары"  # not given: kept
    assert cleared.status_code == 200 and cleared.json()["translations"] == []
    assert not CategoryTranslation.objects.filter(category=kitchen).exists()


@pytest.mark.parametrize(
    ("translations", "expected"),
    [
        ([{"language": "en", "name": "Kitchen"}], "own language"),
        ([{"language": "ru", "name": "Кухня"}, {"language": "ru", "name": "Кухня 2"}], "once"),
        ([{"language": "de", "name": "Küche"}], "valid choice"),
        ([{"language": "ru", "name": "   "}], "blank"),
    ],
)
def test_translations_that_make_no_sense_are_refused_with_a_reason(api_as, staff, translations, expected):
    kitchen = CategoryFactory(name="Kitchen")

    refused = api_as(staff).patch(f"/api/v1/categories/{kitchen.pk}", {"translations": translations}, format="json")

    assert refused.status_code == 400, refused.json()
    assert [field.split(".")[0] for field in refused.json()["errors"]] == ["translations"]
    assert expected in str(refused.json()).lower()
    assert not CategoryTranslation.objects.filter(category=kitchen).exists()


def test_only_staff_write_translations(api_as, seller):
    kitchen = CategoryFactory(name="Kitchen")

    refused = api_as(seller).patch(
        f"/api/v1/categories/{kitchen.pk}", {"translations": [{"language": "ru", "name": "Кухня"}]}, format="json"
    )

    assert refused.status_code == 403 and not CategoryTranslation.objects.exists()


def test_staff_write_translations_beside_the_category_in_the_back_office(client, staff):
    staff.is_superuser = True
    staff.save()
    kitchen = CategoryFactory(name="Kitchen", slug="kitchen")
    client.force_login(staff)
    form = client.get(f"/admin/catalog/category/{kitchen.pk}/change/").content.decode()
    assert 'name="translations-0-language"' in form or 'name="translations-__prefix__-language"' in form
    assert '<option value="en"' not in form.split("translations-__prefix__-language")[1].split("</select>")[0]

    saved = client.post(
        f"/admin/catalog/category/{kitchen.pk}/change/",
        {
            "name": "Kitchen",
            "slug": "kitchen",
            "parent": "",
            "description": "",
            "translations-TOTAL_FORMS": "1",
            "translations-INITIAL_FORMS": "0",
            "translations-MIN_NUM_FORMS": "0",
            "translations-MAX_NUM_FORMS": "1",
            "translations-0-language": "ru",
            "translations-0-name": "Кухня",
            "translations-0-description": "Всё для кухни",
        },
    )

    assert saved.status_code == 302, saved.content.decode()[:2000]
    assert CategoryTranslation.objects.get(category=kitchen, language="ru").description == "Всё для кухни"
    listing = client.get("/admin/catalog/category/").content.decode()
    assert "ru: Кухня" in listing


def test_the_storefront_shows_the_translation_and_falls_back_when_there_is_none(client, seller):
    kitchen, garden = CategoryFactory(name="Kitchen"), CategoryFactory(name="Garden")
    CategoryTranslation.objects.create(category=kitchen, language="ru", name="Кухня")
    ProductFactory(seller=seller, category=kitchen)
    ProductFactory(seller=seller, category=garden)

    page = client.get("/ru/products/").content.decode()

    assert "Кухня" in page and "Garden" in page and ">Kitchen<" not in page


def _queries_of(client, path: str, categories: int) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(categories):
        category = CategoryFactory()
        CategoryTranslation.objects.create(category=category, language="ru", name=f"Полка {category.pk}")
        ProductFactory(category=category)
    assert client.get(path).status_code == 200  # what a first request keeps (a shared read) is kept
    with CaptureQueriesContext(connection) as sent:
        assert client.get(path).status_code == 200
    return len(sent.captured_queries)


@pytest.mark.parametrize(
    "path",
    [
        "/ru/seller/products/new/",
        "/ru/admin/catalog/product/",
        "/ru/admin/catalog/product/add/",
        "/ru/admin/catalog/category/",
    ],
)
def test_category_names_in_russian_cost_no_query_per_category(client, staff, path):
    """A category is named in the page's language (its translation): each list or dropdown of
    categories reads the translations together, not one query per category."""
    staff.is_superuser = True
    staff.save()
    client.force_login(staff)
    few = _queries_of(client, path, 2)
    many = _queries_of(client, path, 6)  # eight categories by then

    assert many == few, (few, many)
