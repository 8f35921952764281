"""Check workflow files with outside authorities, for `pipekit check` and the tests.

Each check returns a list of `Finding`; an empty list means the authority accepted the file. A check that
cannot run at all (tool missing, tool crashed) raises PipekitError instead, so a broken setup never looks
like a clean result.

- `check_schema`: SchemaStore's GitHub workflow schema as vendored by check-jsonschema, loaded and applied
  with check-jsonschema's own code, so files are parsed exactly as its CLI parses them.
- `check_zizmor`: zizmor's offline audits at its default (regular) persona.
- `check_workflow_parser`: GitHub's own parser, @actions/workflow-parser, run under Node.
- `check_action_inputs` / `check_pin_comments`: ``uses:`` against pipekit's pins and each pinned release's
  action.yml.
- `check_gitleaks_config`: a .gitleaks.toml against gitleaks' rules (TOML, RE2 regexes, default rule ids).
"""

from __future__ import annotations

import difflib
import functools
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import tomllib
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from pipekit import yamlio
from pipekit.errors import InputFileError, PipekitError
from pipekit.facts import actions
from pipekit.facts.gitleaks import default_rule_ids, re2_problem

PathArg = str | os.PathLike[str]

WORKFLOW_PARSER_DIR = Path(__file__).resolve().parents[3] / "tools" / "workflow-parser"
GITHUB_WORKFLOW_SCHEMA = "vendor.github-workflows"
TOOL_TIMEOUT_SECONDS = 120
_MAX_MESSAGE = 400
_SHA = re.compile(r"^[0-9a-f]{40}$")


@dataclass(frozen=True)
class Finding:
    """One problem an authority reported: `rule` is its id (an audit name, ``schema``, ``action-pin``...)."""

    file: str
    rule: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}: {self.message} [{self.rule}]"


def _paths(path_or_paths: PathArg | Iterable[PathArg]) -> list[Path]:
    if isinstance(path_or_paths, str | os.PathLike):
        return [Path(path_or_paths)]
    return [Path(p) for p in path_or_paths]


def _require_files(paths: list[Path]) -> None:
    for path in paths:
        if not path.is_file():
            raise InputFileError(f"{path}: no such file")


def _one_line(text: str, limit: int = _MAX_MESSAGE) -> str:
    line = " ".join(text.split())
    return line if len(line) <= limit else line[: limit - 1] + "…"


def _tool_env() -> dict[str, str]:
    # No tokens (nothing may go online), no user-level zizmor settings, no Rust backtraces in error text.
    drop = {"GH_TOKEN", "GITHUB_TOKEN", "GH_HOST"}
    env = {k: v for k, v in os.environ.items() if k not in drop and not k.startswith("ZIZMOR_")}
    env.update(RUST_BACKTRACE="0", RUST_LIB_BACKTRACE="0", NO_COLOR="1")
    return env


