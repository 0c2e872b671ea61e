"""People and how they prove who they are, one concept per module (issue #13):

* ``users``: accounts — find, create, rename, delete, list; their password, checked and set
* ``passwords``: how strong a new password must be, and the hash it is kept under
* ``preferences``: how each person likes to read (theme, text size, easy read, read aloud)
* ``rate_limits``: failed sign-ins and emails sent, counted per key inside a window
* ``sessions``: server-side sessions (a row per browser; deleting it signs it out)
* ``tokens``: personal access tokens for the JSON API
* ``email_links``: single-use emailed links to sign in or reset a password
* ``sso``: single sign-on requests in flight, and the identities providers vouch for
* ``app_secrets``: the digest every secret is kept under, and the app's own secrets

Session cookies, tokens and emailed links are random secrets; only their SHA-256 is
stored, so a copy of the database does not let anyone sign in (issue #2, #4).

Every name other code used from the single ``wiki.accounts`` module is still importable
from here. The password hasher itself lives in ``wiki.accounts.passwords`` (patch it
there, e.g. to make tests fast).
"""

from __future__ import annotations

from wiki.accounts import (
    app_secrets,
    email_links,
    passwords,
    preferences,
    rate_limits,
    sessions,
    sso,
    tokens,
    users,
)
from wiki.accounts.app_secrets import _digest, app_secret, digest
from wiki.accounts.email_links import (
    EmailLink,
    LinkProblem,
    check_email_link,
    issue_email_link,
    use_email_link,
)
from wiki.accounts.passwords import (
    COMMON_PASSWORDS_FILE,
    MAX_PASSWORD,
    MIN_PASSWORD,
    WEAK_PASSWORD,
    check_password_strength,
    common_passwords,
    password_problem,
)
from wiki.accounts.preferences import check_preferences, set_preferences
from wiki.accounts.rate_limits import check_rate, clear_failures, note_attempt, note_failure
from wiki.accounts.sessions import (
    SessionInfo,
    account_of_ended_session,
    actor_from_session,
    end_all_sessions,
    end_session,
    end_session_by_handle,
    list_sessions,
    prune_expired,
    start_session,
)
from wiki.accounts.sso import (
    OidcRequest,
    SignInRefused,
    list_identities,
    save_oidc_request,
    sign_in_by_identity,
    take_oidc_request,
)
from wiki.accounts.tokens import (
    TOKEN_PREFIX,
    TokenInfo,
    actor_from_token,
    create_token,
    list_tokens,
    revoke_token,
)
from wiki.accounts.users import (
    User,
    UserSummary,
    check_password,
    create_user,
    find_user,
    get_user,
    has_password,
    list_users,
    mark_email_verified,
    normalise_email,
    rename_user,
    set_password,
    sign_in_by_verified_email,
)

__all__ = [
    "COMMON_PASSWORDS_FILE",
    "MAX_PASSWORD",
    "MIN_PASSWORD",
    "TOKEN_PREFIX",
    "WEAK_PASSWORD",
    "EmailLink",
    "LinkProblem",
    "OidcRequest",
    "SessionInfo",
    "SignInRefused",
    "TokenInfo",
    "User",
    "UserSummary",
    "_digest",
    "account_of_ended_session",
    "actor_from_session",
    "actor_from_token",
    "app_secret",
    "app_secrets",
    "check_email_link",
    "check_password",
    "check_password_strength",
    "check_preferences",
    "check_rate",
    "clear_failures",
    "common_passwords",
    "create_token",
    "create_user",
    "digest",
    "email_links",
    "end_all_sessions",
    "end_session",
    "end_session_by_handle",
    "find_user",
    "get_user",
    "has_password",
    "issue_email_link",
    "list_identities",
    "list_sessions",
    "list_tokens",
    "list_users",
    "mark_email_verified",
    "normalise_email",
    "note_attempt",
    "note_failure",
    "password_problem",
    "passwords",
    "preferences",
    "prune_expired",
    "rate_limits",
    "rename_user",
    "revoke_token",
    "save_oidc_request",
    "sessions",
    "set_password",
    "set_preferences",
    "sign_in_by_identity",
    "sign_in_by_verified_email",
    "sso",
    "start_session",
    "take_oidc_request",
    "tokens",
    "use_email_link",
    "users",
]
