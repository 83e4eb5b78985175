"""The back-office: staff manage everything, a seller only their own products and sold lines."""

import pytest

from catalog.tests.factories import CategoryFactory, ProductFactory
from orders.tests.factories import order_for
from reviews.tests.factories import ReviewFactory

pytestmark = pytest.mark.django_db


def test_a_buyer_cannot_enter_the_back_office(client, buyer):
    client.force_login(buyer)

    response = client.get("/admin/")

    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_a_seller_sees_only_their_own_products(client, seller, other_seller):
    mine = ProductFactory(seller=seller, title="Mine")
    ProductFactory(seller=other_seller, title="Theirs")
    client.force_login(seller)

    page = client.get("/admin/catalog/product/").content.decode()

    assert "Mine" in page and "Theirs" not in page
    assert client.get(f"/admin/catalog/product/{mine.pk}/change/").status_code == 200


def test_a_seller_cannot_open_another_sellers_product(client, seller, other_seller):
    theirs = ProductFactory(seller=other_seller)
    client.force_login(seller)

    response = client.get(f"/admin/catalog/product/{theirs.pk}/change/")

    assert response.status_code == 302  # the admin's "does not exist" redirect to the index
    client.post(f"/admin/catalog/product/{theirs.pk}/delete/", {"post": "yes"})
    theirs.refresh_from_db()  # raises if the product was deleted
    assert theirs.seller == other_seller


def test_a_seller_adds_a_product_they_own(client, seller, other_seller):
    category = CategoryFactory()
    client.force_login(seller)

    response = client.post(
        "/admin/catalog/product/add/",
        {
            "title": "Admin lamp",
            "category": category.pk,
            "description": "",
            "price": "9.99",
            "stock": "2",
            "is_active": "on",
            "seller": other_seller.pk,
            "images-TOTAL_FORMS": "0",
            "images-INITIAL_FORMS": "0",
        },
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    assert seller.products.get().title == "Admin lamp"
    assert not other_seller.products.exists()


def test_a_seller_sees_the_order_lines_of_their_products_only(client, seller, other_seller, buyer):
    order_for(buyer, (ProductFactory(seller=seller, title="Sold by me"), 1))
    order_for(buyer, (ProductFactory(seller=other_seller, title="Sold by them"), 1))
    client.force_login(seller)

    page = client.get("/admin/orders/orderline/").content.decode()

    assert "Sold by me" in page and "Sold by them" not in page
    assert client.get("/admin/orders/order/").status_code == 403


def test_a_seller_cannot_see_users_or_reviews(client, seller):
    client.force_login(seller)

    assert client.get("/admin/accounts/user/").status_code == 403
    assert client.get("/admin/reviews/review/").status_code == 403


def test_staff_see_everything_and_filter_by_seller(client, staff, seller, other_seller):
    ProductFactory(seller=seller, title="One")
    ProductFactory(seller=other_seller, title="Two")
    client.force_login(staff)

    page = client.get("/admin/catalog/product/").content.decode()

    assert "One" in page and "Two" in page
    assert f"seller__id__exact={seller.pk}" in page


def test_staff_pages_render(client, staff, buyer, product):
    order = order_for(buyer, (product, 1))
    review = ReviewFactory(product=product)
    client.force_login(staff)

    for url in [
        "/admin/",
        "/admin/accounts/user/",
        f"/admin/accounts/user/{buyer.pk}/change/",
        "/admin/accounts/sellerprofile/",
        "/admin/catalog/category/",
        "/admin/catalog/product/?stock=low",
        f"/admin/catalog/product/{product.pk}/change/",
        "/admin/orders/order/",
        f"/admin/orders/order/{order.pk}/change/",
        "/admin/orders/orderline/",
        "/admin/reviews/review/",
        f"/admin/reviews/review/{review.pk}/change/",
        "/admin/cart/cart/",
    ]:
        assert client.get(url).status_code == 200, url


def test_staff_mark_orders_paid_with_an_action(client, staff, buyer, product):
    order = order_for(buyer, (product, 1))
    client.force_login(staff)

    client.post("/admin/orders/order/", {"action": "mark_paid", "_selected_action": [order.pk]})

    order.refresh_from_db()
    assert order.status == "paid"


def test_staff_hide_a_review_with_an_action(client, staff, product):
    review = ReviewFactory(product=product, rating=1)
    client.force_login(staff)

    client.post("/admin/reviews/review/", {"action": "hide", "_selected_action": [review.pk]})

    review.refresh_from_db()
    product.refresh_from_db()
    assert review.is_hidden and product.rating_count == 0


def test_a_seller_logs_in_through_the_back_office_login_form(client, seller):
    from accounts.tests.factories import PASSWORD

    response = client.post("/admin/login/?next=/admin/", {"username": seller.email, "password": PASSWORD})

    assert response.status_code == 302, response.content.decode()[:500]
    assert client.get("/admin/").status_code == 200


def test_a_buyer_is_refused_by_the_back_office_login_form(client, buyer):
    from accounts.tests.factories import PASSWORD

    response = client.post("/admin/login/?next=/admin/", {"username": buyer.email, "password": PASSWORD})

    assert response.status_code == 200
    assert "staff or seller account" in response.content.decode()


def test_a_seller_adds_and_deletes_an_image_in_the_back_office(client, seller, django_capture_on_commit_callbacks):
    from django.core.files.storage import default_storage
    from django.core.files.uploadedfile import SimpleUploadedFile

    from catalog.models import ProductImage
    from catalog.tests.test_images import image_bytes

    product = ProductFactory(seller=seller)
    client.force_login(seller)
    form = {
        "title": product.title,
        "category": product.category_id,
        "description": "",
        "price": "10.00",
        "stock": "10",
        "is_active": "on",
        "images-TOTAL_FORMS": "0",
        "images-INITIAL_FORMS": "0",
    }

    response = client.post(
        f"/admin/catalog/product/{product.pk}/change/",
        {**form, "new_image": SimpleUploadedFile("p.png", image_bytes(size=(800, 600)), content_type="image/png")},
    )
    image = ProductImage.objects.get(product=product)
    keys = image.keys
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            f"/admin/catalog/product/{product.pk}/change/",
            {
                **form,
                "images-TOTAL_FORMS": "1",
                "images-INITIAL_FORMS": "1",
                "images-0-id": image.pk,
                "images-0-product": product.pk,
                "images-0-alt_text": "",
                "images-0-position": "1",
                "images-0-DELETE": "on",
            },
        )

    assert response.status_code == 302, response.content.decode()[:3000]
    assert len(keys) == 3 and image.is_primary
    assert not ProductImage.objects.exists()
    assert not any(default_storage.exists(key) for key in keys)


def test_the_back_office_refuses_a_file_that_is_not_an_image(client, seller):
    from django.core.files.uploadedfile import SimpleUploadedFile

    product = ProductFactory(seller=seller)
    client.force_login(seller)

    response = client.post(
        f"/admin/catalog/product/{product.pk}/change/",
        {
            "title": product.title,
            "category": product.category_id,
            "price": "10.00",
            "stock": "10",
            "images-TOTAL_FORMS": "0",
            "images-INITIAL_FORMS": "0",
            "new_image": SimpleUploadedFile("x.jpg", b"<svg/>", content_type="image/jpeg"),
        },
    )

    assert response.status_code == 200
    assert "not a JPEG, PNG or WebP image" in response.content.decode()
