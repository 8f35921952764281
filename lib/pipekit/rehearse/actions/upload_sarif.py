"""github/codeql-action/upload-sarif: the checks GitHub makes before it accepts a SARIF upload.

Nothing reaches code scanning from a rehearsal, but a SARIF file it would refuse fails the real step, so
each file is checked as the action and the service check it, failing with the action's own messages
(src/upload-lib.ts at v4.36.2):

- ``sarif_file`` must exist; a folder is searched recursively for ``.sarif`` files, and must hold one;
- each file must parse as JSON and validate against the SARIF 2.1.0 JSON Schema (package data
  data/sarif/, the OASIS schema, checked with its own draft, draft-04, and its formats). Like the action,
  a bad ``uri``/``uri-reference`` format is only a warning, and so is a region with none of startLine,
  charOffset and byteOffset, which the action's copy of the schema does not check (data/sarif/PROVENANCE.md);
- two runs of one tool with the same automation ID (one category) are refused since 2025-07;
- every run needs a ``results`` array (countResultsInSarif);
- the service's hard limits: 10 MB gzip-compressed, 20 runs, and per run 25,000 results, 25,000 rules and
  100 tool extensions, per result 1,000 locations and 10,000 thread-flow locations, per rule 20 tags.
  Sources: https://docs.github.com/en/code-security/code-scanning/troubleshooting-sarif-uploads/file-too-large
  and .../troubleshooting-sarif-uploads/results-exceed-limit ("SARIF results exceed hard limit").

Accepted files are copied to `places.artifacts/code-scanning/<category or file name>/`, so the rehearsal's
report keeps what GitHub would have shown. The ``sarif-id`` output is local: a UUID made from the content.
"""

from __future__ import annotations

import functools
import gzip
import hashlib
import json
import re
import shutil
import uuid
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from pipekit.facts.packaged import data_text
from pipekit.rehearse.actions import _artifacts, _core
from pipekit.rehearse.model import ActionCall, ActionResult, failure, success

SCHEMA = ("sarif", "sarif-2.1.0.json")
MAX_GZIP_BYTES = 10 * 1024 * 1024
MAX_RUNS = 20
MAX_RESULTS_PER_RUN = 25_000
MAX_RULES_PER_RUN = 25_000
MAX_EXTENSIONS_PER_RUN = 100
MAX_LOCATIONS_PER_RESULT = 1_000
MAX_THREAD_FLOW_LOCATIONS_PER_RESULT = 10_000
MAX_TAGS_PER_RULE = 20
_WARNING_FORMATS = ("uri", "uri-reference")  # upload-lib.ts validateSarifFileSchema: warnings only
_COMBINE = (
    "The CodeQL Action does not support uploading multiple SARIF runs with the same category. Please update "
    "your workflow to upload a single run per category. For more information, see https://github.blog/changelog/"
    "2025-07-21-code-scanning-will-stop-combining-multiple-sarif-runs-uploaded-in-the-same-sarif-file/"
)


class _Refused(Exception):
    """Why the upload would fail."""


def upload_sarif(call: ActionCall) -> ActionResult:
    """Check the SARIF file or folder as GitHub would, and keep the accepted files for the report."""
    log: list[str] = []
    try:
        given = _core.get_input(call, "sarif_file", required=True)
        files = _sarif_files(given, _core.resolve(call, given))
        logs = [_read_and_validate(file, log) for file in files]
        runs = [run for sarif in logs for run in sarif.get("runs") or []]
        _check_unique_runs(runs)
        _check_results_arrays(logs)
        _check_limits(runs)
        payload = json.dumps({"version": "2.1.0", "runs": runs}, separators=(",", ":")).encode("utf-8")
        zipped = len(gzip.compress(payload))
        if zipped > MAX_GZIP_BYTES:
            raise _Refused(
                f"SARIF file is too large: {zipped} bytes gzip-compressed, "
                "above code scanning's limit of 10 MB"
            )
    except _core.InputError as error:
        return failure(str(error))
    except _Refused as error:
        return failure(str(error), "\n".join(log))
    category = _core.get_input(call, "category")
    folder = call.places.artifacts / _artifacts.CODE_SCANNING / _folder_name(category or Path(given).name)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        for file in files:
            shutil.copyfile(file, folder / file.name)
    except OSError as error:
        return failure(str(error), "\n".join(log))
    sarif_id = str(uuid.UUID(bytes=hashlib.sha256(payload).digest()[:16], version=4))
    count = sum(len(run.get("results", [])) for run in runs)
    log.append(
        f"{len(files)} SARIF file(s), {len(runs)} run(s), {count} result(s) accepted; kept at {folder}"
    )
    outputs = {"sarif-id": sarif_id, "sarif-ids": json.dumps({"code-scanning": sarif_id})}
    return success("\n".join(log), outputs=outputs)


def _sarif_files(given: str, path: Path) -> list[Path]:
    """getSarifFilePaths: the file, or the ``.sarif`` files below the folder (symbolic links not followed)."""
    if not path.exists():
        raise _Refused(f"Path does not exist: {given}")
    if not path.is_dir():
        return [path]
    found = sorted(_walk(path))
    if not found:
        raise _Refused(f'No SARIF files found to upload in "{given}".')
    return found


