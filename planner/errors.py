"""Domain errors. Pages turn these into messages; nothing else about them is screen-specific."""


class PlannerError(Exception):
    """Base class: the message is safe to show to the user."""


class NotFound(PlannerError):
    """The thing does not exist, or belongs to another team (we never say which)."""


class PermissionDenied(PlannerError):
    """The actor's role does not allow the action."""


class AuthenticationFailed(PlannerError):
    """Log-in refused. The same message for an unknown user and a wrong password."""


class SessionExpired(PlannerError):
    """The log-in session is over: expired, revoked, or the member was deactivated."""


class Conflict(PlannerError):
    """Someone else changed the record first, or a unique name is taken."""


class ValidationFailed(PlannerError):
    """Input is wrong. `problems` maps a field name to what is wrong with it."""

    def __init__(self, problems: dict[str, str]):
        self.problems = dict(problems)
        super().__init__("; ".join(f"{field}: {why}" for field, why in self.problems.items()))


class ContentError(PlannerError):
    """A file in content/ is malformed; the message names the file and the field."""
