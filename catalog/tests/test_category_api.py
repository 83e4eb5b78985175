"""Categories through the API: anyone reads, staff create, change and delete."""

import pytest

from catalog.models import Category
from catalog.tests.factories import CategoryFactory, ProductFactory

pytestmark = pytest.mark.django_db


def test_staff_create_a_category_tree_that_products_can_use(api_as, staff, seller):
    client = api_as(staff)

    home = client.post("/api/v1/categories", {"name": "Home"})
    kitchen = client.post("/api/v1/categories", {"name": "Kitchen", "parent": home.json()["id"]})

    assert home.status_code == 201 and kitchen.status_code == 201, (home.json(), kitchen.json())
    assert kitchen.json() == {
        "id": kitchen.json()["id"], "name": "Kitchen", "label": "Kitchen", "slug": "home-kitchen",
        "parent": home.json()["id"], "description": "", "translations": [],
    }  # fmt: skip
    product = api_as(seller).post(
        "/api/v1/products", {"title": "Kettle", "price": "19.99", "stock": 3, "category": kitchen.json()["id"]}
    )
    assert product.status_code == 201, product.json()


def test_staff_rename_and_move_a_category(api_as, staff):
    root, other = CategoryFactory(name="Home"), CategoryFactory(name="Garden")
    child = CategoryFactory(name="Tools", parent=root)

    moved = api_as(staff).patch(f"/api/v1/categories/{child.pk}", {"name": "Garden tools", "parent": other.pk})

    assert moved.status_code == 200, moved.json()
    child.refresh_from_db()
    assert (child.name, child.parent_id) == ("Garden tools", other.pk)


@pytest.mark.parametrize("who", ["buyer", "seller"])
def test_only_staff_write_categories(api_as, api, request, who):
    category = CategoryFactory(name="Books")
    client = api_as(request.getfixturevalue(who))

    answers = [
        client.post("/api/v1/categories", {"name": "Sneaky"}),
        client.patch(f"/api/v1/categories/{category.pk}", {"name": "Renamed"}),
        client.delete(f"/api/v1/categories/{category.pk}"),
    ]

    assert [answer.status_code for answer in answers] == [403, 403, 403]
    assert api.post("/api/v1/categories", {"name": "Anonymous"}).status_code == 401
    assert list(Category.objects.values_list("name", flat=True)) == ["Books"]


def test_a_category_with_products_or_children_is_not_deleted(api_as, staff, seller):
    full, parent = CategoryFactory(name="Full"), CategoryFactory(name="Parent")
    ProductFactory(seller=seller, category=full)
    CategoryFactory(name="Child", parent=parent)
    empty = CategoryFactory(name="Empty")
    client = api_as(staff)

    refused = [client.delete(f"/api/v1/categories/{category.pk}") for category in (full, parent)]
    deleted = client.delete(f"/api/v1/categories/{empty.pk}")

    assert [answer.status_code for answer in refused] == [409, 409]
    assert "still has products" in refused[0].json()["detail"] and "sub-categories" in refused[1].json()["detail"]
    assert deleted.status_code == 204 and not Category.objects.filter(pk=empty.pk).exists()


def test_bad_category_writes_answer_4xx_with_a_reason(api_as, staff):
    root = CategoryFactory(name="Home")
    child = CategoryFactory(name="Kitchen", parent=root)
    client = api_as(staff)

    twin = client.post("/api/v1/categories", {"name": "kitchen", "parent": root.pk})
    loop = client.patch(f"/api/v1/categories/{root.pk}", {"parent": child.pk})
    unknown_parent = client.post("/api/v1/categories", {"name": "Orphan", "parent": 999999})
    no_name = client.post("/api/v1/categories", {"description": "nameless"})
    as_form = client.post("/api/v1/categories", "name=Form", content_type="application/x-www-form-urlencoded")

    assert twin.status_code == 409 and "already a category" in twin.json()["detail"]
    assert loop.status_code == 400 and "under itself" in loop.json()["detail"]
    assert unknown_parent.status_code == 400 and "parent" in unknown_parent.json()["errors"]
    assert no_name.status_code == 400 and "name" in no_name.json()["errors"]
    assert as_form.status_code == 415


def test_a_filter_by_category_follows_the_tree_as_staff_change_it(
    api_as, api, staff, seller, django_capture_on_commit_callbacks
):
    garden, home = CategoryFactory(name="Garden"), CategoryFactory(name="Home")
    tools = CategoryFactory(name="Tools", parent=home)
    hammer = ProductFactory(seller=seller, category=tools)
    assert [p["id"] for p in api.get(f"/api/v1/products?category={home.pk}").json()["results"]] == [hammer.pk]

    with django_capture_on_commit_callbacks(execute=True):
        api_as(staff).patch(f"/api/v1/categories/{tools.pk}", {"parent": garden.pk})
    with django_capture_on_commit_callbacks(execute=True):
        shed = api_as(staff).post("/api/v1/categories", {"name": "Shed", "parent": garden.pk}).json()
    rake = ProductFactory(seller=seller, category_id=shed["id"])

    in_garden = api.get(f"/api/v1/products?category={garden.pk}").json()["results"]
    assert sorted(p["id"] for p in in_garden) == sorted([hammer.pk, rake.pk])  # the tree as it is now
    assert api.get(f"/api/v1/products?category={home.pk}").json()["results"] == []


def test_a_renamed_category_requeues_the_products_of_a_child_newer_than_the_shared_tree(seller, search_index):
    from catalog import selectors, services
    from catalog.models import SearchQueueEntry

    home = CategoryFactory(name="Home")
    selectors.category_with_descendants(home.pk)  # the tree is now shared, without the child below
    lamps = CategoryFactory(name="Lamps", parent=home)  # made without the service: the copy is stale
    lamp = ProductFactory(seller=seller, category=lamps)
    SearchQueueEntry.objects.all().delete()

    home.name = "House"
    services.save_category(home)

    queued = set(
        SearchQueueEntry.objects.filter(kind=SearchQueueEntry.Kind.PRODUCT).values_list("object_id", flat=True)
    )
    assert lamp.pk in queued  # its document carries the category's path: it must be indexed again
    assert selectors.category_with_descendants(lamps.pk) == [lamps.pk]  # a category newer than the copy is found
