"""planwiki's entry points: ``main:app`` for ASGI servers, ``main:cli`` for the command line."""

from __future__ import annotations

from typing import Any

from wiki.cli import cli

__all__ = ["cli"]  # and ``app``, built lazily by ``__getattr__``


def __getattr__(name: str) -> Any:
    # Built on first use, so the CLI never opens the database it was not asked to.
    if name == "app":
        from wiki.app import create_app

        return create_app()
    raise AttributeError(name)


if __name__ == "__main__":
    cli()
