"""Words of the libraries we use that a person reads here, and that the library has not translated.

Django merges every catalogue into one per language, so a translation in our catalogue (locale/)
serves a library's gettext call with the same text. simplejwt ships Russian only as `ru_RU`, which
Django never loads for `ru`, and leaves its back-office labels untranslated even there: its API
errors (a client sends a bad or expired token) and its token-blacklist pages in the back-office
would stay English. Django REST framework's Russian catalogue lacks some of its newer field
errors and leaves English words in a few others (the catalogues of LOCALE_PATHS come first).
Listed here (gettext_noop: marked, not translated at import), makemessages puts them in our
catalogue, and the catalogue checks hold them to the same rules as ours. The API fuzzing test
(shop/tests/test_api_fuzzing.py) asks in Russian and finds any that is still missing.
"""

from django.utils.translation import gettext_noop

SIMPLEJWT = [
    # API errors
    gettext_noop("Authorization header must contain two space-delimited values"),
    gettext_noop("Given token not valid for any token type"),
    gettext_noop("Token contained no recognizable user identification"),
    gettext_noop("User not found"),
    gettext_noop("User is inactive"),
    gettext_noop("The user's password has been changed."),
    gettext_noop("Token is invalid"),
    gettext_noop("Token is expired"),
    gettext_noop("Token is invalid or expired"),
    gettext_noop("Token is blacklisted"),
    gettext_noop("Token has no id"),
    gettext_noop("Token has no type"),
    gettext_noop("Token has wrong type"),
    gettext_noop("Token has no '{}' claim"),
    gettext_noop("Token '{}' claim has expired"),
    gettext_noop("No active account found with the given credentials"),
    gettext_noop("No active account found for the given token."),
    # the token blacklist in the back-office
    gettext_noop("Token Blacklist"),
    gettext_noop("Outstanding Token"),
    gettext_noop("Outstanding Tokens"),
    gettext_noop("Blacklisted Token"),
    gettext_noop("Blacklisted Tokens"),
    gettext_noop("Token for %(user)s (%(jti)s)"),
    gettext_noop("Blacklisted token for %(user)s"),
    gettext_noop("jti"),
    gettext_noop("created at"),
    gettext_noop("expires at"),
]

# Django REST framework's field errors missing from its Russian catalogue (its API-schema
# descriptions stay out: the schema is written in English).
REST_FRAMEWORK = [
    gettext_noop("Must be a valid boolean."),
    gettext_noop("Not a valid string."),
    gettext_noop("Must be a valid UUID."),
    gettext_noop("A valid biginteger is required."),
    gettext_noop("Integer value too large to convert to float"),
    gettext_noop("Datetime value out of range."),
    gettext_noop('Invalid datetime for the timezone "{timezone}".'),
    gettext_noop("Ensure this field has at least {min_length} elements."),
    gettext_noop("Ensure this field has no more than {max_length} elements."),
    gettext_noop("This dictionary may not be empty."),
    gettext_noop("Surrogate characters are not allowed: U+{code_point:X}."),
    gettext_noop('Enter a valid "slug" consisting of Unicode letters, numbers, underscores, or hyphens.'),
    gettext_noop("The number of days must be between {min_days} and {max_days}."),
    gettext_noop("Invalid input."),
    # translated there, but with English words left in ("Ожидался dictionary"): ours take precedence
    gettext_noop("Invalid data. Expected a dictionary, but got {datatype}."),
    gettext_noop('Expected a list of items but got type "{input_type}".'),
    gettext_noop("Date has wrong format. Use one of these formats instead: {format}."),
    gettext_noop("Datetime has wrong format. Use one of these formats instead: {format}."),
    gettext_noop("Expected a date but got a datetime."),
    gettext_noop("Expected a datetime but got a date."),
]
