"""Settings from the environment (``PLANWIKI_*``), validated once at start."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class OidcProvider(BaseModel):
    """One single sign-on provider the operator has connected (issue #4).

    Given as a JSON list in ``PLANWIKI_OIDC_PROVIDERS`` or as ``[[provider]]`` tables in
    the TOML (or JSON) file named by ``PLANWIKI_OIDC_CONFIG``. Register
    ``<base_url>/login/oidc/<key>/callback`` as the redirect URI at the provider.
    """

    model_config = ConfigDict(extra="forbid")

    key: str = Field(
        pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$",
        max_length=40,
        description="short name used in addresses",
    )
    name: str = Field(
        min_length=1, max_length=80, description="shown on the button: 'Sign in with <name>'"
    )
    issuer: str = Field(pattern=r"^https?://", description="the provider's issuer URL")
    client_id: str = Field(min_length=1)
    client_secret: str = ""
    allowed_domains: list[str] = Field(
        default_factory=list, description="only these email domains may sign in"
    )
    scopes: str = "openid email profile"
    # Some providers never say whether an address is verified; the operator may vouch for them.
    trust_email: bool = Field(
        default=False, description="accept addresses without email_verified=true"
    )

    @field_validator("issuer")
    @classmethod
    def _no_trailing_slash(cls, value: str) -> str:
        return value.rstrip("/")

    @field_validator("allowed_domains")
    @classmethod
    def _lower(cls, value: list[str]) -> list[str]:
        return [d.strip().lower().lstrip("@") for d in value if d.strip()]


class Settings(BaseSettings):
    """Everything an operator can set. Each field is ``PLANWIKI_<NAME>`` in the environment."""

    model_config = SettingsConfigDict(env_prefix="PLANWIKI_", extra="ignore")

    db: Path = Field(default=Path("planwiki.db"), description="SQLite database file")
    # FULL survives power loss as well as a crash; NORMAL only a process crash.
    synchronous: str = Field(default="FULL", pattern="^(FULL|NORMAL)$")
    busy_timeout_ms: int = Field(default=5000, ge=0)
    base_url: str = Field(default="", description="public address, e.g. https://plans.example.org")
    secure_cookies: bool = Field(default=False, description="send cookies only over https")
    session_idle_minutes: int = Field(default=60 * 8, ge=5)
    session_absolute_hours: int = Field(default=24 * 14, ge=1)
    max_page_chars: int = Field(default=200_000, ge=1000)
    max_json_bytes: int = Field(default=1_000_000, ge=10_000)
    theme: str = "default"
    # Attachments (issue #5): photos, recordings and documents live here, at random paths.
    files_dir: Path | None = Field(
        default=None, description="folder for attachments (default: next to the database)"
    )
    max_image_mb: int = Field(default=15, ge=1)
    max_audio_mb: int = Field(default=40, ge=1)
    max_video_mb: int = Field(default=200, ge=1)
    max_document_mb: int = Field(default=20, ge=1)
    login_attempts_per_15_minutes: int = Field(default=10, ge=1)
    # Sign-in (issue #4): email links, password reset, single sign-on.
    email_link_minutes: int = Field(default=15, ge=1, le=24 * 60)
    emails_per_15_minutes: int = Field(
        default=5, ge=1, description="sign-in and reset emails, per address"
    )
    emails_per_15_minutes_per_ip: int = Field(default=20, ge=1)
    open_signup: bool = Field(
        default=False, description="an email link may create an account for a new address"
    )
    oidc_providers: list[OidcProvider] = Field(default_factory=list)
    oidc_config: Path | None = Field(
        default=None, description="TOML or JSON file with [[provider]] tables"
    )
    oidc_timeout_seconds: float = Field(default=8.0, gt=0)
    # Running it for real (issue #15): docs/deploy/README.md.
    access_log: bool = Field(default=False, description="one log line per request")
    metrics_token: str = Field(
        default="",
        description="if set, GET /metrics needs 'Authorization: Bearer <token>'; if not, only"
        " a scraper on this machine talking to planwiki directly may read it",
    )
    min_free_disk_mb: int = Field(
        default=100, ge=0, description="GET /healthz answers 503 below this much free space"
    )

    @model_validator(mode="after")
    def _https_means_secure(self) -> Settings:
        # Behind https the session cookie must never travel in clear text.
        if self.base_url.lower().startswith("https://"):
            self.secure_cookies = True
        return self

    def files_path(self) -> Path:
        """Where attachments are kept: ``files_dir``, else ``<db>.files`` beside the database."""
        return self.files_dir or self.db.with_name(self.db.name + ".files")

    def providers(self) -> list[OidcProvider]:
        """The providers from the environment, then those from the config file."""
        found = list(self.oidc_providers)
        if self.oidc_config is not None:
            text = self.oidc_config.read_text(encoding="utf-8")
            data = json.loads(text) if self.oidc_config.suffix == ".json" else tomllib.loads(text)
            items = (
                data if isinstance(data, list) else data.get("provider", data.get("providers", []))
            )
            found += [OidcProvider.model_validate(item) for item in items]
        keys = [p.key for p in found]
        if len(keys) != len(set(keys)):
            raise ValueError("Two single sign-on providers have the same key; give each its own.")
        return found
