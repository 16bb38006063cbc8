"""A client of the Vigil agent's HTTP API (docs/api/openapi.yaml), standard library only.

    from vigil_client import VigilClient

    vigil = VigilClient("http://127.0.0.1:7950", token_file="/etc/vigil/api-token")
    vigil.apply_fragment("keystone", open("keystone.yaml").read())
    with vigil.acquire_leadership("keystone-cron", ttl=5) as leadership:
        leadership.renew()          # within ttl; raises LeadershipLost when it is gone
        ...                         # guard writes with leadership.token

Every error the agent answers becomes a ``VigilError`` subclass carrying the agent's
message (and, for a configuration that does not validate, its diagnostics).
"""

from .client import VigilClient, Leadership
from .errors import (
    VigilError,
    BadRequest,
    Unauthorized,
    Forbidden,
    NotFound,
    Conflict,
    InvalidConfiguration,
    LeadershipLost,
    Unavailable,
)

__all__ = [
    "VigilClient",
    "Leadership",
    "VigilError",
    "BadRequest",
    "Unauthorized",
    "Forbidden",
    "NotFound",
    "Conflict",
    "InvalidConfiguration",
    "LeadershipLost",
    "Unavailable",
]
