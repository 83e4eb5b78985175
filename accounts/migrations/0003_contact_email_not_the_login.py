from django.db import migrations
from django.db.models import F
from django.db.models.functions import Lower


def clear_copied_login_addresses(apps, schema_editor):
    """Shops used to get their seller's login address as the public contact address; the login
    address is private, so a copy made that way is removed (the seller may enter one again)."""
    SellerProfile = apps.get_model("accounts", "SellerProfile")
    SellerProfile.objects.annotate(login=Lower(F("user__email"))).filter(contact_email__iexact=F("login")).update(
        contact_email=""
    )


class Migration(migrations.Migration):
    dependencies = [("accounts", "0002_user_awaiting_confirmation")]

    operations = [migrations.RunPython(clear_copied_login_addresses, migrations.RunPython.noop)]
