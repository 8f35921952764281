"""`pipekit init`: write a design read from a repository's own files.

Every value read from a file carries a comment naming its source; what no file says (plan, visibility,
owner type) comes from the flags and is marked assumed. The design is validated like any other before it
is written, atomically; an existing design is replaced only with --force. `.pipekit/` (the run-history
database) is added to the repository's .gitignore. Prints what was read and from where, what to fix
before the first push, and the existing workflows next to the new design.
"""

from __future__ import annotations

import argparse
from typing import Any

from pipekit.design import DEFAULT_DESIGN_FILE

PLANS = ("free", "pro", "team", "enterprise")
VISIBILITIES = ("public", "private")
OWNER_TYPES = ("organization", "user")
# What a design assumes when the flag is not given: the model's own defaults.
DEFAULTS = {"plan": "free", "visibility": "private", "owner_type": "organization"}


def add_parser(subparsers: Any) -> None:
    parser = subparsers.add_parser("init", help="write a design read from a repository's files")
    parser.add_argument("--repo", default=".", metavar="DIR", help="the repository's root (default: .)")
    parser.add_argument(
        "--design", metavar="FILE", help=f"the design file to write (default: DIR/{DEFAULT_DESIGN_FILE})"
    )
    parser.add_argument("--force", action="store_true", help="replace an existing design file")
    parser.add_argument(
        "--plan", choices=PLANS, help=f"the account's GitHub plan (default: {DEFAULTS['plan']})"
    )
    parser.add_argument(
        "--visibility",
        choices=VISIBILITIES,
        help=f"the repository's visibility (default: {DEFAULTS['visibility']})",
    )
    parser.add_argument(
        "--owner-type",
        choices=OWNER_TYPES,
        help=f"who owns the repository (default: {DEFAULTS['owner_type']})",
    )
    parser.set_defaults(run=run)


def _assumed(args: argparse.Namespace, name: str) -> Any:
    from pipekit.repo.found import assumed

    flag = "--" + name.replace("_", "-")
    given = getattr(args, name)
    if given is not None:
        return assumed(given, f"given with {flag}")
    return assumed(DEFAULTS[name], f"pipekit's default; set it with {flag}")


def run(args: argparse.Namespace) -> int:
    from pathlib import Path

    from pipekit.check import repository
    from pipekit.cost.plan import plan_design
    from pipekit.design.load import design_from_data
    from pipekit.errors import InputFileError, OutputError
    from pipekit.facts.runners import load_catalog
    from pipekit.repo import summary
    from pipekit.repo.design_file import design_text
    from pipekit.repo.gitignore import ensure_ignored
    from pipekit.repo.proposal import Assumptions, propose
    from pipekit.write import replace_file

    root = Path(args.repo)
    if not root.is_dir():
        raise InputFileError(f"{root}: --repo must be the repository's folder")
    target = Path(args.design) if args.design else root / DEFAULT_DESIGN_FILE
    if (target.exists() or target.is_symlink()) and not args.force:
        raise OutputError(f"{target}: a design is already there; pass --force to replace it")
    if not target.parent.is_dir():
        raise OutputError(f"{target}: the folder {target.parent} does not exist; create it first")
    assumptions = Assumptions(
        plan=_assumed(args, "plan"),
        visibility=_assumed(args, "visibility"),
        owner_type=_assumed(args, "owner_type"),
        day=load_catalog().default_prices_on,
    )
    proposal = propose(root, assumptions)
    design = design_from_data(proposal.data(), str(target))
    text = design_text(proposal)
    findings = repository.check(design, root)
    try:
        replace_file(target, text)
    except OSError as error:
        raise OutputError(
            f"{target}: cannot write the design ({error.strerror}); nothing was written"
        ) from None
    print(f"wrote {target}: the design of {design.project.name}, read from {root}")
    for entry in ensure_ignored(root):
        print(f"added {entry} to {root / '.gitignore'}: `pipekit history` keeps its database there")
    print("\n".join(summary.inferred(proposal)))
    notes = summary.before_first_push(proposal, findings)
    if notes:
        print("before the first push:")
        print("\n".join(notes))
    lines = summary.comparison(proposal.existing, design, plan_design(design))
    if lines:
        print("\n".join(lines))
    # The notebooks are not copied here: init writes the design only, and not every team wants six
    # notebooks in its repository; the hint says how to get them.
    named = "" if target == root / DEFAULT_DESIGN_FILE else f" --design {target}"
    print(
        f"next: `pipekit plan --design {target}`; the notebooks: `pipekit notebooks --init --repo {root}"
        f"{named}`, then `pipekit lab --repo {root}`; then `pipekit render --repo {root}{named}`"
    )
    return 0
