"""OAuth2 emulator: the consent redirect of installed apps, and the token endpoint (authorization-code with PKCE,
JWT-bearer grants of service accounts, refresh-token grants of users)."""

from __future__ import annotations

import base64
import hashlib
import json
import time
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, urlencode

from .routing import Request, Response, Router

if TYPE_CHECKING:
    from .server import SandboxApp

JWT_BEARER = "urn:ietf:params:oauth:grant-type:jwt-bearer"
TOKEN_LIFETIME = 3599


def _oauth_error(error: str, description: str) -> Response:
    # OAuth's own error shape (RFC 6749), which google-auth parses; not the Google API error body.
    return Response(status=400, json={"error": error, "error_description": description})


def _s256(verifier: str) -> str:
    """PKCE: the challenge a verifier answers (RFC 7636, S256)."""
    return base64.urlsafe_b64encode(hashlib.sha256(verifier.encode("ascii")).digest()).decode("ascii").rstrip("=")


def _claims(assertion: str) -> dict[str, Any] | None:
    """The JWT's claims, unverified: the sandbox trusts any key, it only checks the shape."""
    parts = assertion.split(".")
    if len(parts) != 3:
        return None
    try:
        padded = parts[1] + "=" * (-len(parts[1]) % 4)
        claims = json.loads(base64.urlsafe_b64decode(padded))
    except ValueError:
        return None
    return claims if isinstance(claims, dict) else None


def register(router: Router, app: SandboxApp) -> None:
    # Refresh tokens and service accounts revoked through `POST /_sandbox/oauth/revoke`: a user who removed the
    # app's access, a token of an app in "Testing" past its 7 days, a deleted service-account key.
    revoked: set[str] = set()

    def revoke(req: Request) -> Response:
        body = req.json()
        if not isinstance(body, dict) or not (body.get("refresh_token") or body.get("client_email")):
            return Response(status=400, json={"error": 'expected {"refresh_token": ...} or {"client_email": ...}'})
        revoked.update(str(body[k]) for k in ("refresh_token", "client_email") if body.get(k))
        return Response(json={"revoked": sorted(revoked)})

    def token(req: Request) -> Response:
        form = {k: v[-1] for k, v in parse_qs(req.body.decode("utf-8"), keep_blank_values=True).items()}
        grant = form.get("grant_type", "")
        issued = {
            "access_token": "sandbox-" + app.state.new_token_id(40),
            "expires_in": TOKEN_LIFETIME,
            "token_type": "Bearer",
        }
        if grant == JWT_BEARER:
            claims = _claims(form.get("assertion", ""))
            if claims is None or not claims.get("iss") or not claims.get("aud"):
                return _oauth_error("invalid_grant", "Invalid JWT: the assertion is malformed.")
            if float(claims.get("exp", 0)) < time.time():
                return _oauth_error(
                    "invalid_grant", "Invalid JWT: Token must be a short-lived token and in a reasonable timeframe."
                )
            if str(claims.get("iss")) in revoked:
                return _oauth_error("invalid_grant", "Invalid JWT Signature.")  # what Google says of a deleted key
            return Response(json=issued)
        if grant == "authorization_code":
            granted = codes.pop(form.get("code", ""), None)
            if granted is None:
                return _oauth_error("invalid_grant", "Malformed auth code.")
            if form.get("redirect_uri") != granted["redirect_uri"]:
                return _oauth_error("redirect_uri_mismatch", "Bad Request")
            if granted["challenge"] and _s256(form.get("code_verifier", "")) != granted["challenge"]:
                return _oauth_error("invalid_grant", "Invalid code verifier.")
            answer = {**issued, "scope": granted["scope"]}
            if granted["offline"]:
                answer["refresh_token"] = "sandbox-refresh-" + app.state.new_token_id(40)
            return Response(json=answer)
        if grant == "refresh_token":
            if not form.get("refresh_token") or not form.get("client_id"):
                return _oauth_error("invalid_request", "Missing required parameter: refresh_token or client_id.")
            if form["refresh_token"] in revoked:
                return _oauth_error("invalid_grant", "Token has been expired or revoked.")
            return Response(json={**issued, "scope": form.get("scope", "https://www.googleapis.com/auth/blogger")})
        return _oauth_error("unsupported_grant_type", f"Invalid grant_type: {grant}")

    codes: dict[str, dict[str, Any]] = {}

    def authorize(req: Request) -> Response:
        """The consent page, already agreed to: straight back to the app's loopback redirect with a code."""
        redirect = req.arg("redirect_uri") or ""
        if not req.arg("client_id") or not redirect.startswith(("http://127.0.0.1", "http://localhost")):
            return Response(status=400, body=b"Error 400: invalid_request", content_type="text/plain")
        if req.arg("response_type") != "code":
            return Response(status=400, body=b"Error 400: unsupported_response_type", content_type="text/plain")
        code = "4/sandbox-" + app.state.new_token_id(40)
        codes[code] = {
            "redirect_uri": redirect,
            "challenge": req.arg("code_challenge") or "",
            "scope": req.arg("scope") or "",
            "offline": req.arg("access_type") == "offline",
        }
        query = urlencode({"state": req.arg("state") or "", "code": code, "scope": req.arg("scope") or ""})
        return Response(status=302, headers={"Location": f"{redirect}?{query}"})

    def allowed_locations(_: Request) -> Response:
        # google-auth asks IAM where a service account may be used; "0x0" means no restriction.
        return Response(json={"locations": [], "encodedLocations": "0x0"})

    router.add("POST", r"^/token$", "oauth.token", token, mutates=False)
    router.add("POST", r"^/_sandbox/oauth/revoke$", "", revoke, mutates=False)
    router.add("GET", r"^/o/oauth2/auth$", "", authorize, mutates=False)
    router.add(
        "GET",
        r"^/v1/projects/[^/]+/serviceAccounts/[^/]+/allowedLocations$",
        "iamcredentials.serviceAccounts.allowedLocations",
        allowed_locations,
    )
