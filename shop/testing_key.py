"""A pytest plugin (pyproject's `-p shop.testing_key`): a SECRET_KEY of the test run's own.

The settings refuse a weak or published key with DEBUG off (config/keys.py), and the tests run
with DEBUG off, as production does. A key written in the repository would be a published key
that production accepts; so each run makes one, before pytest-django loads the settings, and the
servers the tests start inherit it from the environment. A key the environment brings wins.
"""

import os
import secrets

os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(50))
