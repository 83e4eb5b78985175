"""Create the image bucket if it is missing (uploads also create it on first use)."""

from django.core.files.storage import storages
from django.core.management.base import BaseCommand

from shop.object_storage import BucketStorage


class Command(BaseCommand):
    help = "Create the S3 bucket for uploaded images if it does not exist yet."

    def handle(self, *args, **options):
        storage = storages["default"]
        if not isinstance(storage, BucketStorage):
            self.stdout.write("Uploads are stored as local files (S3_ENDPOINT_URL is empty): no bucket needed.")
            return
        verb = "Created" if storage.ensure_bucket() else "Found"
        self.stdout.write(f"{verb} bucket '{storage.bucket_name}' at {storage.endpoint_url}.")
