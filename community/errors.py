"""The community app's one way to say which input field broke a rule."""

from kalpla.exceptions import ValidationError


def field_error(field: str, message: str, *, code: str = "invalid") -> ValidationError:
    return ValidationError(message, code=code, errors={field: [message]})
