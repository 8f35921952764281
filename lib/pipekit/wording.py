"""How pipekit words things for people: values in error messages, suggestions, counts, money, time.

Every message and report takes its wording from here, so the same value reads the same everywhere.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from decimal import Decimal

MAX_SHOWN = 40  # characters of a string value quoted in a message


def describe(value: Any) -> str:
    """A value as an error message names it: ``the number 3.1``, ``the string 'x'``, ``a mapping``."""
    if value is None:
        return "nothing (null)"
    if isinstance(value, bool):
        return f"the boolean {str(value).lower()}"
    if isinstance(value, int | float):
        return f"the number {value!r}"
    if isinstance(value, str):
        shown = value if len(value) <= MAX_SHOWN else value[: MAX_SHOWN - 3] + "..."
        return f"the string {shown!r}"
    if isinstance(value, Mapping):
        return "a mapping"
    if isinstance(value, list | tuple):
        return "a list"
    return type(value).__name__


def did_you_mean(name: str, choices: Iterable[str]) -> str:
    """``; did you mean 'test'?`` for the closest choice, or nothing when none is close."""
    import difflib  # only when a message needs it

    close = difflib.get_close_matches(name, list(choices), n=1, cutoff=0.6)
    return f"; did you mean {close[0]!r}?" if close else ""


def one_line(text: str) -> str:
    """`text` with line breaks and other control characters escaped (``\\n``): a message stays one line."""
    return "".join(ch if ch.isprintable() else ch.encode("unicode_escape").decode("ascii") for ch in text)


def squeeze(text: str, limit: int = 400) -> str:
    """An outside tool's message on one line (whitespace runs become one space), cut at `limit`."""
    line = " ".join(text.split())
    return line if len(line) <= limit else line[: limit - 1] + "…"


def plural(count: int, word: str, words: str | None = None) -> str:
    """``1 job``, ``18 jobs``; `words` for irregular plurals."""
    return f"{count} {word}" if count == 1 else f"{count} {words or word + 's'}"


def usd(value: Decimal) -> str:
    """Dollars to the cent, with thousands separators: ``$1,234.56``."""
    return f"${value.quantize(value.__class__('0.01')):,}"


def minutes(value: float) -> str:
    """Minutes to a tenth: ``12.5 min``."""
    return f"{float(value):.1f} min"
