"""The client proper: one method per API operation, JSON in and out, typed errors."""

import json
import ssl
import time
import urllib.error
import urllib.parse
import urllib.request

from .errors import BY_STATUS, LeadershipLost, Unavailable, VigilError


def _segment(value):
    return urllib.parse.quote(value, safe="")


class Leadership:
    """A leadership held through the API (``VigilClient.acquire_leadership``).

    ``token`` is the fencing token: guard every write the leader makes with it. Call
    ``renew()`` well within ``ttl`` seconds. The holder must stop acting as leader before
    the lease can expire: ``deadline`` (a ``time.monotonic()`` value) is the last moment
    it may — ``ttl`` less a safety margin after the last confirmed renewal was *sent*;
    ``renew()`` raises ``LeadershipLost`` once it has passed, as the agent's self-fence rule.
    Used as a context manager, it is released on leaving the block.
    """

    def __init__(self, client, name, grant, sent_at):
        self.client = client
        self.name = name
        self.holder = grant["holder"]
        self.token = grant["token"]
        self.lease = grant["lease"]
        self.ttl = grant["ttl"]
        self.margin = min(max(self.ttl / 4, 0.5), self.ttl / 2)
        self.deadline = sent_at + self.ttl - self.margin
        self.released = False

    @property
    def valid(self):
        """Whether the holder may still act as leader now."""
        return not self.released and time.monotonic() < self.deadline

    def renew(self):
        """Renews the lease; returns the new deadline. Raises ``LeadershipLost``."""
        if not self.valid:
            raise LeadershipLost(f"{self.name}: the self-fence deadline passed before a renewal was confirmed")
        sent_at = time.monotonic()
        answer = self.client._request("POST", f"/v1/leadership/{_segment(self.name)}/renew", {"lease": self.lease})
        if time.monotonic() >= self.deadline:
            raise LeadershipLost(f"{self.name}: the renewal was confirmed after the self-fence deadline")
        self.ttl = answer["ttl"]
        self.deadline = sent_at + self.ttl - self.margin
        return self.deadline

    def release(self):
        """Gives the leadership up (another holder can take it at once)."""
        if self.released:
            return
        self.released = True
        self.client._request("POST", f"/v1/leadership/{_segment(self.name)}/release", {"lease": self.lease})

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        try:
            self.release()
        except VigilError:
            pass
        return False


