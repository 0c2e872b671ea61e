"""planwiki's entry points: ``main:app`` for ASGI servers, ``main:cli`` for the command line."""

from __future__ import annotations

from typing import Any

from wiki.cli import cli

__all__ = ["cli"]  # and ``app``, built lazily by ``__getattr__``


def __getattr__(name: str) -> Any:
    # Built on first use, so the CLI never opens the database it was not asked to.
    if name == "app":
        from wiki.app import create_app
        from wiki.db import hold_serving_lock
        from wiki.settings import Settings

        settings = Settings()
        hold_serving_lock(settings.db)  # `planwiki restore` asks before replacing it
        return create_app(settings)
    raise AttributeError(name)


if __name__ == "__main__":
    cli()
