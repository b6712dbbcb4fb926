"""Auth Agent for Python agents, at the HTTP level, with the standard library only.

Use it from any Python browser agent (browser-use, Playwright for Python, Selenium…):
when the browser shows the Auth Agent sign-in page, read the page URL and the request id
from the live page and call ``AuthAgent.authenticate``. The secret goes only to the
configured issuer: the endpoint comes from the configuration, never from the page, and
redirects are never followed.

Run as a script it plays both roles over plain HTTP (a cookie jar stands in for the
browser), which is how the project's tests exercise it:

    python3 auth_agent.py AUTHORIZATION_URL   # env: AUTH_AGENT_ISSUER, AUTH_AGENT_ID, ...
"""

from __future__ import annotations

import http.cookiejar
import json
import os
import re
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from urllib.parse import urlsplit

REQUEST_ID = re.compile(r"^[A-Za-z0-9_-]{16,256}$")
META = re.compile(r'<meta\s[^>]*name="auth-agent-request-id"[^>]*content="([^"]+)"', re.I)

# JavaScript for a browser agent to run in the page (page.evaluate) to read the request id.
READ_REQUEST_ID_JS = (
    "() => (window.authRequest && window.authRequest.request_id)"
    " || document.querySelector('meta[name=\"auth-agent-request-id\"]')?.content"
    " || document.querySelector('[data-request-id]')?.dataset.requestId || null"
)


class AuthAgentError(Exception):
    """A failed sign-in; ``code`` is a stable string (same codes as the TypeScript SDK)."""

    def __init__(self, code: str, message: str, status: int | None = None):
        super().__init__(message)
        self.code = code
        self.status = status


def origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower()


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    # A 307/308 would resend the body, secret included, to wherever Location points.
    def redirect_request(self, req, fp, code, msg, headers, newurl):  # noqa: D401, ANN001
        return None


@dataclass
class AuthAgent:
    issuer: str
    agent_id: str
    agent_secret: str = field(repr=False)
    model: str
    retries: int = 3

    def __post_init__(self) -> None:
        self.issuer = self.issuer.rstrip("/")
        parts = urlsplit(self.issuer)
        local = parts.hostname in ("localhost", "127.0.0.1", "::1")
        if parts.scheme != "https" and not (parts.scheme == "http" and local):
            raise AuthAgentError("invalid_config", "The issuer must be an https URL.")

    def check_page(self, page_url: str) -> None:
        """Refuses to sign in on a page that the configured issuer did not serve."""
        if origin(page_url) != origin(self.issuer):
            raise AuthAgentError(
                "untrusted_origin",
                f"The sign-in page is served by {origin(page_url)}, not by {origin(self.issuer)};"
                " the agent secret was not sent.",
            )

    def authenticate(self, request_id: str) -> None:
        """POST {issuer}/api/agent/authenticate, retrying 429/5xx and honouring Retry-After."""
        if not REQUEST_ID.match(request_id or ""):
            raise AuthAgentError("invalid_request", "That is not a sign-in request id.")
        body = json.dumps(
            {
                "request_id": request_id,
                "agent_id": self.agent_id,
                "agent_secret": self.agent_secret,
                "model": self.model,
            }
        ).encode()
        opener = urllib.request.build_opener(_NoRedirect)
        for attempt in range(self.retries + 1):
            request = urllib.request.Request(
                f"{self.issuer}/api/agent/authenticate",
                data=body,
                method="POST",
                headers={"content-type": "application/json", "accept": "application/json"},
            )
            try:
                with opener.open(request, timeout=10) as response:
                    if json.load(response).get("status") == "authenticated":
                        return
                    raise AuthAgentError("unexpected_response", "The server did not confirm.")
            except urllib.error.HTTPError as error:
                retryable = error.code == 429 or error.code >= 500
                if retryable and attempt < self.retries:
                    wait = error.headers.get("retry-after", "")
                    time.sleep(int(wait) if wait.isdigit() else 0.25 * 2**attempt)
                    continue
                raise _error_from(error) from None
        raise AuthAgentError("server_error", "The server kept failing.")


def _error_from(error: urllib.error.HTTPError) -> AuthAgentError:
    try:
        description = json.load(error).get("error_description", "")
    except (ValueError, AttributeError):
        description = ""
    codes = {400: "invalid_request", 401: "authentication_failed", 403: "access_denied", 429: "rate_limited"}
    code = codes.get(error.code, "server_error" if error.code >= 500 else "unexpected_response")
    return AuthAgentError(code, description or f"HTTP {error.code}", error.code)


def sign_in_over_http(agent: AuthAgent, authorization_url: str) -> str:
    """Plays the browser with a cookie jar; returns where the browser is sent back to."""
    jar = http.cookiejar.CookieJar()
    browser = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), _NoRedirect)
    with browser.open(authorization_url, timeout=10) as page:
        page_url, html = page.geturl(), page.read().decode()
    agent.check_page(page_url)
    found = META.search(html)
    if not found:
        raise AuthAgentError("request_id_not_found", "No sign-in request id on the page.")
    request_id = found.group(1)
    agent.authenticate(request_id)
    status_url = f"{agent.issuer}/api/check-status?request_id={request_id}"
    with browser.open(status_url, timeout=10) as response:
        return json.load(response)["redirect_to"]


if __name__ == "__main__":
    try:
        redirect = sign_in_over_http(
            AuthAgent(
                issuer=os.environ["AUTH_AGENT_ISSUER"],
                agent_id=os.environ["AUTH_AGENT_ID"],
                agent_secret=os.environ["AUTH_AGENT_SECRET"],
                model=os.environ.get("AGENT_MODEL", "python-agent"),
            ),
            sys.argv[1],
        )
        print(json.dumps({"redirect_to": redirect}))
    except AuthAgentError as error:
        print(json.dumps({"error": error.code, "message": str(error)}))
        sys.exit(1)
