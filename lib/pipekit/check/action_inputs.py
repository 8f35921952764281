"""Every ``with:`` key of a step is an input the pinned release's action.yml declares (rule
``action-input``), and every input it requires without a default is given (``action-required-input``).

The authority is each action's own action.yml at the pinned release (data/action-metadata). The runner
compares input names case-insensitively and only warns about unknown ones, so a misspelt input is
silently ignored at run time: this check is where it shows. Which release a step names is the pins
check's business; inputs are held to the pinned release's metadata.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

import yaml

from pipekit.check import yaml_source
from pipekit.check.finding import Finding
from pipekit.check.paths import PathArg
from pipekit.check.yaml_source import YamlSource
from pipekit.facts import actions
from pipekit.wording import did_you_mean

UNDECLARED_RULE = "action-input"
REQUIRED_RULE = "action-required-input"
AUTHORITY = "each pinned action's action.yml (data/action-metadata)"


def _action_steps(source: YamlSource) -> Iterator[tuple[str, str, yaml.Node]]:
    """(where, action, step node) of every step that runs a remote action pipekit pins."""
    pins = actions.load_pins()
    for job_id, job in yaml_source.jobs(source.root):
        for index, step in yaml_source.steps(job):
            uses = yaml_source.scalar(yaml_source.get(step, "uses"))
            if uses is None or uses.startswith(("./", "docker://")):
                continue
            action = uses.partition("@")[0]
            try:
                repo, _ = actions.split_action(action)
            except actions.UnknownActionError:
                continue  # not an action name: the pins check says so
            if repo in pins:
                yield f"jobs.{job_id}.steps[{index}]", action, step


def _step_findings(file: str, where: str, action: str, step: yaml.Node) -> Iterator[Finding]:
    version = actions.pin_for(action).version
    uses_key = next(key for key, _ in yaml_source.entries(step) if key.value == "uses")
    with_entry = next(((key, value) for key, value in yaml_source.entries(step) if key.value == "with"), None)
    if not actions.has_metadata(action):
        line, column = yaml_source.position(uses_key)
        message = f"{where}: pipekit has no action.yml for {action}, so its inputs cannot be checked"
        yield Finding(file=file, line=line, column=column, rule=UNDECLARED_RULE, message=message)
        return
    metadata = actions.load_metadata(action)
    declared = {name.lower() for name in metadata.declared}
    if metadata.using == "docker":
        declared |= {"entrypoint", "args"}  # the runner passes these two to any container action
    given = list(yaml_source.entries(with_entry[1])) if with_entry is not None else []
    for key, _ in given:
        if str(key.value).lower() not in declared:
            line, column = yaml_source.position(key)
            hint = did_you_mean(str(key.value), sorted(metadata.declared))
            message = f"{where}: {action} {version} has no input {key.value!r}{hint}"
            yield Finding(file=file, line=line, column=column, rule=UNDECLARED_RULE, message=message)
    given_names = {str(key.value).lower() for key, _ in given}
    line, column = yaml_source.position(with_entry[0] if with_entry is not None else uses_key)
    for name in sorted(metadata.required):
        if name.lower() not in given_names:
            message = f"{where}: {action} {version} requires input {name!r} (it has no default)"
            yield Finding(file=file, line=line, column=column, rule=REQUIRED_RULE, message=message)


def check_source(source: YamlSource) -> list[Finding]:
    return [
        finding
        for where, action, step in _action_steps(source)
        for finding in _step_findings(source.file, where, action, step)
    ]


def check_text(text: str, file: str) -> list[Finding]:
    """Check one workflow's text (InputFileError when it is not YAML pipekit can read)."""
    return check_source(yaml_source.parse(text, file))


def check(paths: PathArg | Iterable[PathArg]) -> list[Finding]:
    return yaml_source.check_files(check_source, paths)
