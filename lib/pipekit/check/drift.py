"""Drift: the generated files on disk against what the design renders, as unified diffs; and telling a
bot's pin update from drift.

Dependabot and Renovate move SHA-pinned actions to new releases by editing ``uses:`` lines in
.github/workflows. Such a file differs from the design only in lines ``uses: owner/repo@<sha> # <version>``
of actions pipekit pins; `compare` reports those lines as pin updates (rule ``bot-pin-update``) instead of
a diff, and `pipekit pins sync` takes them into the design's ``pins:``.

How the bots write the new pin, from their source:
- Dependabot (dependabot-core github_actions/lib/dependabot/github_actions/file_updater.rb) replaces the
  SHA after ``@`` and, in a comment that ends with the old version, that version: ``# v7.0.1`` becomes
  ``# v7.1.0``, the rest of the line as it was.
- Renovate (lib/modules/manager/github-actions/extract.ts, autoReplaceStringTemplate) writes
  ``owner/repo@<newDigest> # <newValue>``, keeping the space before ``#``; releases before its comment
  parser (parse.ts) wrote ``# tag=<newValue>``.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from pipekit import files
from pipekit.check import pins, yaml_source
from pipekit.check.finding import Finding
from pipekit.errors import (
    EXIT_PIN_UPDATES as EXIT_PIN_UPDATES,
)  # what `pipekit check` exits with for pin updates
from pipekit.errors import InputFileError
from pipekit.facts import actions

PIN_UPDATE_RULE = "bot-pin-update"
PIN_UPDATE_ADVICE = "pin updated by a bot: run `pipekit pins sync`"

# A `uses:` line as pipekit writes it (and a bot leaves it): indent, optional '- ', key, value, comment.
_USES_LINE = re.compile(
    r"(?P<lead>[ ]*(?:-[ ]+)?uses:[ ]+)(?P<quote>[\"']?)(?P<action>[^@\s\"'#]+)@(?P<ref>[^\s\"'#]*)(?P=quote)"
    r"(?:[ \t]+#(?P<comment>.*))?"
)
_SHA = re.compile(r"[0-9a-f]{40}")
# The release in the comment: `v7.1.0` (Dependabot, Renovate) or `tag=v7.1.0` (earlier Renovate).
_VERSION_COMMENT = re.compile(r"[ \t]*(?:tag[ \t]*=[ \t]*)?(?P<version>v[0-9]+(?:\.[0-9]+)*)[ \t]*")


@dataclass(frozen=True, kw_only=True)
class PinUpdate:
    """A ``uses:`` line moved to another release of the same action: a well-formed pin to take over."""

    file: str
    line: int  # 1-based
    column: int  # where the value starts, as the action-pin check reports it
    action: str  # owner/repo[/path], as written
    version: str
    sha: str

    @property
    def repo(self) -> str:
        return actions.split_action(self.action)[0]

    def finding(self) -> Finding:
        message = f"{self.action} moved to {self.version} ({self.sha[:12]}…): {PIN_UPDATE_ADVICE}"
        return Finding(
            file=self.file, line=self.line, column=self.column, rule=PIN_UPDATE_RULE, message=message
        )


@dataclass(frozen=True, kw_only=True)
class Refusal:
    """A changed ``uses:`` line that is not a pin pipekit can take over, and why."""

    file: str
    line: int
    column: int
    problem: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}: {self.problem}"


def pin_changes(have: str, want: str, file: str) -> list[PinUpdate | Refusal] | None:
    """How `have` (on disk) differs from `want` (rendered) in ``uses:`` lines; None when it differs in
    anything else (or in the number of lines). Equal texts give []."""
    have_lines, want_lines = have.splitlines(), want.splitlines()
    if len(have_lines) != len(want_lines) or have.endswith("\n") != want.endswith("\n"):
        return None
    changes: list[PinUpdate | Refusal] = []
    for number, (old, new) in enumerate(zip(have_lines, want_lines, strict=True), start=1):
        if old == new:
            continue
        disk, rendered = _USES_LINE.fullmatch(old), _USES_LINE.fullmatch(new)
        if disk is None or rendered is None:
            return None
        changes.append(_pin_change(disk, rendered, file, number))
    if changes and not {change.line for change in changes} <= _uses_lines(want, file):
        return None  # a line that only looks like one, in a script or a string
    return changes


def _uses_lines(text: str, file: str) -> set[int]:
    """The 1-based lines where a ``uses:`` value of a job or step starts."""
    try:
        source = yaml_source.parse(text, file)
    except InputFileError:
        return set()
    return {yaml_source.position(node)[0] for _, node in pins.uses_nodes(source)}


def _pin_change(disk: re.Match[str], rendered: re.Match[str], file: str, line: int) -> PinUpdate | Refusal:
    """One changed ``uses:`` line: the release a bot moved it to, or why it is not one."""
    column = len(disk["lead"]) + 1
    action, ref, comment = disk["action"], disk["ref"], disk["comment"]

    def refused(problem: str) -> Refusal:
        return Refusal(file=file, line=line, column=column, problem=problem)

    if action != rendered["action"]:
        try:
            known = actions.split_action(action)[0] in actions.load_pins()
        except actions.UnknownActionError:
            known = False
        what = f"pipekit pins no action {action}" if not known else f"{action} is another action"
        return refused(f"{what}; the design runs {rendered['action']} here, and only its release may change")
    if disk["lead"] != rendered["lead"] or disk["quote"]:
        return refused(f"the line around {action}@… changed, not only its commit and version comment")
    if not _SHA.fullmatch(ref):  # GitHub: a full-length commit SHA is the only immutable release
        return refused(
            f"{action}@{ref} is not a full 40-character commit SHA; a tag or branch can move, so pipekit "
            "takes only a SHA"
        )
    if comment is None:
        return refused(
            f"{action}@{ref[:12]}… has no version comment; write '# vX.Y.Z' of that commit after it"
        )
    version = _version(comment)
    if version is None:
        return refused(f"{action}@{ref[:12]}… has the comment '#{comment}', not a release such as '# v4.2.2'")
    if ref == rendered["ref"]:
        return refused(
            f"only the comment after {action}@{ref[:12]}… changed; run `pipekit render` to restore it"
        )
    if version == _version(rendered["comment"] or ""):
        return refused(
            f"{action} has a new commit, but its comment still says {version}; write that commit's release"
        )
    return PinUpdate(file=file, line=line, column=column, action=action, version=version, sha=ref)


def _version(comment: str) -> str | None:
    """The release a version comment names (``v7.1.0``), or None when it names none."""
    match = _VERSION_COMMENT.fullmatch(comment)
    return match["version"] if match else None


# ------------------------------------------------------------------------------------------ comparing


def folder_paths(folder: Path) -> dict[str, Path]:
    """Where each generated file is in a folder of generated files (`--dir`, `--out`)."""
    return {name: folder / name for name in files.NAMES}


@dataclass(frozen=True)
class Drift:
    """The files on disk against the design: what drifted, and a bot's pin updates."""

    problems: tuple[str, ...] = ()  # a unified diff or a one-line note per drifted file
    pin_updates: tuple[PinUpdate, ...] = ()  # in files that differ only by them
    drifted: tuple[Path, ...] = ()  # the files of `problems`, in the same order

    def findings(self) -> list[Finding]:
        """The pin updates as findings (rule ``bot-pin-update``), in file and line order."""
        return [update.finding() for update in self.pin_updates]

    def explains(self, finding: Finding) -> bool:
        """Whether `finding` is the action-pin check's view of a line a bot updated: the pin update
        already says so, and its advice (go back to the old release) would undo the bot's work."""
        return finding.rule == pins.RULE and any(
            (update.file, update.line) == (finding.file, finding.line) for update in self.pin_updates
        )

    @property
    def only_pin_updates(self) -> bool:
        return not self.problems and bool(self.pin_updates)