def _run(cmd: list[str], what: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    try:
        return subprocess.run(
            cmd,
            cwd=cwd,
            env=_tool_env(),
            capture_output=True,
            text=True,
            timeout=TOOL_TIMEOUT_SECONDS,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise PipekitError(
            f"{what} did not finish in {TOOL_TIMEOUT_SECONDS}s: {' '.join(cmd[:3])} ..."
        ) from None
    except OSError as error:
        raise PipekitError(f"cannot run {what} ({cmd[0]}): {error.strerror}") from None


# --- check-jsonschema ---------------------------------------------------------------------------


@functools.cache
def _schema_validator() -> Any:
    # check-jsonschema has no typed public API; these are the objects its CLI builds for
    # `check-jsonschema --builtin-schema vendor.github-workflows` with default options.
    from check_jsonschema.formats import FormatOptions  # type: ignore[import-untyped]
    from check_jsonschema.regex_variants import (  # type: ignore[import-untyped]
        RegexImplementation,
        RegexVariantName,
    )
    from check_jsonschema.schema_loader import BuiltinSchemaLoader  # type: ignore[import-untyped]

    regex_impl = RegexImplementation(RegexVariantName.default)
    loader = BuiltinSchemaLoader(GITHUB_WORKFLOW_SCHEMA)
    return loader.get_validator("<workflow>", {}, FormatOptions(regex_impl=regex_impl), regex_impl, False)


def _iter_schema_instances(paths: list[Path]) -> Iterator[tuple[str, Any, Exception | None]]:
    from check_jsonschema.instance_loader import InstanceLoader  # type: ignore[import-untyped]
    from check_jsonschema.parsers import ParseError  # type: ignore[import-untyped]

    # The loader picks the parser from the file suffix (like the CLI); yaml covers other suffixes.
    handles = [path.open("rb") for path in paths]
    for name, data in InstanceLoader(handles, default_filetype="yaml").iter_files():
        if isinstance(data, ParseError):
            yield name, None, data
        else:
            yield name, data, None


def _schema_message(error: Any) -> str:
    import jsonschema  # type: ignore[import-untyped]
    from check_jsonschema.reporter import find_best_deep_match  # type: ignore[import-untyped]

    if not error.context:
        return _one_line(f"{error.json_path}: {error.message}")
    # A oneOf/anyOf failure's own message repeats the whole value; like check-jsonschema's reporter,
    # explain it by the best sub-error and the deepest relevant one instead.
    best = jsonschema.exceptions.best_match(error.context)
    deep = find_best_deep_match(error)
    text = (
        f"{error.json_path}: matches none of the allowed forms; best match: {best.json_path}: {best.message}"
    )
    if deep is not best:
        text += f"; deepest: {deep.json_path}: {deep.message}"
    return _one_line(text)


def check_schema(path_or_paths: PathArg | Iterable[PathArg]) -> list[Finding]:
    """Validate workflow files against check-jsonschema's vendored GitHub workflow schema."""
    paths = _paths(path_or_paths)
    _require_files(paths)
    validator = _schema_validator()
    findings: list[Finding] = []
    for name, data, parse_error in _iter_schema_instances(paths):
        if parse_error is not None:
            findings.append(Finding(name, "schema", _one_line(f"cannot parse the file: {parse_error}")))
            continue
        errors = sorted(
            validator.iter_errors(data), key=lambda e: (list(map(str, e.absolute_path)), e.message)
        )
        findings.extend(Finding(name, "schema", _schema_message(error)) for error in errors)
    return findings


# --- zizmor -------------------------------------------------------------------------------------


def zizmor_executable() -> str:
    """The zizmor installed next to this Python (the venv's), else the one on PATH."""
    beside = Path(sys.executable).parent / ("zizmor.exe" if os.name == "nt" else "zizmor")
    if beside.is_file():
        return str(beside)
    found = shutil.which("zizmor")
    if found is None:
        raise PipekitError("zizmor is not installed; install it with: pip install zizmor")
    return found


def _zizmor_cmd(files: list[str], config: Path | None) -> list[str]:
    cmd = [zizmor_executable(), "--offline", "--persona", "regular", "--format", "json"]
    # --no-exit-codes: 0 means "audited", whatever was found; --strict-collection: a file zizmor
    # cannot load is an error rather than a warning and a silently skipped file.
    cmd += ["--no-exit-codes", "--strict-collection", "--no-progress", "--color", "never"]
    cmd += ["--config", str(config)] if config is not None else ["--no-config"]
    return cmd + files


def _zizmor_failure(stderr: str) -> str:
    # zizmor prints "fatal: ...", the error and a "Caused by:" chain; log lines start with a level.
    lines = [
        line.strip()
        for line in stderr.splitlines()
        if line.strip() and not re.match(r"^\s*(INFO|WARN|DEBUG|TRACE)\b", line)
    ]
    lines = [line for line in lines if line not in ("Caused by:", "fatal: no audit was performed")]
    return _one_line("; ".join(lines)) or "zizmor failed without a message"


def _zizmor_findings(output: str, originals: Mapping[str, str]) -> list[Finding]:
    try:
        results = json.loads(output)
        findings = []
        for result in results:
            if result.get("ignored"):
                continue
            locations = result["locations"]
            primary = next((loc for loc in locations if loc["symbolic"]["kind"] == "Primary"), locations[0])
            staged = primary["symbolic"]["key"]["Local"]["verbatim_path"]
            line = primary["concrete"]["location"]["start_point"]["row"] + 1
            severity = result["determinations"]["severity"].lower()
            confidence = result["determinations"]["confidence"].lower()
            message = (
                f"line {line}: {result['desc']}: {primary['symbolic']['annotation']} "
                f"(severity {severity}, confidence {confidence}; {result['url']})"
            )
            findings.append(Finding(originals.get(staged, staged), result["ident"], _one_line(message)))
    except (ValueError, KeyError, TypeError, IndexError, StopIteration) as error:
        raise PipekitError(
            f"zizmor printed JSON pipekit does not understand ({error!r}); is it zizmor 1.x?"
        ) from None
    return findings


def check_zizmor(paths: PathArg | Iterable[PathArg], config: PathArg | None = None) -> list[Finding]:
    """Run zizmor offline at its default persona; rule = audit id (``zizmor-input``: cannot load a file).

    `config` is a zizmor.yml to honour; by default no configuration is read, so results do not depend
    on what happens to be in the current directory.
    """
    sources = _paths(paths)
    _require_files(sources)
    if not sources:
        return []
    config_path = Path(config) if config is not None else None
    with tempfile.TemporaryDirectory(prefix="pipekit-zizmor-") as tmp:
        # zizmor decides what a file is from its name (action.yml is an action, .yml/.yaml is required),
        # so audit copies with neutral workflow names and map the results back.
        originals: dict[str, str] = {}
        for index, source in enumerate(sources):
            copy = Path(tmp) / f"{index:03d}-{re.sub(r'[^A-Za-z0-9_.-]', '_', source.stem)}.yml"
            shutil.copyfile(source, copy)
            originals[str(copy)] = str(source)
        staged_files = list(originals)
        done = _run(_zizmor_cmd(staged_files, config_path), "zizmor")
        if done.returncode == 0:
            return _zizmor_findings(done.stdout, originals)
        if "failed to load" not in done.stderr:
            raise PipekitError(f"zizmor failed (exit {done.returncode}): {_zizmor_failure(done.stderr)}")
        # Some file could not be loaded: audit one at a time to say which, and audit the rest.
        findings: list[Finding] = []
        for staged in staged_files:
            single = _run(_zizmor_cmd([staged], config_path), "zizmor")
            if single.returncode == 0:
                findings += _zizmor_findings(single.stdout, originals)
            elif "failed to load" in single.stderr:
                message = _zizmor_failure(single.stderr).replace(f"file://{staged}", "the file")
                findings.append(Finding(originals[staged], "zizmor-input", message))
            else:
                raise PipekitError(
                    f"zizmor failed (exit {single.returncode}): {_zizmor_failure(single.stderr)}"
                )
        return findings


# --- GitHub's workflow parser (Node) ------------------------------------------------------------


def check_workflow_parser(
    paths: PathArg | Iterable[PathArg], parser_dir: PathArg | None = None
) -> list[Finding]:
    """Parse files with @actions/workflow-parser (parseWorkflow + convertWorkflowTemplate) under Node."""
    sources = _paths(paths)
    _require_files(sources)
    if not sources:
        return []
    directory = Path(parser_dir) if parser_dir is not None else WORKFLOW_PARSER_DIR
    if not (directory / "node_modules" / "@actions" / "workflow-parser" / "package.json").is_file():
        raise PipekitError(
            f"GitHub's workflow parser is not installed in {directory / 'node_modules'}; "
            "run `make tools` (or `npm ci --prefix tools/workflow-parser`)"
        )
    node = shutil.which("node")
    if node is None:
        raise PipekitError("node is not on PATH; install Node.js 20 or newer to run GitHub's workflow parser")
    originals = {str(source.resolve()): str(source) for source in sources}
    cmd = [node, "--import", "./register.mjs", "validate.mjs", *originals]
    done = _run(cmd, "GitHub's workflow parser (node)", cwd=directory)
    if done.returncode != 0:
        reason = _one_line(done.stderr) or "no message"
        raise PipekitError(f"GitHub's workflow parser failed (exit {done.returncode}): {reason}")
    try:
        results = json.loads(done.stdout)["files"]
        findings = []
        for result in results:
            for error in result["errors"]:
                # A YAML syntax error carries a multi-line excerpt; its first line says it all.
                message = error["message"].strip().splitlines()[0] if error["message"].strip() else "error"
                if error.get("line") is not None:
                    message = f"line {error['line']}, column {error['column']}: {message}"
                findings.append(Finding(originals[result["file"]], "workflow-parser", _one_line(message)))
    except (ValueError, KeyError, TypeError) as error:
        raise PipekitError(f"GitHub's workflow parser printed unexpected output ({error!r})") from None
    return findings


# --- pinned actions -----------------------------------------------------------------------------


def _steps(workflow: Mapping[Any, Any]) -> Iterator[tuple[str, Mapping[Any, Any]]]:
    jobs = workflow.get("jobs")
    if not isinstance(jobs, Mapping):
        return
    for job_id, job in jobs.items():
        steps = job.get("steps") if isinstance(job, Mapping) else None
        if not isinstance(steps, list):
            continue
        for index, step in enumerate(steps):
            if isinstance(step, Mapping):
                yield f"jobs.{job_id}.steps[{index}]", step


def _remote_action(uses: str) -> bool:
    return not uses.startswith(("./", "docker://"))


def check_action_inputs(workflow: Mapping[Any, Any], file: str) -> list[Finding]:
    """Each step's ``uses:`` is pipekit's pinned SHA, and its ``with:`` keys match the pinned action.yml.

    Rules: ``action-pin`` (ref is not the pinned SHA, or not a SHA at all), ``action-input`` (a ``with:``
    key the action does not declare), ``action-required-input`` (a required input without a default is
    missing). Keys compare case-insensitively, as the Actions runner does.
    """
    findings: list[Finding] = []
    pins = actions.load_pins()
    for where, step in _steps(workflow):
        uses = step.get("uses")
        if not isinstance(uses, str) or not _remote_action(uses):
            continue
        action, _, ref = uses.partition("@")
        if not ref:
            findings.append(Finding(file, "action-pin", f"{where}: {uses!r} has no @ref; pin a commit SHA"))
            continue
        try:
            repo, _ = actions.split_action(action)
        except actions.UnknownActionError as error:
            findings.append(Finding(file, "action-pin", f"{where}: {error}"))
            continue
        pin = pins.get(repo)
        if pin is None:
            if not _SHA.match(ref):
                message = f"{where}: {uses} is not pinned to a commit SHA (and pipekit has no pin for {repo})"
                findings.append(Finding(file, "action-pin", message))
            continue
        if ref != pin.sha:
            message = f"{where}: {uses} is not the pinned release; use {action}@{pin.sha} # {pin.version}"
            findings.append(Finding(file, "action-pin", message))
        if not actions.has_metadata(action):
            message = f"{where}: pipekit has no action.yml for {action}, so its inputs cannot be checked"
            findings.append(Finding(file, "action-input", message))
            continue
        metadata = actions.load_metadata(action)
        declared = {name.lower(): name for name in metadata.declared}
        if metadata.using == "docker":
            # the runner passes these two to any container action
            declared.update(entrypoint="entryPoint", args="args")
        given = step.get("with")
        given_keys = [str(key) for key in given] if isinstance(given, Mapping) else []
        for key in given_keys:
            if key.lower() not in declared:
                close = difflib.get_close_matches(key, sorted(metadata.declared), n=1)
                hint = f"; did you mean {close[0]!r}?" if close else ""
                message = f"{where}: {action} {pin.version} has no input {key!r}{hint}"
                findings.append(Finding(file, "action-input", message))
        given_lower = {key.lower() for key in given_keys}
        for name in sorted(metadata.required):
            if name.lower() not in given_lower:
                message = f"{where}: {action} {pin.version} requires input {name!r} (it has no default)"
                findings.append(Finding(file, "action-required-input", message))
    return findings


def _mapping_get(node: yaml.Node, key: str) -> yaml.Node | None:
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            if isinstance(key_node, yaml.ScalarNode) and key_node.value == key:
                return value_node if isinstance(value_node, yaml.Node) else None
    return None


def _uses_nodes(root: yaml.Node) -> Iterator[yaml.ScalarNode]:
    jobs = _mapping_get(root, "jobs")
    if not isinstance(jobs, yaml.MappingNode):
        return
    for _, job in jobs.value:
        steps = _mapping_get(job, "steps")
        if isinstance(steps, yaml.SequenceNode):
            for step in steps.value:
                uses = _mapping_get(step, "uses")
                if isinstance(uses, yaml.ScalarNode):
                    yield uses


def check_pin_comments(text: str, file: str) -> list[Finding]:
    """Every ``uses: <action>@<pinned sha>`` line ends with ``# <version>`` of that pin (rule ``action-pin``).

    Works on the text because comments are not part of the parsed workflow. Refs that are not the
    pinned SHA are `check_action_inputs`' business and are skipped here.
    """
    yamlio.loads(text, file)  # same syntax rules and errors as everywhere else
    root = yaml.compose(text, Loader=yaml.SafeLoader)
    if root is None:
        return []
    lines = text.splitlines()
    pins = actions.load_pins()
    findings: list[Finding] = []
    for node in _uses_nodes(root):
        action, _, ref = str(node.value).partition("@")
        try:
            pin = pins.get(actions.split_action(action)[0])
        except actions.UnknownActionError:
            continue
        if pin is None or ref != pin.sha:
            continue
        line_no = node.end_mark.line
        rest = lines[line_no][node.end_mark.column :] if line_no < len(lines) else ""
        # A YAML comment starts at a '#' after whitespace; flow syntax ('}', ',') may come before it.
        match = re.search(r"(?:^|\s)#(.*)$", rest)
        words = match.group(1).split() if match else []
        if not words or words[0] != pin.version:
            found = f"comment '#{match.group(1)}'" if match else "no comment"
            message = (
                f"line {line_no + 1}: {action}@{pin.sha[:12]}… has {found}; "
                f"write '# {pin.version}' after it so readers see the release"
            )
            findings.append(Finding(file, "action-pin", message))
    return findings


# --- gitleaks -----------------------------------------------------------------------------------


def _allowlist_patterns(allowlist: Any, where: str) -> Iterator[tuple[str, Any]]:
    if not isinstance(allowlist, Mapping):
        yield where, _NotRegex("a table")
        return
    for field in ("regexes", "paths"):
        values = allowlist.get(field, [])
        if not isinstance(values, list):
            yield f"{where}.{field}", _NotRegex("an array of regex strings")
            continue
        for index, value in enumerate(values):
            yield f"{where}.{field}[{index}]", value


@dataclass(frozen=True)
class _NotRegex:
    """A regex field of the wrong shape; `expected` says what gitleaks wants there."""

    expected: str


def _gitleaks_patterns(config: Mapping[str, Any]) -> Iterator[tuple[str, Any]]:
    """(key path, value) for every field gitleaks compiles as a Go regexp."""
    if "allowlist" in config:
        yield from _allowlist_patterns(config["allowlist"], "allowlist")
    allowlists = config.get("allowlists", [])
    for index, allowlist in enumerate(allowlists if isinstance(allowlists, list) else [allowlists]):
        yield from _allowlist_patterns(allowlist, f"allowlists[{index}]")
    rules = config.get("rules", [])
    for index, rule in enumerate(rules if isinstance(rules, list) else []):
        if not isinstance(rule, Mapping):
            continue
        where = f"rules[{index}]({rule.get('id', '?')})"
        for field in ("regex", "path"):
            if field in rule:
                yield f"{where}.{field}", rule[field]
        if "allowlist" in rule:
            yield from _allowlist_patterns(rule["allowlist"], f"{where}.allowlist")
        rule_allowlists = rule.get("allowlists", [])
        for number, allowlist in enumerate(rule_allowlists if isinstance(rule_allowlists, list) else [None]):
            yield from _allowlist_patterns(allowlist, f"{where}.allowlists[{number}]")


def check_gitleaks_config(text: str, file: str, version: str) -> list[Finding]:
    """Check a .gitleaks.toml against what gitleaks itself enforces or silently gets wrong.

    `version` is the gitleaks release that reads the file: its default rules are the ids
    ``disabledRules`` may name. Rules: ``gitleaks-toml``, ``gitleaks-extend``, ``gitleaks-rule``,
    ``gitleaks-regex``, ``gitleaks-disabled-rule``.
    """
    try:
        config = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        return [Finding(file, "gitleaks-toml", f"not valid TOML: {error}")]
    findings: list[Finding] = []
    extend = config.get("extend")
    if not isinstance(extend, Mapping) or extend.get("useDefault") is not True:
        message = "[extend] useDefault = true is missing, so gitleaks' built-in rules would not run"
        findings.append(Finding(file, "gitleaks-extend", message))
        extend = extend if isinstance(extend, Mapping) else {}
    rules = config.get("rules", [])
    if not isinstance(rules, list):
        findings.append(Finding(file, "gitleaks-rule", "rules must be an array of tables ([[rules]])"))
    else:
        for index, rule in enumerate(rules):
            if not isinstance(rule, Mapping) or not isinstance(rule.get("id"), str) or not rule["id"]:
                findings.append(Finding(file, "gitleaks-rule", f"rules[{index}] has no id"))
            elif "regex" not in rule and "path" not in rule:
                message = f"rules[{index}]({rule['id']}) has neither regex nor path, so it matches nothing"
                findings.append(Finding(file, "gitleaks-rule", message))
    for where, pattern in _gitleaks_patterns(config):
        if not isinstance(pattern, str):
            expected = pattern.expected if isinstance(pattern, _NotRegex) else "a regex string"
            findings.append(Finding(file, "gitleaks-regex", f"{where}: expected {expected}, got {pattern!r}"))
            continue
        problem = re2_problem(pattern)
        if problem is not None:
            message = f"{where}: {pattern!r} is not an RE2/Go regexp ({problem})"
            findings.append(Finding(file, "gitleaks-regex", message))
    disabled = extend.get("disabledRules", [])
    if disabled:
        known = default_rule_ids(version)
        for rule_id in disabled if isinstance(disabled, list) else [disabled]:
            if rule_id not in known:
                close = difflib.get_close_matches(str(rule_id), sorted(known), n=1)
                hint = f"; did you mean {close[0]!r}?" if close else ""
                message = f"[extend] disabledRules: {rule_id!r} is not a default rule id{hint}"
                findings.append(Finding(file, "gitleaks-disabled-rule", message))
    return findings


# --- everything ---------------------------------------------------------------------------------


def check_workflows(paths: PathArg | Iterable[PathArg]) -> list[Finding]:
    """All workflow checks on the given files, in order: schema, pins and inputs, parser, zizmor."""
    sources = _paths(paths)
    findings = check_schema(sources)
    for source in sources:
        text = yamlio.read_text(source)
        workflow = yamlio.loads(text, str(source))
        if isinstance(workflow, Mapping):
            findings += check_action_inputs(workflow, str(source))
            findings += check_pin_comments(text, str(source))
    findings += check_workflow_parser(sources)
    findings += check_zizmor(sources)
    return findings
