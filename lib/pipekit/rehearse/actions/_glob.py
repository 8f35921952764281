"""The glob patterns of @actions/glob, as upload-artifact, setup-python's cache and hashFiles read them.

A rehearsal must pick exactly the files the action picks, so this follows the toolkit's code
(packages/glob/src: internal-globber.ts, internal-pattern.ts, internal-pattern-helper.ts) rather than
Python's glob: one pattern a line, ``#`` lines ignored, ``!`` excludes (a later line can include again),
relative patterns start at the working directory, ``~`` is HOME, ``.`` and ``..`` segments are refused,
a pattern also matches everything below what it names (implicit descendants), a trailing ``/`` matches
only directories, and the segment matching is minimatch's with ``dot: true`` (``*`` and ``**`` match
hidden names; hidden files are dropped afterwards when the caller asks, by their own name only).
"""

from __future__ import annotations

import dataclasses
import os
import posixpath
import re
import stat
from collections.abc import Iterator, Sequence
from pathlib import Path


class PatternError(ValueError):
    """A pattern @actions/glob refuses; the message is the toolkit's."""


NONE, DIRECTORY, FILE = 0, 1, 2
ALL = DIRECTORY | FILE


class _Globstar:
    """A ``**`` segment."""


GLOBSTAR = _Globstar()
Segment = str | re.Pattern[str] | _Globstar  # a literal name, a compiled wildcard segment, or ``**``


def _normalize(path: str) -> str:
    return re.sub(r"/+", "/", path)


def _trim_trailing(path: str) -> str:
    path = _normalize(path)
    return path[:-1] if path.endswith("/") and path != "/" else path


def _segments(path: str) -> list[str]:
    """internal-path.ts Path(...).segments: the root ``/`` first for a rooted path."""
    path = _trim_trailing(path)
    if not path.startswith("/"):
        return path.split("/")
    found: list[str] = []
    remaining, parent = path, posixpath.dirname(path)
    while parent != remaining:
        found.insert(0, posixpath.basename(remaining))
        remaining, parent = parent, posixpath.dirname(parent)
    return [remaining, *found]


def _join(segments: Sequence[str]) -> str:
    """Path(segments).toString()."""
    result = segments[0]
    skip = result.endswith("/")
    for part in segments[1:]:
        result += part if skip else "/" + part
        skip = False
    return result


def glob_escape(text: str) -> str:
    """Pattern.globEscape: a literal path as a pattern."""
    text = text.replace("\\", "\\\\")
    text = re.sub(r"(\[)(?=[^/]+\])", "[[]", text)
    return text.replace("?", "[?]").replace("*", "[*]")


def _literal(segment: str) -> str:
    """Pattern.getLiteral: the segment as a plain name, or '' when it holds a wildcard."""
    literal, i = "", 0
    while i < len(segment):
        char = segment[i]
        if char == "\\" and i + 1 < len(segment):
            literal += segment[i + 1]
            i += 2
            continue
        if char in "*?":
            return ""
        if char == "[" and i + 1 < len(segment):
            chars, closed, j = "", -1, i + 1
            while j < len(segment):
                if segment[j] == "\\" and j + 1 < len(segment):
                    chars += segment[j + 1]
                    j += 2
                    continue
                if segment[j] == "]":
                    closed = j
                    break
                chars += segment[j]
                j += 1
            if closed >= 0:
                if len(chars) > 1:
                    return ""
                if chars:
                    literal += chars
                    i = closed + 1
                    continue
        literal += char
        i += 1
    return literal


def _compile(segment: str) -> Segment:
    """One minimatch segment (nobrace, noext): ``**`` alone, or ``*``, ``?``, ``[...]`` and ``\\`` escapes."""
    if segment == "**":
        return GLOBSTAR
    regex, magic, i = "", False, 0
    while i < len(segment):
        char = segment[i]
        if char == "\\" and i + 1 < len(segment):
            regex += re.escape(segment[i + 1])
            i += 2
        elif char == "*":
            regex += "[^/]*"
            magic = True
            i += 1
        elif char == "?":
            regex += "[^/]"
            magic = True
            i += 1
        elif char == "[":
            end = _class_end(segment, i)
            if end < 0:
                regex += re.escape(char)
                i += 1
                continue
            body = segment[i + 1 : end]
            negate = body[:1] in ("!", "^")
            body = body[1:] if negate else body
            regex += "[" + ("^" if negate else "") + _class_body(body) + "]"
            magic = True
            i = end + 1
        else:
            regex += re.escape(char)
            i += 1
    if not magic:
        return _literal(segment) if "\\" in segment else segment
    return re.compile(regex, re.DOTALL)


