"""actions/cache, actions/cache/restore and actions/cache/save: a rehearsal has no cache service.

Every restore misses, as the first run of a workflow on GitHub misses, so the outputs are the action's on
a miss (src/restoreImpl.ts): ``cache-hit`` is left unset there on purpose (actions/cache issue 1466), so
it reads as '' and ``cache-hit != 'true'`` holds; actions/cache/restore also sets ``cache-primary-key``.
The key checks @actions/cache makes on a restore before it asks the service still fail the step (at
most 10 keys, each at most 512 characters and without commas), and a path is required. A save stores
nothing and, as the action, only warns. With ``fail-on-cache-miss`` the step's outcome rests on what
GitHub's cache holds, which a rehearsal cannot know: such a step is not rehearsed.
"""

from __future__ import annotations

from pipekit.rehearse.actions import _core
from pipekit.rehearse.model import ActionCall, ActionResult, failure, not_rehearsed, success

MAX_KEYS = 10
MAX_KEY_LENGTH = 512


def _paths_and_key(call: ActionCall) -> tuple[list[str], str]:
    key = _core.get_input(call, "key", required=True)
    paths = [line.strip() for line in call.inputs.get("path", "").split("\n") if line.strip()]
    if not paths:
        raise _core.InputError("Input required and not supplied: path")
    return paths, key


def _check_keys(keys: list[str]) -> None:
    if len(keys) > MAX_KEYS:
        raise _core.InputError(f"Key Validation Error: Keys are limited to a maximum of {MAX_KEYS}.")
    for key in keys:
        if len(key) > MAX_KEY_LENGTH:
            raise _core.InputError(
                f"Key Validation Error: {key} cannot be larger than {MAX_KEY_LENGTH} characters."
            )
        if "," in key:
            raise _core.InputError(f"Key Validation Error: {key} cannot contain commas.")


def _restore(call: ActionCall, *, only: bool) -> ActionResult:
    try:
        _, key = _paths_and_key(call)
        restore_keys = _core.get_multiline(call, "restore-keys")
        _check_keys([key, *restore_keys])
    except _core.InputError as error:
        return failure(str(error))
    if _core.get_loose_bool(call, "fail-on-cache-miss"):
        return not_rehearsed("fail-on-cache-miss: the step's outcome rests on what GitHub's cache holds")
    outputs = {"cache-primary-key": key} if only else {}
    keys = ", ".join([key, *restore_keys])
    return success(
        f"Cache not found for input keys: {keys} (a rehearsal has no cache service)", outputs=outputs
    )


def cache(call: ActionCall) -> ActionResult:
    """actions/cache: a miss now; its post step would save, which stores nothing here."""
    return _restore(call, only=False)


def cache_restore(call: ActionCall) -> ActionResult:
    """actions/cache/restore: a miss."""
    return _restore(call, only=True)


def cache_save(call: ActionCall) -> ActionResult:
    """actions/cache/save: nothing is stored. The action only warns about its own errors (saveImpl.ts
    catches them), so this step never fails."""
    key = _core.get_input(call, "key")
    if not key:
        return success("Warning: Key is not specified.")
    return success(f"Not saved: a rehearsal has no cache service (key {key})")