class VigilClient:
    """A client of one agent's API.

    ``url``: the agent (``http://127.0.0.1:7950``, or ``https://…`` with ``cafile``).
    ``token_file``: the file holding the API's bearer token (needed for every write).
    """

    def __init__(self, url, token_file=None, timeout=10.0, cafile=None):
        self.url = url.rstrip("/")
        self.timeout = timeout
        self._token = None
        if token_file is not None:
            with open(token_file, "rb") as f:
                self._token = f.read().rstrip(b"\r\n").decode()
        self._context = ssl.create_default_context(cafile=cafile) if self.url.startswith("https:") else None

    # -- reads

    def status(self):
        """The cluster as ``vigil status --json`` shows it, plus this agent's node and local resources."""
        return self._request("GET", "/v1/status")

    def events(self, limit=100):
        """The most recent events, oldest first."""
        return self._request("GET", f"/v1/events?limit={int(limit)}")["events"]

    def config(self):
        """The applied configuration (every fragment merged) and who owns each resource and group."""
        return self._request("GET", "/v1/config")

    def fragments(self):
        """Owner → its fragment's hash, who applied it when, and what it defines."""
        return self._request("GET", "/v1/fragments")["fragments"]

    def fragment(self, owner):
        """``owner``'s fragment as applied (``yaml`` and its record)."""
        return self._request("GET", f"/v1/fragments/{_segment(owner)}")

    def leader(self, name):
        """Who holds ``name`` (``holder``, ``token``), or None."""
        try:
            return self._request("GET", f"/v1/leadership/{_segment(name)}")
        except VigilError as error:
            if error.status == 404:
                return None
            raise

    def health(self, resource):
        """``(status code, text)`` of the agent's ``/health/<resource>``."""
        return self._raw("GET", f"/health/{_segment(resource)}")

    # -- writes

    def apply_fragment(self, owner, yaml_text, dry_run=False):
        """Applies ``owner``'s fragment; returns the revision, the merged hash and the planned actions.

        Raises ``InvalidConfiguration`` (with the fragment and line of each problem) when
        the whole would not validate; nothing is written then."""
        query = "?dry-run=true" if dry_run else ""
        return self._request("PUT", f"/v1/fragments/{_segment(owner)}{query}", yaml_text, content_type="application/yaml")

    def remove_fragment(self, owner):
        """Removes ``owner``'s fragment (refused while another refers to what it defines)."""
        return self._request("DELETE", f"/v1/fragments/{_segment(owner)}")

    def acquire_leadership(self, name, ttl, holder=None):
        """Takes ``name`` if nobody holds it; returns a ``Leadership``. Raises ``Conflict`` when held."""
        holder = holder or f"python-{id(self):x}"
        sent_at = time.monotonic()
        grant = self._request("POST", f"/v1/leadership/{_segment(name)}/acquire", {"holder": holder, "ttl": int(ttl)})
        return Leadership(self, name, grant, sent_at)

    def report_health(self, resource, healthy, reason="", ttl=10, node=None, reporter=None):
        """Publishes this service's health of ``resource`` (on ``node``, default the agent's) for ``ttl`` seconds."""
        body = {"healthy": bool(healthy), "reason": reason, "ttl": int(ttl)}
        if node:
            body["node"] = node
        if reporter:
            body["reporter"] = reporter
        self._request("PUT", f"/v1/health/{_segment(resource)}", body)

    def withdraw_health(self, resource, node=None):
        """Withdraws a health report."""
        query = f"?node={urllib.parse.quote(node)}" if node else ""
        self._request("DELETE", f"/v1/health/{_segment(resource)}{query}")

    def standby(self, node):
        """Puts ``node`` in standby."""
        return self._request("POST", f"/v1/nodes/{_segment(node)}/standby")

    def online(self, node):
        """Takes ``node`` out of standby."""
        return self._request("POST", f"/v1/nodes/{_segment(node)}/online")

    def move(self, resource, node=None):
        """Moves ``resource`` to ``node`` (or away from where it runs)."""
        return self._request("POST", f"/v1/resources/{_segment(resource)}/move", {"node": node} if node else None)

    def ban(self, resource, node=None):
        """Bans ``resource`` from ``node`` (or from where it runs)."""
        return self._request("POST", f"/v1/resources/{_segment(resource)}/ban", {"node": node} if node else None)

    def clear(self, resource):
        """Clears ``resource``'s move and ban overrides."""
        return self._request("POST", f"/v1/resources/{_segment(resource)}/clear")

    def cleanup(self, resource, node=None):
        """Resets ``resource``'s failcounts (on ``node``, or everywhere); returns how many."""
        return self._request("POST", f"/v1/resources/{_segment(resource)}/cleanup", {"node": node} if node else None)["cleared"]

    # -- transport

    def _raw(self, method, path, body=None, content_type="application/json"):
        data = None
        headers = {"Accept": "application/json"}
        if body is not None:
            data = body.encode() if isinstance(body, str) else json.dumps(body).encode()
            headers["Content-Type"] = content_type
        if self._token is not None:
            headers["Authorization"] = f"Bearer {self._token}"
        request = urllib.request.Request(self.url + path, data=data, method=method, headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=self.timeout, context=self._context) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()
        except (urllib.error.URLError, OSError) as error:
            raise Unavailable(f"{self.url}: no answer ({error})") from error

    def _request(self, method, path, body=None, content_type="application/json"):
        status, text = self._raw(method, path, body, content_type)
        if 200 <= status < 300:
            return json.loads(text) if text.strip() else None
        try:
            document = json.loads(text)
        except ValueError:
            document = {"message": text.strip() or f"HTTP {status}"}
        error = BY_STATUS.get(status, VigilError)
        # An error document carries "message"; the status document (503, no view yet) only "error".
        message = document.get("message") or document.get("error") or f"HTTP {status}"
        raise error(message, status=status, code=document.get("error"),
                    diagnostics=document.get("diagnostics"))
