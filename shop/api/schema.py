"""OpenAPI schema hooks."""


def strip_optional_slash(endpoints, **kwargs):
    """Routes accept an optional trailing slash; document them as the seed names them, without it."""
    return [
        (path.rstrip("/") if path != "/" else path, path_regex, method, callback)
        for path, path_regex, method, callback in endpoints
    ]
