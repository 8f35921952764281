"""Checking regular expressions the way gitleaks (Go's regexp, RE2 syntax) will read them."""

from __future__ import annotations

import re2

_OPTIONS = re2.Options()
_OPTIONS.log_errors = False  # the error comes back as an exception; don't also print it to stderr


def re2_problem(pattern: str) -> str | None:
    """Why RE2 rejects `pattern` (e.g. a lookahead), or None when it compiles."""
    try:
        re2.compile(pattern, options=_OPTIONS)
    except re2.error as error:
        reason = error.args[0] if error.args else error
        return reason.decode("utf-8", "replace") if isinstance(reason, bytes) else str(reason)
    return None
