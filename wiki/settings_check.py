"""Every ``PLANWIKI_*`` setting checked when ``planwiki serve`` starts (issue #24), so a bad
one stops it with one line instead of a traceback, or a server that starts healthy and
fails at the first sign-in or the first email.

What pydantic checks on reading the environment (numbers, patterns, JSON) is in
``wiki/settings.py``; here is what it cannot: that the single sign-on file is there and
holds providers, that the email settings make sense together, that the folders exist,
and that no ``PLANWIKI_`` name is one planwiki does not know (a typo such as
``PLANWIKI_DATABASE`` would otherwise be ignored silently).
"""

from __future__ import annotations

import difflib
import os
from collections.abc import Mapping

from pydantic import ValidationError

from wiki.models import is_email
from wiki.settings import Settings

SMTP = ("HOST", "PORT", "USER", "PASSWORD", "SENDER", "STARTTLS")
# Read elsewhere than Settings: the email settings (wiki/mail.py), what `serve` tells its
# workers (wiki/serve.py), and where the browser tests put screenshots (tests/).
OTHER_NAMES = frozenset(
    {f"PLANWIKI_SMTP_{k}" for k in SMTP}
    | {"PLANWIKI_SERVE_PARENT", "PLANWIKI_README_SHOTS", "PLANWIKI_SHOTS"}
)
TRUE_OR_FALSE = frozenset({"", "1", "0", "true", "false", "yes", "no", "on", "off"})


def known_names() -> frozenset[str]:
    return frozenset(f"PLANWIKI_{n.upper()}" for n in Settings.model_fields) | OTHER_NAMES


def problems(settings: Settings, environ: Mapping[str, str] = os.environ) -> list[str]:
    """What is wrong, one plain sentence each (none: all is well)."""
    found: list[str] = []
    known = known_names()
    for name in sorted(n for n in environ if n.startswith("PLANWIKI_") and n not in known):
        close = difflib.get_close_matches(name, sorted(known), n=1)
        hint = f" (did you mean {close[0]}?)" if close else ""
        found.append(f"{name} is not a planwiki setting{hint}")
    try:
        settings.providers()
    except FileNotFoundError:
        found.append(f"PLANWIKI_OIDC_CONFIG: there is no file at {settings.oidc_config}")
    except (OSError, ValueError) as problem:  # unreadable, not TOML/JSON, a bad provider
        detail = str(problem).splitlines()[0] if str(problem) else type(problem).__name__
        if isinstance(problem, ValidationError):
            detail = "; ".join(
                f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in problem.errors()
            )
        found.append(f"PLANWIKI_OIDC_CONFIG ({settings.oidc_config}): {detail}")
    found += _smtp(environ)
    if settings.files_dir is not None and not settings.files_dir.parent.is_dir():
        found.append(f"PLANWIKI_FILES_DIR: the folder {settings.files_dir.parent} does not exist")
    if settings.base_url and not settings.base_url.lower().startswith(("http://", "https://")):
        found.append(f"PLANWIKI_BASE_URL must start with https:// (it is {settings.base_url!r})")
    return found


def _smtp(environ: Mapping[str, str]) -> list[str]:
    value = {k: environ.get(f"PLANWIKI_SMTP_{k}", "").strip() for k in SMTP}
    found = []
    if value["PORT"] and not (value["PORT"].isdigit() and 0 < int(value["PORT"]) < 65536):
        found.append(f"PLANWIKI_SMTP_PORT must be a port number (it is {value['PORT']!r})")
    if value["STARTTLS"].lower() not in TRUE_OR_FALSE:
        found.append(f"PLANWIKI_SMTP_STARTTLS must be true or false (it is {value['STARTTLS']!r})")
    if value["SENDER"] and not is_email(value["SENDER"].rsplit("<", 1)[-1].rstrip(">").strip()):
        found.append(f"PLANWIKI_SMTP_SENDER must be an email address (it is {value['SENDER']!r})")
    if not value["HOST"] and any(value[k] for k in ("PORT", "USER", "PASSWORD", "SENDER")):
        found.append("PLANWIKI_SMTP_HOST is not set, but other PLANWIKI_SMTP_ settings are")
    if value["USER"] and not value["PASSWORD"]:
        found.append("PLANWIKI_SMTP_USER is set without PLANWIKI_SMTP_PASSWORD")
    return found


def first_problem(settings: Settings, environ: Mapping[str, str] = os.environ) -> str | None:
    """One line for ``serve`` to stop with."""
    found = problems(settings, environ)
    if not found:
        return None
    return "A setting is not valid: " + "; ".join(found) + "."
