"""Single sign-on with OpenID Connect, through authlib (issue #4).

The authorization code flow with PKCE: ``begin`` asks the provider's discovery
document for its endpoints and builds the address to send the person to (with a
fresh ``state``, ``nonce`` and PKCE verifier, which the caller keeps server-side,
bound to the browser); ``finish`` swaps the code for tokens, checks the ID token
against the provider's published keys (signature, issuer, audience, expiry, nonce),
and asks the userinfo endpoint for the email and name when the ID token does not
carry them, as many real providers do.

Every failure becomes one of two plain-words errors: ``ProviderUnavailable`` (the
provider is down or misconfigured: try again later, or sign in another way) and
``SignInFailed`` (this answer from the provider cannot be trusted: start again).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import httpx2
from authlib.integrations.base_client.errors import OAuthError
from authlib.integrations.starlette_client import OAuth
from authlib.oidc.core import CodeIDToken
from joserfc import jwt
from joserfc.errors import InvalidKeyIdError, JoseError
from joserfc.jwk import KeySet

from wiki import clock
from wiki.errors import WikiError
from wiki.settings import OidcProvider

log = logging.getLogger("planwiki.oidc")

# Only public-key signatures: a symmetric (HS*) ID token would be signed with our own
# client secret, and "none" is no signature at all.
ASYMMETRIC = (
    "RS256",
    "RS384",
    "RS512",
    "PS256",
    "PS384",
    "PS512",
    "ES256",
    "ES384",
    "ES512",
    "EdDSA",
)
LEEWAY_SECONDS = 60


class ProviderUnavailable(WikiError):
    status = 503
    code = "provider_unavailable"


class SignInFailed(WikiError):
    status = 400
    code = "sign_in_failed"


@dataclass
class Person:
    """Who the provider says signed in, after every check passed."""

    issuer: str
    subject: str
    email: str
    email_verified: bool
    name: str


class Clients:
    """One authlib client per configured provider; they cache discovery and keys."""

    def __init__(self, providers: list[OidcProvider], *, timeout: float = 8.0) -> None:
        self.providers = {p.key: p for p in providers}
        self.oauth = OAuth()
        for p in providers:
            self.oauth.register(
                name=p.key,
                client_id=p.client_id,
                client_secret=p.client_secret or None,
                server_metadata_url=p.issuer + "/.well-known/openid-configuration",
                client_kwargs={
                    "scope": p.scopes,
                    "code_challenge_method": "S256",
                    "timeout": timeout,
                },
            )

    def provider(self, key: str) -> OidcProvider | None:
        return self.providers.get(key)

    def _client(self, key: str) -> Any:
        return self.oauth.create_client(key)

    async def metadata(self, provider: OidcProvider) -> dict[str, Any]:
        client = self._client(provider.key)
        try:
            metadata: dict[str, Any] = await client.load_server_metadata()
        except (httpx2.HTTPError, ValueError) as problem:
            log.warning("OIDC provider %s: discovery failed: %r", provider.key, problem)
            raise _unavailable(provider) from None
        if metadata.get("issuer", "").rstrip("/") != provider.issuer:
            client.server_metadata.clear()  # look again next time
            log.warning("OIDC provider %s: discovery names issuer %r, not %r",
                        provider.key, metadata.get("issuer"), provider.issuer)  # fmt: skip
            raise ProviderUnavailable(
                f"{provider.name} is not set up correctly here (its issuer address does not match)."
                " Please tell the person who runs this planwiki, and sign in another way for now."
            )
        return metadata

    async def begin(self, provider: OidcProvider, *, redirect_uri: str) -> dict[str, str]:
        """The provider's sign-in address, and the ``state``, ``nonce`` and ``code_verifier``
        the caller must keep (server-side, bound to this browser) for ``finish``."""
        await self.metadata(provider)
        client = self._client(provider.key)
        found: dict[str, str] = await client.create_authorization_url(redirect_uri)
        assert found.get("nonce") and found.get("code_verifier") and found.get("state")
        return found

    async def finish(
        self,
        provider: OidcProvider,
        *,
        code: str,
        redirect_uri: str,
        code_verifier: str,
        nonce: str,
    ) -> Person:
        metadata = await self.metadata(provider)
        client = self._client(provider.key)
        try:
            token = await client.fetch_access_token(
                redirect_uri=redirect_uri, code=code, code_verifier=code_verifier
            )
        except OAuthError as refused:
            log.warning("OIDC provider %s refused the code: %s", provider.key, refused.error)
            raise SignInFailed(_START_AGAIN) from None
        except (httpx2.HTTPError, ValueError) as problem:
            log.warning("OIDC provider %s: token request failed: %r", provider.key, problem)
            raise _unavailable(provider) from None
        if "id_token" not in token:
            log.warning("OIDC provider %s answered without an ID token", provider.key)
            raise SignInFailed(_START_AGAIN)
        algorithms = [a for a in metadata.get("id_token_signing_alg_values_supported") or ["RS256"]
                      if a in ASYMMETRIC] or ["RS256"]  # fmt: skip
        try:
            jwks = await client.fetch_jwk_set()
            try:
                claims = validate_id_token(
                    token["id_token"], jwks=jwks, issuer=provider.issuer, client_id=provider.client_id,
                    nonce=nonce, access_token=token.get("access_token"), algorithms=algorithms,
                )  # fmt: skip
            except SignInFailed as failed:
                if not isinstance(failed.__cause__, InvalidKeyIdError):
                    raise
                # The provider may have rotated its keys since we last looked.
                jwks = await client.fetch_jwk_set(force=True)
                claims = validate_id_token(
                    token["id_token"], jwks=jwks, issuer=provider.issuer, client_id=provider.client_id,
                    nonce=nonce, access_token=token.get("access_token"), algorithms=algorithms,
                )  # fmt: skip
        except (httpx2.HTTPError, ValueError) as problem:
            log.warning("OIDC provider %s: keys could not be fetched: %r", provider.key, problem)
            raise _unavailable(provider) from None
        email, verified, name = (
            claims.get("email"),
            claims.get("email_verified"),
            claims.get("name"),
        )
        if not email or verified is None or not name:
            # Real providers often put these only in the userinfo response.
            try:
                info = await client.userinfo(token=token)
            except (httpx2.HTTPError, ValueError, OAuthError) as problem:
                log.warning("OIDC provider %s: userinfo failed: %r", provider.key, problem)
                raise _unavailable(provider) from None
            if info.get("sub") != claims["sub"]:
                log.warning("OIDC provider %s: userinfo is about another subject", provider.key)
                raise SignInFailed(_START_AGAIN)
            email = email or info.get("email")
            verified = verified if verified is not None else info.get("email_verified")
            name = name or info.get("name") or info.get("preferred_username")
        return Person(
            issuer=provider.issuer, subject=str(claims["sub"]), email=str(email or "").strip().lower(),
            email_verified=verified is True or str(verified).lower() == "true", name=str(name or "").strip(),
        )  # fmt: skip


_START_AGAIN = (
    "We could not check who you are with your organisation's sign-in, so we did not sign you in."
    " Please go back to the sign-in page and try again."
)


def _unavailable(provider: OidcProvider) -> ProviderUnavailable:
    return ProviderUnavailable(
        f"We could not reach {provider.name} just now. Please try again in a few minutes,"
        " or sign in another way (an email link or your password)."
    )


def validate_id_token(
    raw: str,
    *,
    jwks: dict[str, Any],
    issuer: str,
    client_id: str,
    nonce: str,
    access_token: str | None = None,
    algorithms: list[str] | tuple[str, ...] = ("RS256",),
    now: datetime | None = None,
    leeway: int = LEEWAY_SECONDS,
) -> dict[str, Any]:
    """The ID token's claims if it was signed by one of the provider's keys and is for us,
    from this issuer, unexpired, and carries the nonce we sent; else ``SignInFailed``."""
    try:
        decoded = jwt.decode(raw, KeySet.import_key_set(jwks), algorithms=list(algorithms))  # type: ignore[arg-type]
        claims = CodeIDToken(
            decoded.claims, decoded.header,
            {"iss": {"essential": True, "value": issuer}, "aud": {"essential": True, "value": client_id}},
            {"nonce": nonce, "client_id": client_id, "access_token": access_token},
        )  # fmt: skip
        claims.validate(now=int((now or clock.now()).timestamp()), leeway=leeway)
    except (JoseError, ValueError, TypeError) as invalid:
        log.warning("ID token refused: %s", invalid)
        raise SignInFailed(_START_AGAIN) from invalid
    if not nonce or claims.get("nonce") != nonce:  # never accept a token without our nonce
        log.warning("ID token refused: nonce missing or different")
        raise SignInFailed(_START_AGAIN)
    return dict(claims)
