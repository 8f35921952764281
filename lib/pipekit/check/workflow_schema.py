"""SchemaStore's GitHub workflow schema, as check-jsonschema vendors it, applied in-process (rule ``schema``).

The validator is the one ``check-jsonschema --builtin-schema vendor.github-workflows`` builds: Draft 7,
with ECMAScript regexes (regress) for ``pattern`` and ``patternProperties``. It is built here from the
same schema file and libraries because importing check-jsonschema itself loads its whole command line
(an HTTP client among it), which would double the time `pipekit check` takes. Files are read as GitHub
reads them (YAML 1.2 core schema, pipekit's reader): check-jsonschema's reader takes ``1_0`` for 10,
GitHub's parser and this check take it for a string.
"""

from __future__ import annotations

import functools
import importlib.util
import sys
import types
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from pipekit import yamlio
from pipekit.check import yaml_source
from pipekit.check.finding import Finding
from pipekit.check.paths import PathArg, as_paths, require_files
from pipekit.check.yaml_source import YamlSource
from pipekit.errors import InputFileError, PipekitError
from pipekit.wording import squeeze

RULE = "schema"
SCHEMA_NAME = "vendor.github-workflows"  # check-jsonschema's --builtin-schema name
SCHEMA_IN_PACKAGE = ("builtin_schemas", "vendor", "github-workflows.json")  # where that name points
AUTHORITY = "SchemaStore's GitHub workflow schema, as vendored by check-jsonschema"


def schema_file() -> Path:
    """The vendored schema inside the installed check-jsonschema, found without importing it."""
    spec = importlib.util.find_spec("check_jsonschema")
    if spec is None or spec.origin is None:
        raise PipekitError("check-jsonschema is not installed; install it with: pip install check-jsonschema")
    path = Path(spec.origin).parent.joinpath(*SCHEMA_IN_PACKAGE)
    if not path.is_file():
        raise PipekitError(f"check-jsonschema has no workflow schema at {path}; reinstall check-jsonschema")
    return path


def _deferred_iri_syntax(term: str, value: str) -> bool:
    from rfc3987_syntax import is_valid_syntax  # type: ignore[import-untyped]

    return bool(is_valid_syntax(term, value))


def _import_jsonschema() -> Any:
    """jsonschema, without building the IRI grammar its optional "iri" format check loads on import.

    With rfc3987-syntax installed, ``import jsonschema`` spends about 3 s building an Earley parser for
    a format the workflow schema never uses. A stand-in module lends jsonschema a function that imports
    the real one on first call, then leaves: "iri" checks behave the same, only later.
    """
    defer = (
        "jsonschema" not in sys.modules
        and "rfc3987_syntax" not in sys.modules
        and importlib.util.find_spec("rfc3987_syntax") is not None
    )
    stand_in = types.ModuleType("rfc3987_syntax")
    stand_in.is_valid_syntax = _deferred_iri_syntax  # type: ignore[attr-defined]
    if defer:
        sys.modules["rfc3987_syntax"] = stand_in
    try:
        import jsonschema  # type: ignore[import-untyped]
    finally:
        if sys.modules.get("rfc3987_syntax") is stand_in:
            del sys.modules["rfc3987_syntax"]
    return jsonschema


@functools.cache
def _ecmascript_regex(pattern: str) -> Any:
    import regress

    # flags="u": what check-jsonschema's default regex variant compiles with
    return regress.Regex(pattern, flags="u")


@functools.cache
def validator() -> Any:
    """The Draft 7 validator check-jsonschema builds for the schema (built once per process)."""
    import json

    jsonschema = _import_jsonschema()

    # Copies of check-jsonschema's "default" regex variant: ECMAScript semantics, as JSON Schema says.
    def pattern(validator: Any, pattern: str, instance: Any, schema: Any) -> Iterator[Any]:
        if validator.is_type(instance, "string") and not _ecmascript_regex(pattern).find(instance):
            yield jsonschema.ValidationError(f"{instance!r} does not match {pattern!r}")

    def pattern_properties(
        validator: Any, patterns: dict[str, Any], instance: Any, schema: Any
    ) -> Iterator[Any]:
        if not validator.is_type(instance, "object"):
            return
        for regex, subschema in patterns.items():
            for key, value in instance.items():
                if _ecmascript_regex(regex).find(key):
                    yield from validator.descend(value, subschema, path=key, schema_path=regex)

    schema = json.loads(schema_file().read_bytes())
    base = jsonschema.validators.validator_for(schema)
    cls = jsonschema.validators.extend(base, {"pattern": pattern, "patternProperties": pattern_properties})
    # No format checker: the schema has no "format" keyword (a test holds it to that).
    return cls(schema)


def _json_keys(data: Any) -> Any:
    """Mapping keys as strings, as JSON (and check-jsonschema's reader) has them."""
    if isinstance(data, dict):
        return {str(key): _json_keys(value) for key, value in data.items()}
    if isinstance(data, list):
        return [_json_keys(item) for item in data]
    return data


def _deep_errors(error: Any) -> Iterator[Any]:
    for sub in error.context or ():
        yield sub
        yield from _deep_errors(sub)


def _deepest(error: Any) -> Any:
    """The most specific error under a oneOf/anyOf failure, chosen as check-jsonschema's reporter does."""
    return max(
        _deep_errors(error),
        key=lambda e: (e.validator not in ("anyOf", "oneOf"), len(e.absolute_path), -len(e.path)),
        default=error,
    )


def _message(error: Any) -> str:
    """The error as check-jsonschema's reporter explains it: a oneOf/anyOf failure's own message
    repeats the whole value, so name its best sub-error and the deepest relevant one instead."""
    if not error.context:
        return squeeze(f"{error.json_path}: {error.message}")
    from jsonschema.exceptions import best_match  # type: ignore[import-untyped]

    best, deep = best_match(error.context), _deepest(error)
    text = (
        f"{error.json_path}: matches none of the allowed forms; best match: {best.json_path}: {best.message}"
    )
    if deep is not best:
        text += f"; deepest: {deep.json_path}: {deep.message}"
    return squeeze(text)


def check_source(source: YamlSource) -> list[Finding]:
    """Schema errors of one parsed workflow, each at the YAML node of its most specific part."""
    errors = sorted(
        validator().iter_errors(_json_keys(source.data)),
        key=lambda e: (list(map(str, e.absolute_path)), e.message),
    )
    findings = []
    for error in errors:
        line = column = None
        if source.root is not None:
            where = list(_deepest(error).absolute_path)
            line, column = yaml_source.position(yaml_source.find(source.root, where))
        findings.append(
            Finding(file=source.file, line=line, column=column, rule=RULE, message=_message(error))
        )
    return findings


def check_text(text: str, file: str) -> list[Finding]:
    """Schema errors of one workflow's text; a file that is not YAML is one finding, as check-jsonschema
    reports it."""
    try:
        source = yaml_source.parse(text, file)
    except InputFileError as error:
        problem = error.message.removeprefix(f"{file}: ")
        line, column = yaml_source.error_position(problem)
        message = f"cannot parse the file: {problem}"
        return [Finding(file=file, line=line, column=column, rule=RULE, message=message)]
    return check_source(source)


def check(paths: PathArg | Iterable[PathArg]) -> list[Finding]:
    """Validate workflow files against the schema."""
    sources = as_paths(paths)
    require_files(sources)
    return [finding for path in sources for finding in check_text(yamlio.read_text(path), str(path))]
