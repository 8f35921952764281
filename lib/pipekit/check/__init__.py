"""The checks of generated files, one module per outside authority, listed once in `CHECKS` so that
`pipekit check` and the tests run the same list.

A check returns Findings; none means its authority accepted the files. A check that cannot run at all
(tool missing, tool crashed) raises PipekitError instead, so a broken setup never looks like a clean
result. Drift (drift.py) is not in the list: it compares the files with what the design renders.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from pipekit.check import (
    action_inputs,
    gitleaks_config,
    permissions,
    pins,
    workflow_parser,
    workflow_schema,
    yaml_source,
    zizmor,
)
from pipekit.check.finding import Finding
from pipekit.check.paths import PathArg, as_paths, require_files
from pipekit.check.yaml_source import YamlSource
from pipekit.errors import InputFileError

__all__ = ["CHECKS", "DEFAULT_CHECKS", "Check", "CheckInputs", "Finding", "gather", "run_all"]

WORKFLOW_SUFFIXES = (".yaml", ".yml")
GITLEAKS_SUFFIX = ".toml"
YAML_RULE = "yaml"  # a workflow file pipekit's YAML 1.2 reader (GitHub's rules) cannot read


@dataclass(frozen=True)
class CheckInputs:
    """What the checks look at, read once: the workflows (parsed, for the in-process checks), the
    gitleaks configs, the gitleaks release that reads them (None: the design's default release), and the
    design's own action pins (its ``pins:``), which replace pipekit's for their actions."""

    workflows: tuple[YamlSource, ...] = ()
    gitleaks_configs: tuple[Path, ...] = ()
    gitleaks_version: str | None = None
    design_pins: Mapping[str, pins.Release] = field(default_factory=lambda: pins.NO_PINS)

    @property
    def workflow_paths(self) -> list[Path]:
        return [Path(source.file) for source in self.workflows]


@dataclass(frozen=True, kw_only=True)
class Check:
    """One entry of the list: which authority, which rule ids, how to run it."""

    name: str
    authority: str  # who says what is right
    run: Callable[[CheckInputs], list[Finding]]
    rules: tuple[str, ...]  # its rule ids; () when the authority names them (zizmor's audit ids)
    by_default: bool = True  # part of a plain `pipekit check`
    outside: bool = False  # runs another program: started first, so its time overlaps the rest


def _each_workflow(
    check_source: Callable[[YamlSource], list[Finding]],
) -> Callable[[CheckInputs], list[Finding]]:
    def run(inputs: CheckInputs) -> list[Finding]:
        return [finding for source in inputs.workflows for finding in check_source(source)]

    return run


def _zizmor(inputs: CheckInputs) -> list[Finding]:
    return zizmor.check(inputs.workflow_paths)


def _workflow_parser(inputs: CheckInputs) -> list[Finding]:
    return workflow_parser.check(inputs.workflow_paths)


def _pins(inputs: CheckInputs) -> list[Finding]:
    return [
        finding for source in inputs.workflows for finding in pins.check_source(source, inputs.design_pins)
    ]


def _gitleaks_config(inputs: CheckInputs) -> list[Finding]:
    return gitleaks_config.check(inputs.gitleaks_configs, inputs.gitleaks_version)


CHECKS: tuple[Check, ...] = (
    Check(
        name="workflow-schema",
        authority=workflow_schema.AUTHORITY,
        run=_each_workflow(workflow_schema.check_source),
        rules=(workflow_schema.RULE,),
    ),
    Check(
        name="action-pins",
        authority=pins.AUTHORITY,
        run=_pins,
        rules=(pins.RULE,),
    ),
    Check(
        name="action-inputs",
        authority=action_inputs.AUTHORITY,
        run=_each_workflow(action_inputs.check_source),
        rules=(action_inputs.UNDECLARED_RULE, action_inputs.REQUIRED_RULE),
    ),
    Check(
        name="permissions",
        authority=permissions.AUTHORITY,
        run=_each_workflow(permissions.check_source),
        rules=permissions.RULES,
    ),
    Check(
        name="gitleaks-config",
        authority=gitleaks_config.AUTHORITY,
        run=_gitleaks_config,
        rules=gitleaks_config.RULES,
    ),
    Check(name="zizmor", authority=zizmor.AUTHORITY, run=_zizmor, rules=(), outside=True),
    # Not by default: it needs Node and `make tools`, outside pipekit's Python dependencies, and takes
    # longer than all the others together; `pipekit check --github-parser` adds it.
    Check(
        name="workflow-parser",
        authority=workflow_parser.AUTHORITY,
        run=_workflow_parser,
        rules=(workflow_parser.RULE,),
        by_default=False,
        outside=True,
    ),
)
DEFAULT_CHECKS: tuple[Check, ...] = tuple(check for check in CHECKS if check.by_default)


def gather(
    paths: Sequence[Path],
    gitleaks_version: str | None = None,
    design_pins: Mapping[str, pins.Release] = pins.NO_PINS,
) -> tuple[CheckInputs, list[Finding]]:
    """Sort files into workflows (by suffix) and gitleaks configs, and parse the workflows once.

    A workflow that is not YAML GitHub can read is a finding (rule ``yaml``) and goes to no check:
    every authority would only say the same again.
    """
    workflows: list[YamlSource] = []
    configs: list[Path] = []
    unreadable: list[Finding] = []
    for path in paths:
        if path.suffix == GITLEAKS_SUFFIX:
            configs.append(path)
        elif path.suffix in WORKFLOW_SUFFIXES:
            try:
                workflows.append(yaml_source.read(path))
            except InputFileError as error:
                problem = error.message.removeprefix(f"{path}: ")
                line, column = yaml_source.error_position(problem)
                unreadable.append(
                    Finding(file=str(path), line=line, column=column, rule=YAML_RULE, message=problem)
                )
        else:
            raise InputFileError(f"{path}: not a workflow (.yaml, .yml) or a gitleaks config (.toml)")
    return CheckInputs(tuple(workflows), tuple(configs), gitleaks_version, design_pins), unreadable


def run_all(
    paths: PathArg | Iterable[PathArg],
    *,
    checks: Sequence[Check] = CHECKS,
    gitleaks_version: str | None = None,
    design_pins: Mapping[str, pins.Release] = pins.NO_PINS,
) -> list[Finding]:
    """Run `checks` (all of them by default) on workflow and gitleaks config files; findings come in
    file, line and column order. `design_pins` is the design's ``pins:`` (design.pins).

    The checks run side by side: the outside tools are processes, so their time mostly overlaps the
    in-process checks'.
    """
    files = as_paths(paths)
    require_files(files)
    inputs, findings = gather(files, gitleaks_version, design_pins)
    with ThreadPoolExecutor(max_workers=max(len(checks), 1), thread_name_prefix="pipekit-check") as pool:
        # Outside tools first, so their processes start before the in-process checks take the interpreter.
        running = [pool.submit(check.run, inputs) for check in sorted(checks, key=lambda c: not c.outside)]
        for future in running:
            findings += future.result()
    return sorted(findings, key=lambda f: (f.file, f.line or 0, f.column or 0, f.rule, f.message))