def read_generated(path: Path) -> str | None:
    """A generated file's text as drift compares it (None when there is no file)."""
    try:
        # Undecodable bytes cannot match what the design renders: they show up in the diff.
        return path.read_bytes().decode("utf-8", errors="replace") if path.is_file() else None
    except OSError as error:
        raise InputFileError(f"{path}: cannot read ({error.strerror})") from None


def compare(expected: Mapping[str, str], where: Path | Mapping[str, Path]) -> Drift:
    """The generated files at `where` (a folder of them, or each file's path: files.repo_paths) against
    `expected` (what the design renders, by file name)."""
    paths = folder_paths(where) if isinstance(where, Path) else where
    problems: list[str] = []
    updates: list[PinUpdate] = []
    drifted: list[Path] = []
    for name, path in paths.items():
        want, have = expected.get(name), read_generated(path)
        if want == have:
            continue
        before = len(problems)
        if have is None:
            problems.append(f"{path}: missing; run `pipekit render` to write it\n")
        elif want is None:
            problems.append(f"{path}: the design no longer produces this file; delete it\n")
        else:
            changes = pin_changes(have, want, str(path))
            if changes and all(isinstance(change, PinUpdate) for change in changes):
                updates += [change for change in changes if isinstance(change, PinUpdate)]
            else:
                problems.append(_diff(path, have, want))
        if len(problems) > before:
            drifted.append(path)
    return Drift(tuple(problems), tuple(updates), tuple(drifted))


def _diff(path: Path, have: str, want: str) -> str:
    diff = difflib.unified_diff(
        have.splitlines(keepends=True),
        want.splitlines(keepends=True),
        fromfile=f"{path} (on disk)",
        tofile=f"{path} (from the design)",
    )
    return "".join(diff)


def drift(expected: Mapping[str, str], where: Path | Mapping[str, Path]) -> list[str]:
    """Unified diffs (or one-line notes) for every generated file that differs from what the design
    renders; a file a bot only moved pins in gets one line per moved pin instead of a diff."""
    result = compare(expected, where)
    return [*result.problems, *(f"{finding}\n" for finding in result.findings())]
