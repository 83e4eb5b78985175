"""Create the image bucket if it is missing (uploads also create it on first use)."""

from django.core.files.storage import storages
from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from shop.object_storage import BucketStorage


class Command(BaseCommand):
    help = gettext_lazy("Create the S3 bucket for uploaded images if it does not exist yet.")

    def handle(self, *args, **options):
        storage = storages["default"]
        if not isinstance(storage, BucketStorage):
            self.stdout.write(_("Uploads are stored as local files (S3_ENDPOINT_URL is empty): no bucket needed."))
            return
        found = {"bucket": storage.bucket_name, "endpoint": storage.endpoint_url}
        if storage.ensure_bucket():
            self.stdout.write(_("Created bucket '%(bucket)s' at %(endpoint)s.") % found)
        else:
            self.stdout.write(_("Found bucket '%(bucket)s' at %(endpoint)s.") % found)
