"""Permission names in the back-office reader's language.

`migrate` stores each model's permissions with English names ("Can add product", made from the
model's untranslated name), so the permission pickers of the group and user forms stayed English
on a Russian page. The four built-in ones are named here from the model's translated names;
any other keeps the name it was given.
"""

from django.utils.translation import gettext_lazy as _

ACTIONS = {"add": _("adding"), "change": _("changing"), "delete": _("deleting"), "view": _("viewing")}


def permission_label(permission) -> str:
    action, _sep, model_name = permission.codename.partition("_")
    model = permission.content_type.model_class()
    if action in ACTIONS and model is not None and model_name == model._meta.model_name:
        return f"{permission.content_type.app_labeled_name} | {ACTIONS[action]}"
    return str(permission)


class TranslatedPermissions:
    """For a ModelAdmin whose form picks permissions (a group's, a user's)."""

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        field = super().formfield_for_manytomany(db_field, request, **kwargs)
        if field is not None and db_field.name in ("permissions", "user_permissions"):
            field.label_from_instance = permission_label
        return field
