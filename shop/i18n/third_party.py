"""Words of the libraries we use that a person reads here, and that the library has not translated.

Django merges every catalogue into one per language, so a translation in our catalogue (locale/)
serves a library's gettext call with the same text. simplejwt ships Russian only as `ru_RU`, which
Django never loads for `ru`, and leaves its back-office labels untranslated even there: its API
errors (a client sends a bad or expired token) and its token-blacklist pages in the back-office
would stay English. Listed here (gettext_noop: marked, not translated at import), makemessages
puts them in our catalogue, and the catalogue checks hold them to the same rules as ours.
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