def _class_end(segment: str, start: int) -> int:
    j = start + 1
    if j < len(segment) and segment[j] in "!^":
        j += 1
    if j < len(segment) and segment[j] == "]":
        j += 1  # a ']' first in the class is literal
    while j < len(segment):
        if segment[j] == "\\":
            j += 2
            continue
        if segment[j] == "]":
            return j
        j += 1
    return -1


def _class_body(body: str) -> str:
    out, i = "", 0
    while i < len(body):
        char = body[i]
        if char == "\\" and i + 1 < len(body):
            out += re.escape(body[i + 1])
            i += 2
            continue
        out += "-" if char == "-" and 0 < i < len(body) - 1 else re.escape(char)
        i += 1
    return out


def _segment_matches(segment: Segment, name: str, dot: bool) -> bool:
    if isinstance(segment, str):
        return segment == name
    if isinstance(segment, _Globstar):  # pragma: no cover - handled by the caller
        return True
    if name in (".", "..") or (not dot and name.startswith(".")):
        return False
    return segment.fullmatch(name) is not None


def match_one(file: Sequence[str], pattern: Sequence[Segment], *, partial: bool, dot: bool) -> bool:
    """minimatch's matchOne: `file` and `pattern` split at ``/``."""
    fi = pi = 0
    fl, pl = len(file), len(pattern)
    while fi < fl and pi < pl:
        segment, name = pattern[pi], file[fi]
        if isinstance(segment, _Globstar):
            if pi + 1 == pl:  # a trailing ** swallows the rest, hidden names only with dot
                return all(
                    part not in (".", "..") and (dot or not part.startswith(".")) for part in file[fi:]
                )
            for swallow in range(fi, fl):
                if match_one(file[swallow:], pattern[pi + 1 :], partial=partial, dot=dot):
                    return True
                swallowed = file[swallow]
                if swallowed in (".", "..") or (not dot and swallowed.startswith(".")):
                    break
            return partial
        if not _segment_matches(segment, name, dot):
            return False
        fi += 1
        pi += 1
    if fi == fl and pi == pl:
        return True
    if fi == fl:
        return partial
    return fi == fl - 1 and file[fi] == ""


def minimatch(pattern: str, name: str, *, dot: bool = False) -> bool:
    """minimatch(name, pattern) with its defaults (no ``dot``), as download-artifact filters names."""
    parts = [_compile(part) for part in pattern.split("/")]
    return match_one(re.split(r"/+", name), parts, partial=False, dot=dot)


@dataclasses.dataclass(frozen=True)
class Pattern:
    """One line of a pattern list (internal-pattern.ts)."""

    negate: bool
    segments: tuple[str, ...]  # the pattern's path segments, the root "/" first
    trailing_separator: bool  # the line ended with "/": it matches directories only
    implicit: bool  # added for implicit descendants: "<pattern>/**"
    search_path: str  # the literal path before the first wildcard segment
    parts: tuple[Segment, ...]  # the pattern as minimatch splits it

    @staticmethod
    def parse(line: str, *, cwd: Path, home: Path) -> Pattern:
        negate, text = False, line.strip()
        while text.startswith("!"):
            negate, text = not negate, text[1:].strip()
        text = _fixup(text, cwd, home)
        trailing = _normalize(text).endswith("/")
        return Pattern._make(negate, tuple(_segments(text)), trailing, implicit=False)

    @staticmethod
    def _make(negate: bool, segments: tuple[str, ...], trailing: bool, *, implicit: bool) -> Pattern:
        search: list[str] = []
        for segment in segments:
            literal = _literal(segment)
            if not literal:
                break
            search.append(literal)
        text = _trim_trailing(_join(segments))
        parts = tuple(_compile(part) for part in text.split("/"))
        return Pattern(negate, segments, trailing, implicit, _join(search), parts)

    def descendants(self) -> Pattern:
        return Pattern._make(self.negate, (*self.segments, "**"), False, implicit=True)

    def match(self, item: str) -> int:
        if self.segments[-1] == "**":
            item = _normalize(item)
            if not item.endswith("/") and not self.implicit:
                item += "/"  # minimatch matches "/a/" but not "/a" against "/a/**"
        else:
            item = _trim_trailing(item)
        if match_one(re.split(r"/+", item), self.parts, partial=False, dot=True):
            return DIRECTORY if self.trailing_separator else ALL
        return NONE

    def partial_match(self, item: str) -> bool:
        item = _trim_trailing(item)
        if posixpath.dirname(item) == item:
            return True  # the root: every rooted pattern may match below it
        return match_one(re.split(r"/+", item), self.parts, partial=True, dot=True)


