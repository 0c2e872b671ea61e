"""Settings from the environment (``PLANWIKI_*``), validated once at start."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


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
    login_attempts_per_15_minutes: int = Field(default=10, ge=1)
