"""A JSON parser that turns every malformed body into a 400 a person can act on, deep nesting included."""

import json

from django.utils.translation import gettext as _
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser


class SafeJSONParser(JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError as exc:
            raise ParseError(_("The JSON body is nested too deeply.")) from exc
        except ParseError as exc:
            # DRF's message carries Python's own words for the fault (English whatever the language):
            # say where it is instead.
            fault = exc.__context__
            if isinstance(fault, json.JSONDecodeError):
                raise ParseError(
                    _("The body is not valid JSON: look at line %(line)d, column %(column)d.")
                    % {"line": fault.lineno, "column": fault.colno}
                ) from fault
            raise ParseError(_("The body is not valid JSON.")) from exc
