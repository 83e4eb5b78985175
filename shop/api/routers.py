from rest_framework.routers import SimpleRouter


class OptionalSlashRouter(SimpleRouter):
    """Routes that answer with or without a trailing slash (`/api/v1/products` as the seed has it)."""

    def __init__(self):
        super().__init__()
        self.trailing_slash = "/?"