def _fixup(pattern: str, cwd: Path, home: Path) -> str:
    """Pattern.fixupPattern: refuse . and .. segments, make the pattern absolute."""
    if not pattern:
        raise PatternError("pattern cannot be empty")
    literals = [_literal(segment) for segment in _segments(pattern)]
    if any((literal == "." and i > 0) or literal == ".." for i, literal in enumerate(literals)):
        raise PatternError(f"Invalid pattern '{pattern}'. Relative pathing '.' and '..' is not allowed.")
    pattern = _normalize(pattern)
    if pattern == "." or pattern.startswith("./"):
        pattern = glob_escape(str(cwd)) + pattern[1:]
    elif pattern == "~" or pattern.startswith("~/"):
        pattern = glob_escape(str(home)) + pattern[1:]
    elif not pattern.startswith("/"):
        root = glob_escape(str(cwd))
        pattern = root + ("" if root.endswith("/") else "/") + pattern
    return _normalize(pattern)


@dataclasses.dataclass(frozen=True)
class Globber:
    """The patterns of one multi-line input (DefaultGlobber)."""

    patterns: tuple[Pattern, ...]
    exclude_hidden: bool = False
    implicit_descendants: bool = True

    @staticmethod
    def create(text: str, *, cwd: Path, home: Path, exclude_hidden: bool = False) -> Globber:
        lines = (line.strip() for line in text.split("\n"))
        patterns = tuple(
            Pattern.parse(line, cwd=cwd, home=home) for line in lines if line and not line.startswith("#")
        )
        return Globber(patterns, exclude_hidden)

    def search_paths(self) -> list[str]:
        """getSearchPaths: the literal starts of the including patterns, none below another."""
        return _search_paths(self.patterns)

    def _all_patterns(self) -> list[Pattern]:
        found: list[Pattern] = []
        for pattern in self.patterns:
            found.append(pattern)
            if self.implicit_descendants and (pattern.trailing_separator or pattern.segments[-1] != "**"):
                found.append(pattern.descendants())
        return found

    def glob(self) -> Iterator[str]:
        """Matching files and directories (globGenerator), symbolic links followed, broken ones omitted."""
        patterns = self._all_patterns()
        stack = [(path, 1) for path in reversed(_search_paths(patterns)) if os.path.lexists(path)]
        chain: list[str] = []  # real paths of the directories above, to stop at a symlink cycle
        while stack:
            path, level = stack.pop()
            kind = _match(patterns, path)
            partial = bool(kind) or any(not p.negate and p.partial_match(path) for p in patterns)
            if not kind and not partial:
                continue
            info = _stat(path, level, chain)
            if info is None:
                continue
            if self.exclude_hidden and posixpath.basename(path).startswith("."):
                continue
            if stat.S_ISDIR(info.st_mode):
                if kind & DIRECTORY:
                    yield path
                elif not partial:
                    continue
                children = sorted(os.listdir(path))
                stack.extend((posixpath.join(path, child), level + 1) for child in reversed(children))
            elif kind & FILE:
                yield path


def _search_paths(patterns: Sequence[Pattern]) -> list[str]:
    including = [pattern for pattern in patterns if not pattern.negate]
    candidates = {pattern.search_path for pattern in including}
    result: list[str] = []
    for pattern in including:
        key = pattern.search_path
        if key in result:
            continue
        child, parent = key, posixpath.dirname(key)
        while parent != child:
            if parent in candidates:
                break
            child, parent = parent, posixpath.dirname(parent)
        else:
            result.append(key)
    return result


def _match(patterns: Sequence[Pattern], path: str) -> int:
    kind = NONE
    for pattern in patterns:
        if pattern.negate:
            kind &= ~pattern.match(path)
        else:
            kind |= pattern.match(path)
    return kind


def _stat(path: str, level: int, chain: list[str]) -> os.stat_result | None:
    try:
        info = os.stat(path)
    except FileNotFoundError:
        return None  # a broken symbolic link, or gone since
    if stat.S_ISDIR(info.st_mode):
        real = os.path.realpath(path)
        del chain[level - 1 :]
        if real in chain:
            return None
        chain.append(real)
    return info


def any_file(text: str, *, cwd: Path, home: Path, within: Path) -> bool:
    """Whether hashFiles(`text`) would hash anything: a matched file (not a directory) under `within`."""
    prefix = str(within).rstrip("/") + "/"
    globber = Globber.create(text, cwd=cwd, home=home)
    return any(path.startswith(prefix) and not os.path.isdir(path) for path in globber.glob())
