"""Every ``uses:`` is pipekit's pinned full commit SHA, with ``# vX.Y.Z`` of that pin as the trailing
comment (rule ``action-pin``). The authority is pipekit's verified pins (data/action-pins.yaml): a tag or
branch can move, a SHA cannot, and the comment tells readers which release the SHA is."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

import yaml

from pipekit.check import yaml_source
from pipekit.check.finding import Finding
from pipekit.check.paths import PathArg
from pipekit.check.yaml_source import YamlSource
from pipekit.facts import actions

RULE = "action-pin"
AUTHORITY = "pipekit's verified action pins (data/action-pins.yaml)"


def _uses_nodes(source: YamlSource) -> Iterator[tuple[str, yaml.ScalarNode]]:
    """(where, node) of every ``uses:`` value: steps' actions and jobs' reusable workflows."""
    for job_id, job in yaml_source.jobs(source.root):
        uses = yaml_source.get(job, "uses")
        if isinstance(uses, yaml.ScalarNode):
            yield f"jobs.{job_id}", uses
        for index, step in yaml_source.steps(job):
            uses = yaml_source.get(step, "uses")
            if isinstance(uses, yaml.ScalarNode):
                yield f"jobs.{job_id}.steps[{index}]", uses


def _problem(source: YamlSource, node: yaml.ScalarNode) -> str | None:
    """What is wrong with one ``uses:`` value, or None."""
    uses = str(node.value)
    action, _, ref = uses.partition("@")
    try:
        repo, _ = actions.split_action(action)
    except actions.UnknownActionError as error:
        return str(error)
    pin = actions.load_pins().get(repo)
    if pin is None:
        return (
            f"pipekit has no verified pin for {repo}, so {uses!r} cannot be held to one; "
            f"add it to data/{actions.PINS_FILE}"
        )
    if ref != pin.sha:
        return f"{uses!r} is not the pinned release; use {action}@{pin.sha} # {pin.version}"
    comment = source.trailing_comment(node)
    words = comment.split() if comment is not None else []
    if not words or words[0] != pin.version:
        found = f"comment '#{comment}'" if comment is not None else "no comment"
        advice = f"write '# {pin.version}' after it so readers see the release"
        return f"{action}@{pin.sha[:12]}… has {found}; {advice}"
    return None


def check_source(source: YamlSource) -> list[Finding]:
    findings = []
    for where, node in _uses_nodes(source):
        if str(node.value).startswith(("./", "docker://")):
            continue  # a local action or a container image: nothing pipekit pins
        problem = _problem(source, node)
        if problem is not None:
            line, column = yaml_source.position(node)
            message = f"{where}: {problem}"
            findings.append(Finding(file=source.file, line=line, column=column, rule=RULE, message=message))
    return findings


def check_text(text: str, file: str) -> list[Finding]:
    """Check one workflow's text (InputFileError when it is not YAML pipekit can read)."""
    return check_source(yaml_source.parse(text, file))


def check(paths: PathArg | Iterable[PathArg]) -> list[Finding]:
    return yaml_source.check_files(check_source, paths)
