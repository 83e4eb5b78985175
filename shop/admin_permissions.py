"""Role-based permissions for the back-office.

Django's per-model permission rows are the wrong tool for a marketplace: what a
seller may touch depends on who owns the row, not on the model. Staff (and
superusers) may do everything; sellers see only rows that `seller_queryset`
keeps for them; everybody else sees nothing.
"""

from django.contrib import admin


def is_back_office_staff(user) -> bool:
    return user.is_active and (user.is_superuser or user.is_staff)


class StaffOnlyAdmin(admin.ModelAdmin):
    """A model only staff manage."""

    def has_module_permission(self, request) -> bool:
        return is_back_office_staff(request.user)

    def has_view_permission(self, request, obj=None) -> bool:
        return is_back_office_staff(request.user)

    def has_add_permission(self, request) -> bool:
        return is_back_office_staff(request.user)

    def has_change_permission(self, request, obj=None) -> bool:
        return is_back_office_staff(request.user)

    def has_delete_permission(self, request, obj=None) -> bool:
        return is_back_office_staff(request.user)


class SellerScopedAdmin(admin.ModelAdmin):
    """A model sellers manage for their own rows; staff manage all of them.

    Subclasses name the lookup from the model to its seller in `seller_field`.
    `seller_can_add`/`seller_can_delete` say whether sellers create or delete rows.
    """

    seller_field = "seller"
    seller_can_add = True
    seller_can_delete = True
    seller_can_change = True

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if is_back_office_staff(request.user):
            return queryset
        if getattr(request.user, "is_seller", False):
            return queryset.filter(**{self.seller_field: request.user}).distinct()
        return queryset.none()

    def _is_seller(self, request) -> bool:
        return request.user.is_active and getattr(request.user, "is_seller", False)

    def _owns(self, request, obj) -> bool:
        if obj is None:
            return True
        return self.get_queryset(request).filter(pk=obj.pk).exists()

    def has_module_permission(self, request) -> bool:
        return is_back_office_staff(request.user) or self._is_seller(request)

    def has_view_permission(self, request, obj=None) -> bool:
        if is_back_office_staff(request.user):
            return True
        return self._is_seller(request) and self._owns(request, obj)

    def has_add_permission(self, request, obj=None) -> bool:
        if is_back_office_staff(request.user):
            return True
        return self.seller_can_add and self._is_seller(request)

    def has_change_permission(self, request, obj=None) -> bool:
        if is_back_office_staff(request.user):
            return True
        return self.seller_can_change and self._is_seller(request) and self._owns(request, obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        if is_back_office_staff(request.user):
            return True
        return self.seller_can_delete and self._is_seller(request) and self._owns(request, obj)
