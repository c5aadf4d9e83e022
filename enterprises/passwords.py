"""Password rules, as Django's, with messages that are translated.

Django 5.2 changed the msgid of the "too short" error to ``%d`` while its Simplified Chinese
catalogue still translates the earlier ``%(min_length)d`` form, so the error appeared in
English on Chinese pages. This validator uses the earlier form, which both catalogues carry.
"""

from django.contrib.auth import password_validation
from django.utils.translation import ngettext


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    def get_error_message(self):
        return ngettext(
            "This password is too short. It must contain at least %(min_length)d character.",
            "This password is too short. It must contain at least %(min_length)d characters.",
            self.min_length,
        ) % {"min_length": self.min_length}
