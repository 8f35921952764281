"""Every ``uses:`` is the pinned full commit SHA, with ``# vX.Y.Z`` of that pin as the trailing comment
(rule ``action-pin``). The authority is pipekit's verified pins (data/action-pins.yaml), where the design
pins a release itself (its ``pins:``, taken over from a bot's update by ``pipekit pins sync``) that one:
a tag or branch can move, a SHA cannot, and the comment tells readers which release the SHA is."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from types import MappingProxyType
from typing import Protocol

import yaml

from pipekit.check import yaml_source
from pipekit.check.finding import Finding
from pipekit.check.paths import PathArg
from pipekit.check.yaml_source import YamlSource
from pipekit.facts import actions

RULE = "action-pin"
AUTHORITY = "pipekit's verified action pins (data/action-pins.yaml), or the design's own pins"


class Release(Protocol):
    """A pinned release: pipekit's (facts.actions.Pin) or the design's (design.model.ActionPin)."""

    @property
    def version(self) -> str: ...

    @property
    def sha(self) -> str: ...


NO_PINS: Mapping[str, Release] = MappingProxyType({})


def pins_in_effect(design_pins: Mapping[str, Release] = NO_PINS) -> dict[str, Release]:
    """Each action's pinned release by owner/repo: the design's where it pins one, else pipekit's."""
    pins: dict[str, Release] = dict(actions.load_pins())
    pins.update(design_pins)
    return pins


def uses_nodes(source: YamlSource) -> Iterator[tuple[str, yaml.ScalarNode]]:
    """(where, node) of every ``uses:`` value: steps' actions and jobs' reusable workflows."""
    for job_id, job in yaml_source.jobs(source.root):
        uses = yaml_source.get(job, "uses")
        if isinstance(uses, yaml.ScalarNode):
            yield f"jobs.{job_id}", uses
        for index, step in yaml_source.steps(job):
            uses = yaml_source.get(step, "uses")
            if isinstance(uses, yaml.ScalarNode):
                yield f"jobs.{job_id}.steps[{index}]", uses


def _problem(
    source: YamlSource, node: yaml.ScalarNode, pins: Mapping[str, Release], design_pins: Mapping[str, Release]
) -> str | None:
    """What is wrong with one ``uses:`` value (`pins`: the releases in effect), or None."""
    uses = str(node.value)
    action, _, ref = uses.partition("@")
    try:
        repo, _ = actions.split_action(action)
    except actions.UnknownActionError as error:
        return str(error)
    pin = pins.get(repo)
    if pin is None:
        return (
            f"pipekit has no verified pin for {repo}, so {uses!r} cannot be held to one; "
            f"add it to data/{actions.PINS_FILE}"
        )
    if ref != pin.sha:
        whose = "the design's pins:" if repo in design_pins else "pipekit's pins"
        return f"{uses!r} is not the release {whose} name; use {action}@{pin.sha} # {pin.version}"
    comment = source.trailing_comment(node)
    words = comment.split() if comment is not None else []
    if not words or words[0] != pin.version:
        found = f"comment '#{comment}'" if comment is not None else "no comment"
        advice = f"write '# {pin.version}' after it so readers see the release"
        return f"{action}@{pin.sha[:12]}… has {found}; {advice}"
    return None


def check_source(source: YamlSource, design_pins: Mapping[str, Release] = NO_PINS) -> list[Finding]:
    """Findings for one workflow; `design_pins` (the design's ``pins:``) replace pipekit's for their
    actions."""
    pins = pins_in_effect(design_pins)
    findings = []
    for where, node in uses_nodes(source):
        if str(node.value).startswith(("./", "docker://")):
            continue  # a local action or a container image: nothing pipekit pins
        problem = _problem(source, node, pins, design_pins)
        if problem is not None:
            line, column = yaml_source.position(node)
            message = f"{where}: {problem}"
            findings.append(Finding(file=source.file, line=line, column=column, rule=RULE, message=message))
    return findings


def check_text(text: str, file: str, design_pins: Mapping[str, Release] = NO_PINS) -> list[Finding]:
    """Check one workflow's text (InputFileError when it is not YAML pipekit can read)."""
    return check_source(yaml_source.parse(text, file), design_pins)


def check(paths: PathArg | Iterable[PathArg], design_pins: Mapping[str, Release] = NO_PINS) -> list[Finding]:
    return yaml_source.check_files(lambda source: check_source(source, design_pins), paths)
