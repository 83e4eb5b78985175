from django.contrib import admin, messages
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from orders import services
from orders.models import Order, OrderLine, OrderStatusChange
from orders.status import OrderStatus
from shop.admin_permissions import SellerScopedAdmin, StaffOnlyAdmin
from shop.errors import DomainError


class OrderLineInline(admin.TabularInline):
    model = OrderLine
    extra = 0
    can_delete = False
    fields = ["product", "seller", "title", "unit_price", "quantity", "line_total"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


class StatusChangeInline(admin.TabularInline):
    model = OrderStatusChange
    extra = 0
    can_delete = False
    fields = ["from_status", "to_status", "changed_by", "changed_at"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


def _status_action(status: str):
    def action(modeladmin, request, queryset):
        moved, refused = 0, []
        for order in queryset:
            try:
                services.change_status(order, status, by=request.user)
                moved += 1
            except DomainError as exc:
                refused.append(f"#{order.pk}: {exc.message}")
        if moved:
            modeladmin.message_user(
                request,
                ngettext("%(count)d order marked “%(status)s”.", "%(count)d orders marked “%(status)s”.", moved)
                % {"count": moved, "status": OrderStatus(status).label},
                messages.SUCCESS,
            )
        for message in refused:
            modeladmin.message_user(request, message, messages.WARNING)

    action.__name__ = f"mark_{status}"
    action.short_description = format_lazy(_("Mark selected orders as “{}”"), OrderStatus(status).label)
    return action


@admin.register(Order)
class OrderAdmin(StaffOnlyAdmin):
    list_display = ["id", "buyer", "status", "total", "currency", "created_at"]
    list_filter = ["status", "created_at"]
    search_fields = ["id", "buyer__email", "shipping_name", "lines__title"]
    date_hierarchy = "created_at"
    list_select_related = ["buyer"]
    readonly_fields = ["buyer", "status", "total", "currency", "idempotency_key", "created_at", "updated_at"]
    fields = [*readonly_fields, "shipping_name", "shipping_address"]
    inlines = [OrderLineInline, StatusChangeInline]
    actions = [_status_action(status) for status in OrderStatus.values]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(OrderLine)
class OrderLineAdmin(SellerScopedAdmin):
    """What sellers sold: each line of an order that includes their products."""

    seller_can_add = False
    seller_can_change = False
    seller_can_delete = False
    list_display = ["order", "title", "quantity", "unit_price", "line_total", "order_status", "ordered_at"]
    list_filter = ["order__status", "order__created_at"]
    search_fields = ["title", "order__id"]
    list_select_related = ["order"]
    readonly_fields = ["order", "product", "seller", "title", "unit_price", "quantity", "line_total"]
    fields = readonly_fields

    @admin.display(description=_("status"), ordering="order__status")
    def order_status(self, line):
        return line.order.get_status_display()

    @admin.display(description=_("ordered"), ordering="order__created_at")
    def ordered_at(self, line):
        return line.order.created_at

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
