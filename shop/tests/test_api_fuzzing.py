"""schemathesis against our own OpenAPI schema, as a buyer, a seller and staff, on every operation.

Every generated request (valid and invalid) must get an answer that is not a
server error and whose body matches what the schema documents for its status. The requests
ask for Russian, and every refusal must answer in it: no English word of ours in its `detail`
or its field messages.
A bounded run is part of `make test` (FUZZ_EXAMPLES per operation and role);
`make bench` runs a longer one.
"""

import os
import re

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from hypothesis import HealthCheck, settings
from rest_framework_simplejwt.tokens import RefreshToken
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from accounts.tests.factories import BuyerFactory, SellerFactory, StaffFactory
from catalog.tests.factories import ProductFactory
from shop.tests.english import english_in, english_words, prose

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "4"))
schema = schemathesis.openapi.from_wsgi("/api/schema/", get_wsgi_application())

ROLES = {"buyer": BuyerFactory, "seller": SellerFactory, "staff": StaffFactory}


@pytest.fixture
def in_test_transaction():
    """As Django's test client does: requests must not close the test's database connection."""
    from django.core import signals
    from django.db import close_old_connections

    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture(params=sorted(ROLES))
def token(request, db, in_test_transaction):
    user = ROLES[request.param]()
    ProductFactory(seller=user if request.param == "seller" else SellerFactory())
    return str(RefreshToken.for_user(user).access_token)


def refusals_speak_russian(ctx, response, case):
    """A 4xx to a request asking for Russian says what went wrong in Russian."""
    if not 400 <= response.status_code < 500:
        return None
    assert response.headers.get("content-language") == ["ru"], response.headers
    body = response.json()
    fields = body.get("errors", {})
    named = re.compile(rf"^(?:{'|'.join(map(re.escape, fields)) or '$^'}): ")
    for message in [body["detail"], *(message for messages in fields.values() for message in messages)]:
        text = prose(named.sub("", message))
        left = english_in(text, english_words())
        assert re.search("[а-яё]", text, re.IGNORECASE) and not left, f"not Russian: {message!r} ({sorted(left)})"
    return None


@pytest.mark.fuzz
@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.filter_too_much],
)
def test_no_server_error_and_no_response_that_breaks_the_schema(case, token):
    case.call_and_validate(
        headers={"Authorization": f"Bearer {token}", "Accept-Language": "ru"},
        checks=[
            not_a_server_error,
            response_schema_conformance,
            status_code_conformance,
            content_type_conformance,
            refusals_speak_russian,
        ],
    )
