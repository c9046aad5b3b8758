"""The few errors services raise; views map them to 404 / 403 / 422."""


class ServiceError(Exception):
    """Base for errors a service raises on purpose."""


class NotFound(ServiceError):
    """The row does not exist, or belongs to another store (we never say which)."""


class NotAllowed(ServiceError):
    """The actor's role may not do this."""


class Invalid(ServiceError):
    """Input that cannot be saved; `errors` maps a field name to a message that says what to fix."""

    def __init__(self, message: str, errors: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.errors = errors or {}
