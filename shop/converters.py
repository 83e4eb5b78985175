"""URL converters. Ids are bounded so an absurd number is a 404, not a database overflow."""


class IdConverter:
    regex = "[0-9]{1,18}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value) -> str:
        return str(value)


ID_REGEX = IdConverter.regex
