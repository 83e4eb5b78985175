"""Lists in the API: numbered pages, or a cursor for lists an app scrolls through.

Every list answers `count`, `next`, `previous`, `next_cursor` and `results`:
- `?page=N` (the default) is what a web page with page links wants;
- `?cursor=C`, with C the `next_cursor` of an earlier answer, goes on after that answer's last
  row and stays right while rows are added (shop.api.cursor). Cursors go forward: `previous` is
  null in a cursor answer. A cursor holds for the list and filters it came from (`page_size` may
  change between pages); another list or other filters answer 400. Any answer with more rows
  after it has a `next_cursor`, so an app can start with page 1 and continue by cursor.
"""

from django.utils.translation import gettext as _
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.utils.urls import replace_query_param

from shop.api import cursor as keyset
from shop.pagination import CountingPaginator, SharedCountPaginator


class StandardPagination(PageNumberPagination):
    """Numbered pages or a cursor; 1 to 100 items a page (20 unless `page_size` says)."""

    django_paginator_class = CountingPaginator
    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100
    cursor_query_param = "cursor"

    def get_page_size(self, request) -> int:
        """The requested size, refused (400) outside 1..max_page_size rather than quietly changed."""
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        if not raw.isdigit() or not 1 <= int(raw) <= self.max_page_size:
            raise ValidationError(
                {
                    self.page_size_query_param: [
                        _("page_size must be a whole number from 1 to %(most)d.") % {"most": self.max_page_size}
                    ]
                }
            )
        return int(raw)

    def paginate_queryset(self, queryset, request, view=None):
        self.request = request
        self.size = self.get_page_size(request)
        self.ordering = keyset.ordering_of(queryset)
        self.scope = keyset.scope_of(
            request.path.rstrip("/"),  # trailing slashes are optional in the API
            request.query_params.lists(),
            ignored=(self.cursor_query_param, self.page_query_param, self.page_size_query_param),
        )
        queryset = queryset.order_by(*self.ordering)
        self.next_cursor = None
        token = request.query_params.get(self.cursor_query_param)
        if token is None:
            rows = super().paginate_queryset(queryset, request, view)
            if self.page.has_next():
                self.next_cursor = keyset.encode(rows[-1], self.ordering, self.scope)
            return rows
        if self.page_query_param in request.query_params:
            raise ValidationError({self.cursor_query_param: [_("Send either page or cursor, not both.")]})
        self.page = None
        paginator = self.django_paginator_class(queryset, self.size)
        rows, self.count = paginator.rows_and_count(keyset.rows_after(queryset, token, self.scope), 0, self.size + 1)
        if len(rows) > self.size:
            rows = rows[: self.size]
            self.next_cursor = keyset.encode(rows[-1], self.ordering, self.scope)
        return rows

    def get_paginated_response(self, data):
        return Response(
            {
                "count": self.page.paginator.count if self.page is not None else self.count,
                "next": self.get_next_link(),
                "previous": self.get_previous_link(),
                "next_cursor": self.next_cursor,
                "results": data,
            }
        )

    def get_next_link(self):
        if self.page is not None:
            return super().get_next_link()
        if self.next_cursor is None:
            return None
        url = self.request.build_absolute_uri()
        return replace_query_param(url, self.cursor_query_param, self.next_cursor)

    def get_previous_link(self):
        return super().get_previous_link() if self.page is not None else None

    def get_paginated_response_schema(self, schema):
        answer = super().get_paginated_response_schema(schema)
        answer["properties"]["next_cursor"] = {
            "type": "string",
            "nullable": True,
            "description": "Send as `cursor` to get the rows after this answer; null at the end of the list.",
        }
        answer["required"] = ["count", "next", "previous", "next_cursor", "results"]
        return answer

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_query_param:
                parameter["schema"]["minimum"] = 1
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"].update(minimum=1, maximum=self.max_page_size, default=self.page_size)
                parameter["description"] = f"Rows per page, 1 to {self.max_page_size}."
        parameters.append(
            {
                "name": self.cursor_query_param,
                "required": False,
                "in": "query",
                "description": "Continue after an earlier answer: its `next_cursor` (instead of `page`). Stable "
                "while rows are added; the filters and ordering must stay the same.",
                "schema": {"type": "string"},
            }
        )
        return parameters


class CataloguePagination(StandardPagination):
    """The public catalogue: the total is shared between requests (shop.pagination.SharedCountPaginator)."""

    django_paginator_class = SharedCountPaginator
