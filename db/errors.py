"""The one error the persistence layer raises to its callers: a Vietnamese message."""


class StoreError(Exception):
    """A refusal or failure to show the user as it is (``message`` is Vietnamese)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class InvalidInput(StoreError):
    """The user's text was refused (a number that does not parse, a missing reason)."""
