"""The source-file header check of license-compliance.yaml: every file the globs match begins with the
header.

Globs are one per line and may use ``**`` (any depth) and ``{a,b}`` alternatives, as bash does; a glob
that matches no file is a warning, and globs that match no file at all fail the check (it would pass
having checked nothing). A file passes when the header's lines are its own lines, starting on one of its
first LEADING_LINES + 1 lines: only the top of a file is read, so a header quoted further down (in a
docstring, a test, a vendored file) does not count, and a large file is not read whole. Line endings
(LF or CRLF), trailing spaces and a UTF-8 byte order mark do not matter. Writes license-headers.md
(also the job summary), one error annotation per file without the header, and exits 1 when any file
lacks it.

Environment: LICENSE_HEADER, the header text; HEADER_GLOBS, the globs; GITHUB_STEP_SUMMARY.
"""

from __future__ import annotations

import glob
import html
import os
import re

REPORT = "license-headers.md"
# Lines that may come before the header: a shebang, then an encoding declaration, which PEP 263 allows
# only on a file's first or second line.
LEADING_LINES = 2
LONGEST_LINE = 65536  # a minified file's one line is not read whole
ALTERNATIVES = re.compile(r"\{([^{}]*,[^{}]*)\}")  # bash leaves braces without a comma alone


def command_text(text: str, prop: bool = False) -> str:
    """`text` escaped for a workflow command: its message, or (`prop`) a property such as file=."""
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return text.replace(":", "%3A").replace(",", "%2C") if prop else text


def cell(text: str) -> str:
    """`text` as one markdown table cell: one line, no HTML, no column break."""
    return html.escape(" ".join(text.split())).replace("|", "&#124;")


def expand(pattern: str) -> list[str]:
    """`pattern` with its ``{a,b}`` alternatives spelled out, innermost first, as bash does: glob has none."""
    match = ALTERNATIVES.search(pattern)
    if match is None:
        return [pattern]
    head, tail = pattern[: match.start()], pattern[match.end() :]
    return [path for alt in match.group(1).split(",") for path in expand(head + alt + tail)]


def matching_files(pattern: str) -> set[str]:
    """The files (not folders) `pattern` matches, relative to the working folder."""
    return {
        path for alt in expand(pattern) for path in glob.glob(alt, recursive=True) if os.path.isfile(path)
    }


def header_lines(text: bytes) -> list[bytes]:
    """Lines as compared: without line endings and trailing spaces."""
    return [line.rstrip() for line in text.splitlines()]


def first_lines(path: str, count: int) -> list[bytes]:
    """The first `count` lines of the file, without a UTF-8 byte order mark."""
    with open(path, "rb") as source:
        lines = [source.readline(LONGEST_LINE) for _ in range(count)]
    if lines and lines[0].startswith(b"\xef\xbb\xbf"):
        lines[0] = lines[0][3:]
    return header_lines(b"".join(lines))


def lacks_header(path: str, header: bytes) -> bool:
    """Whether the file's header lines do not start on one of its first LEADING_LINES + 1 lines."""
    wanted = header_lines(header.strip(b"\r\n"))
    top = first_lines(path, len(wanted) + LEADING_LINES)
    return not any(top[start : start + len(wanted)] == wanted for start in range(LEADING_LINES + 1))


def report(header: str, checked: int, missing: list[str]) -> str:
    lines = ["## License headers", "", f"{checked} files checked for this header:", ""]
    lines += ["    " + line for line in header.splitlines()] + [""]
    if not checked:
        lines.append("**No file matches the globs**: the check saw nothing. Fix license.header_globs.")
    elif missing:
        lines += [f"**{len(missing)} files lack the header:**", ""]
        lines += [f"- <code>{cell(path)}</code>" for path in missing]
    else:
        lines.append("Every file has the header.")
    return "\n".join(lines) + "\n"


def main() -> int:
    header = os.environ["LICENSE_HEADER"]
    files: set[str] = set()
    for pattern in filter(None, os.environ["HEADER_GLOBS"].splitlines()):
        found = matching_files(pattern)
        if not found:
            print(f"::warning title=License headers::no file matches {command_text(pattern)}")
        files |= found
    if not files:
        print("::error title=License headers::no file matches license.header_globs; fix the globs")
    missing = [path for path in sorted(files) if lacks_header(path, header.encode())]
    for path in missing:
        print(f"::error file={command_text(path, True)},title=License header::missing the license header")
    text = report(header, len(files), missing)
    with open(REPORT, "w", encoding="utf-8") as out:
        out.write(text)
    with open(os.environ["GITHUB_STEP_SUMMARY"], "a", encoding="utf-8") as summary:
        summary.write(text)
    return 1 if missing or not files else 0


if __name__ == "__main__":
    raise SystemExit(main())
