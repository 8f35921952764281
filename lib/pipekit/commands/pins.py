"""`pipekit pins sync`: take a bot's pin updates (Dependabot, Renovate) from the workflows on disk into the
design's ``pins:``, so the design renders the bot's files and `pipekit check` passes again.

It takes a ``uses:`` line only when it names the same action as the design, at a full 40-character commit
SHA, with the release in a version comment; anything else is refused and nothing changes. A file that
differs from the design in more than ``uses:`` lines is drift, not a pin update: it is left for
`pipekit check` to show.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from pipekit.commands.render import DEFAULT_OUT
from pipekit.design import DEFAULT_DESIGN_FILE

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence
    from pathlib import Path

    from pipekit.check.drift import PinUpdate


def add_parser(subparsers: Any) -> None:
    parser = subparsers.add_parser("pins", help="the design's action pins: take a bot's updates into it")
    commands = parser.add_subparsers(dest="pins_command", metavar="ACTION", parser_class=type(parser))
    commands.required = True
    sync = commands.add_parser(
        "sync", help="take the pin updates a bot made in the workflows into the design's pins:"
    )
    sync.add_argument(
        "--design", metavar="FILE", help=f"design file (default: {DEFAULT_DESIGN_FILE}, in DIR with --repo)"
    )
    where = sync.add_mutually_exclusive_group()
    where.add_argument("--dir", metavar="DIR", help=f"folder of generated files (default: {DEFAULT_OUT})")
    where.add_argument(
        "--repo", metavar="DIR", help="a repository's root: the workflows in DIR/.github/workflows"
    )
    sync.set_defaults(run=run_sync)


def run_sync(args: argparse.Namespace) -> int:
    from pathlib import Path

    from pipekit import files
    from pipekit.check.drift import folder_paths, read_generated
    from pipekit.commands.render import design_path
    from pipekit.design import load_design
    from pipekit.design.save import save_design
    from pipekit.render import render_all

    design_file = design_path(args)
    where = args.repo or args.dir or DEFAULT_OUT
    paths = files.repo_paths(Path(args.repo)) if args.repo else folder_paths(Path(where))
    expected = render_all(load_design(design_file), Path(design_file).name)
    updates, skipped = _updates(expected, paths)
    for path in skipped:
        print(
            f"skipped {path}: it differs from the design in more than action pins; `pipekit check` shows how"
        )
    if not updates:
        print(f"pipekit pins sync: no pin updates in {where}; the design's pins match the workflows")
        return 0
    releases = _releases(updates)
    save_design(design_file, _with_pins(design_file, releases))
    print(f"pipekit pins sync: took {len(releases)} pin update(s) from {where} into {design_file}")
    for repo, update in releases.items():
        print(f"  {repo}: {update.version} ({update.sha})")
    # Renovate's older `# tag=v1.2.3` comments name the same release in other words: render rewrites them.
    again = render_all(load_design(design_file), Path(design_file).name)
    differ = [
        path
        for name, path in paths.items()
        if name in again and read_generated(path) not in (None, again[name])
    ]
    taken = {update.file for update in updates}
    reworded = [str(path) for path in differ if str(path) in taken]
    if reworded:
        print(
            f"{', '.join(reworded)}: the bot wrote version comments in its own way; "
            "`pipekit render` writes them as pipekit does"
        )
    return 0


def _updates(expected: Mapping[str, str], paths: Mapping[str, Path]) -> tuple[list[PinUpdate], list[Path]]:
    """The pin updates in the files on disk, and the files that drifted in more than ``uses:`` lines;
    raises on a changed ``uses:`` line that is no pin to take."""
    from pipekit.check.drift import PinUpdate, pin_changes, read_generated
    from pipekit.errors import PipekitError

    updates: list[PinUpdate] = []
    skipped: list[Path] = []
    for name, path in paths.items():
        want, have = expected.get(name), read_generated(path)
        if want is None or have is None or want == have:
            continue
        changes = pin_changes(have, want, str(path))
        if not changes:
            skipped.append(path)
            continue
        for change in changes:
            if not isinstance(change, PinUpdate):
                raise PipekitError(f"{change}; no pin was taken")
            updates.append(change)
    return updates, skipped


def _releases(updates: Sequence[PinUpdate]) -> dict[str, PinUpdate]:
    """One release per action (owner/repo); refuses two for the same one."""
    from pipekit.errors import PipekitError

    releases: dict[str, PinUpdate] = {}
    for update in updates:
        first = releases.setdefault(update.repo, update)
        if (first.version, first.sha) != (update.version, update.sha):
            raise PipekitError(
                f"{update.file}:{update.line}: {update.repo} is moved to {update.version} here but to "
                f"{first.version} at {first.file}:{first.line}; make them agree, then sync; no pin was taken"
            )
    return releases


def _with_pins(design_file: str, releases: Mapping[str, PinUpdate]) -> dict[str, Any]:
    """The design file's data with `releases` in its ``pins:``; a release that is pipekit's own pin
    leaves the design's entry out (pipekit pins it anyway)."""
    from pathlib import Path

    from pipekit import yamlio
    from pipekit.facts import actions

    data = yamlio.load_file(Path(design_file)) or {}
    pins = dict(data.get("pins") or {})
    for repo, update in releases.items():
        own = actions.load_pins()[repo]
        if (own.version, own.sha) == (update.version, update.sha):
            pins.pop(repo, None)
        else:
            pins[repo] = {"version": update.version, "sha": update.sha}
    if pins or "pins" in data:
        data["pins"] = dict(sorted(pins.items()))
    return dict(data)