def _walk(folder: Path) -> Iterator[Path]:
    for entry in sorted(folder.iterdir()):
        if entry.is_symlink():
            continue
        if entry.is_dir():
            yield from _walk(entry)
        elif entry.is_file() and entry.suffix == ".sarif":
            yield entry


def _read_and_validate(file: Path, log: list[str]) -> Mapping[str, Any]:
    try:
        sarif = json.loads(file.read_text(encoding="utf-8"))
    except (ValueError, OSError) as error:
        raise _Refused(f"Invalid SARIF. JSON syntax error: {error}") from None
    errors: list[str] = []
    for found in sorted(_validator().iter_errors(sarif), key=_where):
        where = _json_path(found.absolute_path)
        if found.validator == "format" and found.validator_value in _WARNING_FORMATS:
            log.append(f"Warning: '{found.instance}' is not a valid URI in '{where}'.")
        elif found.validator == "anyOf" and found.validator_value == _region_any_of():
            log.append(f"Warning: {where}: a region with none of startLine, charOffset, byteOffset")
        else:
            errors.append(f"{where}: {found.message}")
    if errors:
        log.extend(f"- {line}" for line in errors)
        more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
        raise _Refused(f'Unable to upload "{file}" as it is not valid SARIF: {errors[0]}{more}')
    if not isinstance(sarif, dict):  # pragma: no cover - the schema requires an object
        raise _Refused(f'Unable to upload "{file}" as it is not valid SARIF')
    return sarif


def _check_unique_runs(runs: list[Any]) -> None:
    """areAllRunsUnique: runs are told apart by their tool and automation ID."""
    seen: set[str] = set()
    for run in runs:
        driver = run.get("tool", {}).get("driver", {}) if isinstance(run, dict) else {}
        key = json.dumps(
            [driver.get(field) for field in ("name", "fullName", "version", "semanticVersion", "guid")]
            + [run.get("automationDetails", {}).get("id") if isinstance(run, dict) else None]
        )
        if key in seen:
            raise _Refused(_COMBINE)
        seen.add(key)


def _check_results_arrays(logs: list[Mapping[str, Any]]) -> None:
    for sarif in logs:
        if not isinstance(sarif.get("runs"), list):
            raise _Refused("Invalid SARIF. Missing 'runs' array.")
        for run in sarif["runs"]:
            if not isinstance(run.get("results"), list):
                raise _Refused("Invalid SARIF. Missing 'results' array in run.")


def _check_limits(runs: list[Any]) -> None:
    def over(what: str, count: int, limit: int) -> None:
        if count > limit:
            raise _Refused(
                f"Analysis SARIF file rejected due to {what} limits: {count}, above the limit of {limit:,}"
            )

    over("run", len(runs), MAX_RUNS)
    for run in runs:
        over("result", len(run.get("results", [])), MAX_RESULTS_PER_RUN)
        tool = run.get("tool", {})
        rules = tool.get("driver", {}).get("rules", [])
        over("rule", len(rules), MAX_RULES_PER_RUN)
        over("extension", len(tool.get("extensions", [])), MAX_EXTENSIONS_PER_RUN)
        for rule in rules:
            over("rule tag", len(rule.get("properties", {}).get("tags", [])), MAX_TAGS_PER_RULE)
        for result in run.get("results", []):
            over("location", len(result.get("locations", [])), MAX_LOCATIONS_PER_RESULT)
            flows = sum(
                len(thread.get("locations", []))
                for flow in result.get("codeFlows", [])
                for thread in flow.get("threadFlows", [])
            )
            over("thread flow location", flows, MAX_THREAD_FLOW_LOCATIONS_PER_RESULT)


def _folder_name(text: str) -> str:
    """A category (``/language:python``) or file name as one safe folder name."""
    return re.sub(r"[^A-Za-z0-9._-]+", "-", text).strip("-.") or "sarif"


def _json_path(path: Any) -> str:
    text = "$"
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else f".{part}"
    return text


def _where(error: Any) -> list[tuple[int, int, str]]:
    """Sorts errors by where they are in the document, arrays by index."""
    return [(0, part, "") if isinstance(part, int) else (1, 0, str(part)) for part in error.absolute_path]


@functools.cache
def _schema() -> Any:
    return json.loads(data_text(*SCHEMA))


def _region_any_of() -> Any:
    return _schema()["definitions"]["region"]["anyOf"]


@functools.cache
def _validator() -> Any:
    """The schema's own draft (draft-04) with its format checks, built once."""
    # Imported here, and the way the workflow check imports it, without the 3 s an optional IRI grammar
    # costs on import: only a rehearsal that uploads SARIF pays for jsonschema.
    from pipekit.check.workflow_schema import _import_jsonschema

    jsonschema = _import_jsonschema()
    schema = _schema()
    validator_class = jsonschema.validators.validator_for(schema)
    return validator_class(schema, format_checker=validator_class.FORMAT_CHECKER)
