"""Workflow commands (``::error file=...::message``) as @actions/core's command.ts escapes them: data
with %25, %0D and %0A; properties also with %3A and %2C."""

from __future__ import annotations


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def error(message: str, *, file: str | None = None, title: str | None = None) -> str:
    """An ``::error`` command line: the run's page shows `message`, on `file` when given."""
    properties = [
        f"{key}={escape_property(value)}" for key, value in (("file", file), ("title", title)) if value
    ]
    return (
        f"::error {','.join(properties)}::{escape_data(message)}"
        if properties
        else f"::error::{escape_data(message)}"
    )
