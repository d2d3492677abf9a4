"""Password policy with Vietnamese messages: at least 12 characters, letters
and digits, not like the username, not a common or all-digit password."""

from __future__ import annotations

from django.contrib.auth import password_validation as base
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext


class MinimumLengthValidator(base.MinimumLengthValidator):
    def __init__(self, min_length=12):
        super().__init__(min_length=min_length)

    def get_error_message(self):
        return ngettext(
            "This password is too short: use at least %(min_length)d character.",
            "This password is too short: use at least %(min_length)d characters.",
            self.min_length,
        ) % {"min_length": self.min_length}

    def get_help_text(self):
        return ngettext("At least %(min_length)d character.", "At least %(min_length)d characters.", self.min_length) % {
            "min_length": self.min_length
        }


class LettersAndDigitsValidator:
    def validate(self, password, user=None):
        if not any(ch.isalpha() for ch in password) or not any(ch.isdigit() for ch in password):
            raise ValidationError(self.get_error_message(), code="password_letters_digits")

    def get_error_message(self):
        return _("The password must contain both letters and digits.")

    def get_help_text(self):
        return _("Letters and digits.")


class UserAttributeSimilarityValidator(base.UserAttributeSimilarityValidator):
    def get_error_message(self):
        return _("The password is too similar to the %(verbose_name)s.")

    def get_help_text(self):
        return _("Not like your name, username or e-mail address.")


class CommonPasswordValidator(base.CommonPasswordValidator):
    def get_error_message(self):
        return _("This password is too common.")

    def get_help_text(self):
        return _("Not a commonly used password.")


class NumericPasswordValidator(base.NumericPasswordValidator):
    def get_error_message(self):
        return _("The password cannot be entirely digits.")

    def get_help_text(self):
        return _("Not only digits.")
