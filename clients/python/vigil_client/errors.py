"""The errors the client raises: one class per kind of answer, each with the agent's message."""


class VigilError(Exception):
    """An error answered by the agent (or the agent could not be reached: ``status`` None)."""

    def __init__(self, message, status=None, code=None, diagnostics=None):
        super().__init__(message)
        self.message = message
        self.status = status
        self.code = code
        self.diagnostics = diagnostics or []

    def __str__(self):
        if not self.diagnostics:
            return self.message
        lines = [self.message]
        for d in self.diagnostics:
            lines.append(f"{d.get('file')}:{d.get('line')}:{d.get('column')}: {d.get('path')}: {d.get('message')}")
        return "\n".join(lines)


class BadRequest(VigilError):
    """400: a parameter or the body is malformed."""


class Unauthorized(VigilError):
    """401: the bearer token is missing or wrong."""


class Forbidden(VigilError):
    """403: the agent accepts no writes (it has no --api-token-file)."""


class NotFound(VigilError):
    """404: no such node, resource, fragment or leadership."""


class Conflict(VigilError):
    """409: the cluster's state forbids it now (e.g. the leadership is held by another)."""


class InvalidConfiguration(VigilError):
    """422: the configuration would not validate; ``diagnostics`` names each problem's fragment and line."""


class LeadershipLost(VigilError):
    """410, or a renewal that came too late: the leadership is gone; stop acting as leader."""


class Unavailable(VigilError):
    """503, or no answer: the agent or its etcd did not answer."""


BY_STATUS = {
    400: BadRequest,
    401: Unauthorized,
    403: Forbidden,
    404: NotFound,
    409: Conflict,
    410: LeadershipLost,
    422: InvalidConfiguration,
    503: Unavailable,
}
