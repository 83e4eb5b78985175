#!/usr/bin/env python
"""Django's command-line entry point for this project."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    try:
        django.setup()
    except ImproperlyConfigured:
        pass  # execute_from_command_line reports it, as it always has
    else:
        from django.utils import translation

        from shop.i18n import operator_language

        # Our commands speak the operator's language (their locale), else the shop's.
        translation.activate(operator_language())
    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
