"""Safe YAML reading, with the scalar rules GitHub's workflow parser uses (YAML 1.2 core schema).

PyYAML implements YAML 1.1, where ``on``/``off``/``yes``/``no`` are booleans and ``1:30`` is 90. GitHub
reads workflows as YAML 1.2: only ``true``/``false`` are booleans. We read designs and workflow files the
same way, and reject what a hand-edited file can get wrong: duplicate keys, alias bombs, several documents,
non-UTF-8 bytes, oversized files.
"""

from __future__ import annotations

import functools
import re
import sys
from pathlib import Path
from typing import Any

import yaml

from pipekit.errors import InputFileError

MAX_FILE_BYTES = 1_000_000
MAX_NODES = 200_000  # counted with aliases expanded: a "billion laughs" file trips this early

_BaseLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Yaml12Loader(_BaseLoader):  # type: ignore[valid-type,misc]
    """SafeLoader with YAML 1.2 core-schema implicit types and duplicate-key detection."""


_Yaml12Loader.yaml_implicit_resolvers = {}
_IMPLICIT: list[tuple[str, str, str]] = [
    ("tag:yaml.org,2002:bool", r"^(?:true|True|TRUE|false|False|FALSE)$", "tTfF"),
    ("tag:yaml.org,2002:int", r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$", "-+0123456789"),
    (
        "tag:yaml.org,2002:float",
        r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
        r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$",
        "-+0123456789.",
    ),
    ("tag:yaml.org,2002:null", r"^(?:~|null|Null|NULL|)$", "~nN\x00"),
]
for _tag, _pattern, _first in _IMPLICIT:
    _Yaml12Loader.add_implicit_resolver(_tag, re.compile(_pattern), list(_first))
_Yaml12Loader.add_implicit_resolver("tag:yaml.org,2002:null", re.compile(r"^$"), [""])


def _construct_int(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> int:
    text = str(loader.construct_scalar(node))
    too_long = yaml.constructor.ConstructorError(
        None, None, f"a whole number of {len(text):,} characters is too long to use", node.start_mark
    )
    # Python reads and prints integers of at most 4,300 digits: no later step could use a longer one.
    if len(text) > sys.get_int_max_str_digits() > 0:
        raise too_long
    if text.startswith("0o"):
        value = int(text[2:], 8)
    elif text.startswith("0x"):
        value = int(text[2:], 16)
    else:
        value = int(text)
    try:
        str(value)
    except ValueError:
        raise too_long from None
    return value


def _construct_mapping(loader: yaml.SafeLoader, node: yaml.MappingNode) -> dict[Any, Any]:
    loader.flatten_mapping(node)
    result: dict[Any, Any] = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if not isinstance(key, str | int | float | bool) and key is not None:
            raise yaml.constructor.ConstructorError(
                None, None, "a mapping key must be a plain scalar", key_node.start_mark
            )
        if key in result:
            mark = key_node.start_mark
            raise InputFileError(
                f"line {mark.line + 1}, column {mark.column + 1}: duplicate key {key!r}; "
                "YAML keeps only the last one, so remove or rename one of them"
            )
        result[key] = loader.construct_object(value_node, deep=True)
    return result


_Yaml12Loader.add_constructor("tag:yaml.org,2002:int", _construct_int)
_Yaml12Loader.add_constructor("tag:yaml.org,2002:map", _construct_mapping)


def _checked(construct: Any) -> Any:
    """A scalar constructor whose failure on an explicit tag (``!!float true``) names line and column."""

    def checked(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> Any:
        try:
            return construct(loader, node)
        except (ValueError, TypeError, KeyError, IndexError, AttributeError, OverflowError):
            tag = node.tag.replace("tag:yaml.org,2002:", "!!")
            shown = node.value if len(node.value) <= 40 else node.value[:37] + "..."
            raise yaml.constructor.ConstructorError(
                None, None, f"{shown!r} is not a valid {tag} value", node.start_mark
            ) from None

    return checked


for _name in ("null", "bool", "int", "float", "binary", "timestamp"):
    _tag = f"tag:yaml.org,2002:{_name}"
    _Yaml12Loader.add_constructor(_tag, _checked(_Yaml12Loader.yaml_constructors[_tag]))


def _expanded_size(node: yaml.Node, memo: dict[int, int]) -> int:
    """Number of nodes once aliases are expanded, computed without expanding them."""
    key = id(node)
    if key in memo:
        return memo[key]
    memo[key] = 1  # guards recursive structures
    total = 1
    if isinstance(node, yaml.SequenceNode):
        total += sum(_expanded_size(child, memo) for child in node.value)
    elif isinstance(node, yaml.MappingNode):
        total += sum(_expanded_size(k, memo) + _expanded_size(v, memo) for k, v in node.value)
    total = min(total, MAX_NODES + 1)
    memo[key] = total
    return total


def loads(text: str, source: str = "<string>", *, loader_class: type[yaml.SafeLoader] | None = None) -> Any:
    """Parse one YAML document; raise InputFileError with line and column on any problem.

    `loader_class` replaces how parsed nodes become values (a workflow reader with GitHub's rules); the
    limits and error reporting stay these. Designs use the default, the YAML 1.2 reader above.
    """
    loader = (loader_class or _Yaml12Loader)(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        if _expanded_size(node, {}) > MAX_NODES:
            raise InputFileError(
                f"{source}: more than {MAX_NODES:,} values once aliases are expanded "
                "(an alias bomb?); write the values out or use fewer nested aliases"
            )
        return loader.construct_document(node)
    except InputFileError as error:
        if error.message.startswith(source):
            raise
        raise InputFileError(f"{source}: {error.message}") from None
    except yaml.composer.ComposerError as error:
        if "single document" in f"{error.context} {error.problem}":
            mark = error.problem_mark
            where = f"line {mark.line + 1}: " if mark else ""
            raise InputFileError(
                f"{source}: {where}several YAML documents in one file; keep one (remove the '---' separator)"
            ) from None
        raise InputFileError(f"{source}: {_describe(error)}") from None
    except yaml.reader.ReaderError as error:
        # Its str() spans two lines and libyaml counts bytes: find the character (the reader stops at
        # the first one it rejects) and say where it is, as for syntax errors.
        at = max(text.find(chr(error.character)), 0)
        line = text.count("\n", 0, at) + 1
        column = at - (text.rfind("\n", 0, at) + 1) + 1
        raise InputFileError(
            f"{source}: line {line}, column {column}: the character {chr(error.character)!r} "
            "is not allowed in YAML; remove it"
        ) from None
    except yaml.YAMLError as error:
        raise InputFileError(f"{source}: {_describe(error)}") from None
    except RecursionError:
        raise InputFileError(f"{source}: the YAML is nested too deeply") from None
    finally:
        loader.dispose()


def _describe(error: yaml.YAMLError) -> str:
    if isinstance(error, yaml.MarkedYAMLError):
        mark = error.problem_mark or error.context_mark
        problem = error.problem or error.context or "invalid YAML"
        if mark is not None:
            return f"YAML syntax error at line {mark.line + 1}, column {mark.column + 1}: {problem}"
        return f"YAML syntax error: {problem}"
    return f"YAML error: {error}"


def read_text(path: Path, max_bytes: int = MAX_FILE_BYTES) -> str:
    """Read a UTF-8 text file with a size limit and clear errors."""
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise InputFileError(
                f"{path}: file is {size:,} bytes, over the {max_bytes:,}-byte limit; is this the right file?"
            )
        # stat() says 0 for devices and pipes (/dev/zero): never read more than the limit.
        with path.open("rb") as handle:
            data = handle.read(max_bytes + 1)
        if len(data) > max_bytes:
            raise InputFileError(f"{path}: more than {max_bytes:,} bytes; is this the right file?")
    except FileNotFoundError:
        raise InputFileError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise InputFileError(f"{path}: is a directory, expected a YAML file") from None
    except PermissionError:
        raise InputFileError(f"{path}: permission denied") from None
    except OSError as error:
        raise InputFileError(f"{path}: cannot read ({error.strerror})") from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise InputFileError(
            f"{path}: byte {error.start} is not valid UTF-8; save the file as UTF-8"
        ) from None


def load_file(path: Path, *, loader_class: type[yaml.SafeLoader] | None = None) -> Any:
    """Read and parse a YAML file (see `loads`)."""
    return loads(read_text(path), str(path), loader_class=loader_class)


# ------------------------------------------------------------------------------------------------ writing


class Commented:
    """A scalar written with a trailing comment: ``uses: owner/action@<sha> # v1.2.3``."""

    __slots__ = ("comment", "value")

    def __init__(self, value: Any, comment: str) -> None:
        self.value = value
        self.comment = comment

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Commented) and (self.value, self.comment) == (other.value, other.comment)

    def __hash__(self) -> int:
        return hash((self.value, self.comment))

    def __repr__(self) -> str:
        return f"Commented({self.value!r}, {self.comment!r})"


def plain(data: Any) -> Any:
    """The data without comments: what a YAML parser reads back from `dumps(data)`."""
    if isinstance(data, Commented):
        return plain(data.value)
    if isinstance(data, dict):
        return {key: plain(value) for key, value in data.items()}
    if isinstance(data, list | tuple):
        return [plain(item) for item in data]
    return data


# Keys written as people write them, although YAML 1.1 readers would take them for booleans.
_PLAIN_KEYS = frozenset({"on"})


# Strings every YAML reader takes as the same string when written plain: a name-like word that is not
# one of YAML 1.1's booleans or nulls. PyYAML writes these plain too (a test holds the two together);
# they are most of a workflow's scalars, so they skip the emitter.
_PLAIN_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_./@-]*")
_YAML11_BOOLEANS = (
    "y",
    "Y",
    "yes",
    "Yes",
    "YES",
    "n",
    "N",
    "no",
    "No",
    "NO",
    "on",
    "On",
    "ON",
    "off",
    "Off",
    "OFF",
)
_YAML11_WORDS = frozenset(
    (*_YAML11_BOOLEANS, "true", "True", "TRUE", "false", "False", "FALSE", "null", "Null", "NULL")
)


def _scalar(value: Any) -> str:
    """One scalar on one line, quoted whenever a YAML 1.1 or 1.2 reader would read another type."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return repr(value)
    if isinstance(value, float):
        # PyYAML's spelling reads back as a float in YAML 1.1 and 1.2 alike (1.0e+20, .inf).
        return yaml.safe_dump(value).removesuffix("\n").removesuffix("\n...")
    if _PLAIN_WORD.fullmatch(value) and value not in _YAML11_WORDS:
        return str(value)
    return _string_scalar(value)


@functools.lru_cache(maxsize=4096)
def _string_scalar(value: str) -> str:
    """A string as PyYAML's emitter writes it on one line, quoted for YAML 1.2 readers where needed."""
    if not _printable(value) or "\n" in value:
        return _double_quoted(value)
    text = yaml.safe_dump(value, default_flow_style=True, width=1_000_000, allow_unicode=True)
    text = text.removesuffix("\n").removesuffix("\n...")
    if text == value and _resolves_to_non_string(text):
        # Plain for YAML 1.1 but typed for YAML 1.2 (e.g. 0o17), which is how GitHub reads it.
        text = yaml.safe_dump(value, default_style="'", width=1_000_000, allow_unicode=True).strip()
    return text if "\n" not in text else _double_quoted(value)


_ASCII_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def _printable(text: str) -> bool:
    """No control characters or Unicode line breaks, which some readers treat as new lines."""
    if text.isascii():  # most text (scripts, names): one regex scan instead of a test per character
        return _ASCII_CONTROL.search(text) is None
    return all(ch in "\t\n" or (ch.isprintable() and ch not in "\x85\u2028\u2029\ufeff") for ch in text)


def _double_quoted(text: str) -> str:
    """A double-quoted scalar on one line, every special character escaped."""
    return yaml.safe_dump(text, default_style='"', width=1_000_000, allow_unicode=False).strip()


def _resolves_to_non_string(text: str) -> bool:
    resolved = _Yaml12Loader.resolve(_Yaml12Loader, yaml.ScalarNode, text, (True, False))
    return bool(resolved != "tag:yaml.org,2002:str")


def _key(key: Any) -> str:
    if not isinstance(key, str):
        raise TypeError(f"mapping keys must be strings, got {key!r}")
    return key if key in _PLAIN_KEYS else _scalar(key)


def _block_scalar(text: str, indent: str) -> list[str] | None:
    """A multi-line string as a literal block, or None when a block cannot hold it exactly."""
    lines = text.split("\n")
    body = lines[:-1] if text.endswith("\n") else lines
    if not body or not body[0] or body[0].startswith(" ") or not _printable(text):
        return None
    if any(line != line.rstrip() or "\t" in line for line in body) or text.endswith("\n\n"):
        return None
    chomp = "" if text.endswith("\n") else "-"
    return [f"|{chomp}"] + [f"{indent}{line}" if line else "" for line in body]


def _inline(value: Any, indent: str) -> tuple[str, list[str]]:
    """The text after ``key:`` on the same line, and any lines that follow."""
    comment = ""
    if isinstance(value, Commented):
        comment = f" # {value.comment}"
        value = value.value
    if isinstance(value, dict):
        if not value:
            return " {}" + comment, []
        return comment, _mapping(value, indent + "  ")
    if isinstance(value, list | tuple):
        if not value:
            return " []" + comment, []
        return comment, _sequence(value, indent + "  ")
    if isinstance(value, str) and "\n" in value:
        block = _block_scalar(value, indent + "  ")
        if block is not None:
            return f" {block[0]}{comment}", block[1:]
        return f" {_double_quoted(value)}{comment}", []
    return f" {_scalar(value)}{comment}", []


def _mapping(data: dict[Any, Any], indent: str) -> list[str]:
    lines: list[str] = []
    for key, value in data.items():
        head, rest = _inline(value, indent)
        lines.append(f"{indent}{_key(key)}:{head}")
        lines.extend(rest)
    return lines


def _sequence(items: list[Any] | tuple[Any, ...], indent: str) -> list[str]:
    lines: list[str] = []
    for item in items:
        inner = plain(item) if not isinstance(item, Commented) else item
        if isinstance(inner, dict) and inner:
            nested = _mapping(item, indent + "  ")
            lines.append(f"{indent}- {nested[0].lstrip()}")
            lines.extend(nested[1:])
        else:
            head, rest = _inline(item, indent)
            lines.append(f"{indent}-{head}")
            lines.extend(rest)
    return lines


def dumps(data: dict[str, Any], *, header: str = "", blank_line_between: bool = True) -> str:
    """Deterministic block-style YAML of a mapping, keys in the order given, with optional comments.

    `header` lines become ``#`` comments at the top. With `blank_line_between`, top-level keys are
    separated by blank lines, as people write workflows.
    """
    out = [f"# {line}".rstrip() for line in header.splitlines()] if header else []
    for index, (key, value) in enumerate(data.items()):
        if out and (blank_line_between or index == 0):
            out.append("")
        head, rest = _inline(value, "")
        out.append(f"{_key(key)}:{head}")
        out.extend(rest)
    return "\n".join(out) + "\n"
