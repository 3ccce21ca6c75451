"""Throwaway credentials whose token endpoint is the sandbox, so google-auth's real refresh path runs.

Generated on demand (tests, demo); never written into the repository.
"""

from __future__ import annotations

from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

SANDBOX_PROJECT = "mymein-sandbox"


def throwaway_service_account(token_uri: str, name: str = "mymein") -> dict[str, Any]:
    """A service-account key file's content, with a fresh RSA key, pointing at `token_uri`."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode("ascii")
    email = f"{name}@{SANDBOX_PROJECT}.iam.gserviceaccount.com"
    return {
        "type": "service_account",
        "project_id": SANDBOX_PROJECT,
        "private_key_id": "sandbox-key",
        "private_key": pem,
        "client_email": email,
        "client_id": "100000000000000000001",
        "auth_uri": token_uri.rsplit("/", 1)[0] + "/auth",
        "token_uri": token_uri,
    }


def throwaway_user_token(token_uri: str) -> dict[str, Any]:
    """An OAuth user token file's content (as google-auth's `Credentials.to_json` writes it)."""
    return {
        "refresh_token": "sandbox-refresh-token",
        "client_id": "sandbox-client.apps.googleusercontent.com",
        "client_secret": "sandbox-secret",
        "token_uri": token_uri,
        "scopes": ["https://www.googleapis.com/auth/blogger"],
        "type": "authorized_user",
    }
