"""Password strength: zxcvbn (django-zxcvbn-password-validator, Japanese messages) told the user's own names.

The library collects the words a password must not resemble from `user.__dict__`; the change-password form gets
`request.user`, a lazy object whose own __dict__ holds none of them, so the user name doubled would pass. Here the
names are read as attributes."""

from django_zxcvbn_password_validator import ZxcvbnPasswordValidator

USER_WORDS = ("username", "first_name", "last_name", "display_name", "display_name_kana", "email")


class StrengthValidator(ZxcvbnPasswordValidator):
    def _get_user_inputs(self, user):
        words = list(self.extra_dictionary)
        if user is not None:
            words += [value for value in (getattr(user, name, "") for name in USER_WORDS)
                      if isinstance(value, str) and value]
        return words
