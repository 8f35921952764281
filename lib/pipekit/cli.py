"""The `pipekit` command: one subcommand per module in pipekit.commands, each loading what it uses.

Exit codes: 0 success, 1 drift or findings, 2 bad input or usage. A user error prints one line, never a
traceback; `--debug` shows it.
"""

from __future__ import annotations

import argparse
import sys
import traceback
from collections.abc import Sequence

from pipekit import __version__, commands
from pipekit.errors import EXIT_BAD_INPUT, PipekitError
from pipekit.wording import one_line


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        self.exit(EXIT_BAD_INPUT, f"pipekit: error: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="pipekit", description="Design GitHub Actions pipelines: matrix, cost, workflows.")
    parser.add_argument("--version", action="version", version=f"pipekit {__version__}")
    parser.add_argument("--debug", action="store_true", help="show a traceback on errors")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    subparsers.required = True
    for module in commands.modules():
        module.add_parser(subparsers)
    # `pipekit history report|calibrate`, until the history group's own module registers them
    from pipekit.commands.history_report import add_history_group

    add_history_group(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        code: int = args.run(args)
        return code
    except PipekitError as error:
        if args.debug:
            traceback.print_exc()
        print(f"pipekit: error: {one_line(str(error))}", file=sys.stderr)
        return error.exit_code
    except KeyboardInterrupt:
        print("pipekit: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    sys.exit(main())
