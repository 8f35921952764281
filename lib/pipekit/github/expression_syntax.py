"""GitHub's expression syntax: the text inside ``${{ }}`` read into a tree.

A port of GitHub's runner, actions/runner src/Sdk/Expressions: Tokens/LexicalAnalyzer.cs (tokens, and which
token may follow which), Tokens/Token.cs (precedence: ``.`` and ``[`` 19, ``!`` 16, ``<`` ``<=`` ``>`` ``>=``
11, ``==`` ``!=`` 10, ``&&`` 6, ``||`` 5) and ExpressionParser.cs (an operator-precedence parser, the
``&&``/``||`` flattening, function parameter counts, the depth and length limits). Error messages are
GitHub's ParseException messages.
"""

from __future__ import annotations

import enum
from collections.abc import Collection, Iterator
from dataclasses import dataclass, field
from typing import Any

from pipekit.errors import InputFileError
from pipekit.github.values import is_white_space, parse_number

MAX_DEPTH = 50  # ExpressionConstants.MaxDepth
MAX_LENGTH = 21000  # ExpressionConstants.MaxLength, in UTF-16 code units

# ExpressionConstants: the functions every expression may call, with their fewest and most parameters
FUNCTIONS: dict[str, tuple[int, int]] = {
    "case": (3, 255),
    "contains": (2, 2),
    "endswith": (2, 2),
    "format": (1, 255),
    "join": (1, 2),
    "startswith": (2, 2),
    "tojson": (1, 1),
    "fromjson": (1, 1),
}


# --- the tree ---


@dataclass(eq=False)
class Literal:
    """null, true, false, a number, a 'string', or the name after a ``.``."""

    value: Any


@dataclass(eq=False)
class ContextReference:
    """A named value such as ``matrix`` or ``github``; `name` in lower case (names ignore case)."""

    name: str


@dataclass(eq=False)
class Wildcard:
    """``*`` in ``a.*`` or ``a[*]``: every item of an object or array."""


@dataclass(eq=False)
class Index:
    """``target.name`` or ``target[index]``."""

    target: Node
    index: Node


@dataclass(eq=False)
class Not:
    """``!operand``: true when the operand is falsy."""

    operand: Node


@dataclass(eq=False)
class Comparison:
    """``left <operator> right`` for == != < <= > >=."""

    operator: str
    left: Node
    right: Node


@dataclass(eq=False)
class And:
    """``a && b && ...``: the first falsy operand, else the last."""

    operands: list[Node]


@dataclass(eq=False)
class Or:
    """``a || b || ...``: the first truthy operand, else the last."""

    operands: list[Node]


@dataclass(eq=False)
class Call:
    """``name(arguments...)``, one of FUNCTIONS."""

    name: str  # lower case: function names ignore case
    arguments: list[Node] = field(default_factory=list)


Node = Literal | ContextReference | Wildcard | Index | Not | Comparison | And | Or | Call


def parse(expression: str, contexts: Collection[str]) -> Node:
    """The tree of `expression` (the text between ``${{`` and ``}}``), which may read the named values in
    `contexts` (lower case). Raises InputFileError with GitHub's message for what GitHub refuses to parse."""
    return _Parser(expression, frozenset(contexts)).parse()


# --- tokens (LexicalAnalyzer.cs) ---


class _Kind(enum.Enum):
    START_GROUP = "("
    START_INDEX = "["
    START_PARAMETERS = "( of a call"
    END_GROUP = ")"
    END_INDEX = "]"
    END_PARAMETERS = ") of a call"
    SEPARATOR = ","
    DEREFERENCE = "."
    WILDCARD = "*"
    OPERATOR = "operator"
    NULL = "null"
    BOOLEAN = "boolean"
    NUMBER = "number"
    STRING = "string"
    PROPERTY_NAME = "property name"
    FUNCTION = "function"
    NAMED_VALUE = "named value"
    UNEXPECTED = "unexpected"


_OPERATOR_KINDS = frozenset(
    {
        _Kind.START_GROUP,
        _Kind.START_INDEX,
        _Kind.START_PARAMETERS,
        _Kind.END_GROUP,
        _Kind.END_INDEX,
        _Kind.END_PARAMETERS,
        _Kind.SEPARATOR,
        _Kind.DEREFERENCE,
        _Kind.OPERATOR,
    }
)
# the tokens a value may follow, and those after which a property, index or call may come
_BEFORE_VALUE: frozenset[_Kind | None] = frozenset(
    {None, _Kind.SEPARATOR, _Kind.START_GROUP, _Kind.START_PARAMETERS, _Kind.START_INDEX, _Kind.OPERATOR}
)
_AFTER_REFERENCE: frozenset[_Kind | None] = frozenset(
    {
        _Kind.END_GROUP,
        _Kind.END_PARAMETERS,
        _Kind.END_INDEX,
        _Kind.WILDCARD,
        _Kind.PROPERTY_NAME,
        _Kind.NAMED_VALUE,
    }
)
_AFTER_VALUE = _AFTER_REFERENCE | {_Kind.NULL, _Kind.BOOLEAN, _Kind.NUMBER, _Kind.STRING}
_MAY_FOLLOW: dict[_Kind, frozenset[_Kind | None]] = {
    _Kind.START_GROUP: _BEFORE_VALUE,
    _Kind.START_INDEX: _AFTER_REFERENCE,
    _Kind.START_PARAMETERS: frozenset({_Kind.FUNCTION}),
    _Kind.END_GROUP: _AFTER_VALUE,
    _Kind.END_INDEX: _AFTER_VALUE,
    _Kind.END_PARAMETERS: _AFTER_VALUE | {_Kind.START_PARAMETERS},
    _Kind.SEPARATOR: _AFTER_VALUE,
    _Kind.DEREFERENCE: _AFTER_REFERENCE,
    _Kind.WILDCARD: frozenset({_Kind.START_INDEX, _Kind.DEREFERENCE}),
    _Kind.NULL: _BEFORE_VALUE,
    _Kind.BOOLEAN: _BEFORE_VALUE,
    _Kind.NUMBER: _BEFORE_VALUE,
    _Kind.STRING: _BEFORE_VALUE,
    _Kind.PROPERTY_NAME: frozenset({_Kind.DEREFERENCE}),
    _Kind.FUNCTION: _BEFORE_VALUE,
    _Kind.NAMED_VALUE: _BEFORE_VALUE,
}
_TWO_CHARACTER_OPERATORS = frozenset({"!=", ">=", "<=", "==", "&&", "||"})
_PRECEDENCE = {"!": 16, ">": 11, ">=": 11, "<": 11, "<=": 11, "==": 10, "!=": 10, "&&": 6, "||": 5}
_BOUNDARIES = frozenset("([)],.!><=&|")


@dataclass(frozen=True)
class _Token:
    kind: _Kind
    raw: str
    index: int  # where it starts in the expression
    value: Any = None

    @property
    def is_operator(self) -> bool:
        return self.kind in _OPERATOR_KINDS

    @property
    def precedence(self) -> int:
        if self.kind == _Kind.START_GROUP:
            return 20
        if self.kind in (_Kind.START_INDEX, _Kind.START_PARAMETERS, _Kind.DEREFERENCE):
            return 19
        if self.kind == _Kind.OPERATOR:
            return _PRECEDENCE[self.raw]
        if self.kind in (_Kind.END_GROUP, _Kind.END_INDEX, _Kind.END_PARAMETERS, _Kind.SEPARATOR):
            return 1
        return 0

    @property
    def left_to_right(self) -> bool:
        # "(" has no associativity and "!" binds right to left; every other operator left to right
        return self.is_operator and self.kind != _Kind.START_GROUP and self.raw != "!"


def _is_boundary(char: str) -> bool:
    return char in _BOUNDARIES or is_white_space(char)


def _is_legal_keyword(text: str) -> bool:
    """ExpressionUtility.IsLegalKeyword: an ASCII letter or '_', then letters, digits, '_' or '-'."""
    if not text or not (text[0].isascii() and (text[0].isalpha() or text[0] == "_")):
        return False
    return all(char.isascii() and (char.isalnum() or char in "_-") for char in text[1:])


class _Lexer:
    def __init__(self, expression: str) -> None:
        self._text = expression
        self._index = 0
        self._last: _Token | None = None
        self.unclosed: list[_Token] = []  # "(", "[" and "(" of a call not closed yet, innermost last

    def tokens(self) -> Iterator[_Token]:
        while (token := self._next()) is not None:
            self._last = token
            yield token

    def _next(self) -> _Token | None:
        text = self._text
        while self._index < len(text) and is_white_space(text[self._index]):
            self._index += 1
        if self._index >= len(text):
            return None
        start, char = self._index, text[self._index]
        last_kind = self._last.kind if self._last else None
        punctuation = {
            "[": _Kind.START_INDEX,
            "]": _Kind.END_INDEX,
            ",": _Kind.SEPARATOR,
            "*": _Kind.WILDCARD,
        }
        if char in punctuation or char in "()":
            self._index += 1
            if char == "(":
                kind = _Kind.START_PARAMETERS if last_kind == _Kind.FUNCTION else _Kind.START_GROUP
            elif char == ")":
                in_call = self.unclosed and self.unclosed[-1].kind == _Kind.START_PARAMETERS
                kind = _Kind.END_PARAMETERS if in_call else _Kind.END_GROUP
            else:
                kind = punctuation[char]
            return self._create(kind, char, start)
        if char == "'":
            return self._read_string()
        if char in "!><=&|":
            return self._read_operator()
        if char == ".":
            if last_kind in _BEFORE_VALUE:
                return self._read_number()  # ".5"
            self._index += 1
            return self._create(_Kind.DEREFERENCE, char, start)
        if char in "-+" or "0" <= char <= "9":
            return self._read_number()
        return self._read_keyword()

    def _read_number(self) -> _Token:
        start = self._index
        self._index += 1
        while self._index < len(self._text) and (
            not _is_boundary(self._text[self._index]) or self._text[self._index] == "."
        ):
            self._index += 1
        raw = self._text[start : self._index]
        number = parse_number(raw)
        if number != number:  # NaN: not a number after all
            return self._create(_Kind.UNEXPECTED, raw, start)
        return self._create(_Kind.NUMBER, raw, start, number)

    def _read_keyword(self) -> _Token:
        start = self._index
        self._index += 1
        while self._index < len(self._text) and not _is_boundary(self._text[self._index]):
            self._index += 1
        raw = self._text[start : self._index]
        if not _is_legal_keyword(raw):
            return self._create(_Kind.UNEXPECTED, raw, start)
        if self._last is not None and self._last.kind == _Kind.DEREFERENCE:
            return self._create(_Kind.PROPERTY_NAME, raw, start)
        literals: dict[str, tuple[_Kind, Any]] = {
            "null": (_Kind.NULL, None),
            "true": (_Kind.BOOLEAN, True),
            "false": (_Kind.BOOLEAN, False),
            "NaN": (_Kind.NUMBER, float("nan")),
            "Infinity": (_Kind.NUMBER, float("inf")),
        }
        if raw in literals:  # case-sensitive: TRUE is a named value
            kind, value = literals[raw]
            return self._create(kind, raw, start, value)
        ahead = self._index
        while ahead < len(self._text) and is_white_space(self._text[ahead]):
            ahead += 1
        is_call = ahead < len(self._text) and self._text[ahead] == "("
        return self._create(_Kind.FUNCTION if is_call else _Kind.NAMED_VALUE, raw, start)

    def _read_string(self) -> _Token:
        start, closed, chars = self._index, False, []
        self._index += 1
        while self._index < len(self._text):
            char = self._text[self._index]
            self._index += 1
            if char == "'":
                if self._index >= len(self._text) or self._text[self._index] != "'":
                    closed = True
                    break
                self._index += 1  # '' is one quote
            chars.append(char)
        raw = self._text[start : self._index]
        if not closed:
            return self._create(_Kind.UNEXPECTED, raw, start)
        return self._create(_Kind.STRING, raw, start, "".join(chars))

    def _read_operator(self) -> _Token:
        start = self._index
        pair = self._text[start : start + 2]
        if pair in _TWO_CHARACTER_OPERATORS:
            self._index += 2
            return self._create(_Kind.OPERATOR, pair, start)
        self._index += 1
        if self._text[start] in "!><":
            return self._create(_Kind.OPERATOR, self._text[start], start)
        while self._index < len(self._text) and not _is_boundary(self._text[self._index]):
            self._index += 1
        return self._create(_Kind.UNEXPECTED, self._text[start : self._index], start)

    def _create(self, kind: _Kind, raw: str, index: int, value: Any = None) -> _Token:
        unexpected = _Token(_Kind.UNEXPECTED, raw, index)
        if kind == _Kind.UNEXPECTED:
            return unexpected
        may_follow = _MAY_FOLLOW.get(kind)
        if kind == _Kind.OPERATOR:
            may_follow = _BEFORE_VALUE if raw == "!" else _AFTER_VALUE
        if may_follow is None or (self._last.kind if self._last else None) not in may_follow:
            return unexpected
        token = _Token(kind, raw, index, value)
        innermost = self.unclosed[-1].kind if self.unclosed else None
        if kind in (_Kind.START_GROUP, _Kind.START_INDEX, _Kind.START_PARAMETERS):
            self.unclosed.append(token)
        elif kind in (_Kind.END_GROUP, _Kind.END_INDEX, _Kind.END_PARAMETERS):
            opener = {
                _Kind.END_GROUP: _Kind.START_GROUP,
                _Kind.END_INDEX: _Kind.START_INDEX,
                _Kind.END_PARAMETERS: _Kind.START_PARAMETERS,
            }[kind]
            if innermost != opener:
                return unexpected
            self.unclosed.pop()
        elif kind == _Kind.SEPARATOR and innermost != _Kind.START_PARAMETERS:
            return unexpected
        return token


# --- the parser (ExpressionParser.cs) ---


class _Parser:
    def __init__(self, expression: str, contexts: frozenset[str]) -> None:
        self._expression = expression
        self._contexts = contexts
        self._operands: list[Node] = []
        self._operators: list[_Token] = []
        self._last: _Token | None = None  # the token before the one being pushed

    def parse(self) -> Node:
        if _utf16_length(self._expression) > MAX_LENGTH:
            raise InputFileError(f"Exceeded max expression length {MAX_LENGTH}")
        lexer = _Lexer(self._expression)
        for token in lexer.tokens():
            if token.kind == _Kind.UNEXPECTED:
                raise self._error("Unexpected symbol", token)
            if token.is_operator:
                self._push_operator(token)
            else:
                self._push_operand(token)
            self._last = token
        last = self._last
        if last is None:
            raise InputFileError("An expression was expected")
        if self._operators:
            if last.kind == _Kind.FUNCTION:
                ends_early = True
            elif last.kind in (_Kind.END_GROUP, _Kind.END_INDEX, _Kind.END_PARAMETERS):
                ends_early = False
            else:
                ends_early = last.is_operator
            if ends_early or lexer.unclosed:
                raise self._error("Unexpected end of expression", last)
        while self._operators:
            self._flush_top()
        (root,) = self._operands
        _check_depth(root)
        return root

    def _error(self, description: str, token: _Token) -> InputFileError:
        position = _utf16_length(self._expression[: token.index]) + 1
        where = f"Located at position {position} within expression: {self._expression}"
        return InputFileError(f"{description}: '{token.raw}'. {where}")

    def _push_operand(self, token: _Token) -> None:
        node: Node
        if token.kind == _Kind.FUNCTION:
            if token.raw.lower() not in FUNCTIONS:
                raise self._error("Unrecognized function", token)
            node = Call(token.raw.lower())
        elif token.kind == _Kind.NAMED_VALUE:
            if token.raw.lower() not in self._contexts:
                raise self._error("Unrecognized named-value", token)
            node = ContextReference(token.raw.lower())
        elif token.kind == _Kind.WILDCARD:
            node = Wildcard()
        elif token.kind == _Kind.PROPERTY_NAME:
            node = Literal(token.raw)
        else:
            node = Literal(token.value)
        self._operands.append(node)

    def _push_operator(self, token: _Token) -> None:
        if token.left_to_right:
            # flush what binds at least as tightly, down to the innermost "(", "[", call or ","
            while self._operators:
                top = self._operators[-1]
                stops = (_Kind.START_GROUP, _Kind.START_INDEX, _Kind.START_PARAMETERS, _Kind.SEPARATOR)
                if token.precedence <= top.precedence and top.kind not in stops:
                    self._flush_top()
                    continue
                break
        self._operators.append(token)
        if token.kind in (_Kind.END_GROUP, _Kind.END_INDEX, _Kind.END_PARAMETERS):
            self._flush_top()

    def _flush_top(self) -> None:
        top = self._operators[-1]
        if top.kind == _Kind.END_GROUP:
            self._operators[-2:] = []  # ")" and its "(": grouping makes no node
            return
        if top.kind == _Kind.END_INDEX:
            self._operators[-2:] = []
            target, index = self._pop_operands(2)
            self._operands.append(Index(target, index))
            return
        if top.kind == _Kind.END_PARAMETERS:
            self._flush_call()
            return
        operator = self._operators.pop()
        if operator.kind == _Kind.DEREFERENCE:
            target, name = self._pop_operands(2)
            self._operands.append(Index(target, name))
        elif operator.raw == "!":
            (operand,) = self._pop_operands(1)
            self._operands.append(Not(operand))
        elif operator.raw in ("&&", "||"):
            kind = And if operator.raw == "&&" else Or
            operands: list[Node] = []
            for operand in self._pop_operands(2):
                # nested && in && (or || in ||) become one node, as GitHub's parser flattens them
                operands.extend(operand.operands if isinstance(operand, kind) else [operand])
            self._operands.append(kind(operands))
        else:
            left, right = self._pop_operands(2)
            self._operands.append(Comparison(operator.raw, left, right))

    def _flush_call(self) -> None:
        self._operators.pop()  # ")"
        arguments: list[Node] = []
        if self._last is None or self._last.kind != _Kind.START_PARAMETERS:
            count = 1
            while self._operators[-1].kind == _Kind.SEPARATOR:
                count += 1
                self._operators.pop()
            arguments = self._pop_operands(count)
        call = self._operands[-1]
        opening = self._operators.pop()  # "(" of the call
        assert isinstance(call, Call)
        call.arguments.extend(arguments)
        fewest, most = FUNCTIONS[call.name]
        if len(call.arguments) < fewest:
            raise self._error("Too few parameters supplied", opening)
        if len(call.arguments) > most:
            raise self._error("Too many parameters supplied", opening)
        if call.name == "case" and len(call.arguments) % 2 == 0:
            raise self._error(
                "Even number of parameters supplied, requires an odd number of parameters", opening
            )

    def _pop_operands(self, count: int) -> list[Node]:
        popped = self._operands[len(self._operands) - count :]
        del self._operands[len(self._operands) - count :]
        return popped


def _check_depth(root: Node) -> None:
    """ExpressionParser.CheckMaxDepth: no node deeper than MAX_DEPTH (the root is at depth 1)."""
    level: list[Node] = [root]
    depth = 1
    while level:
        if depth > MAX_DEPTH:
            raise InputFileError(f"Exceeded max expression depth {MAX_DEPTH}")
        level = [child for node in level for child in _children(node)]
        depth += 1


def _children(node: Node) -> list[Node]:
    if isinstance(node, Index):
        return [node.target, node.index]
    if isinstance(node, Not):
        return [node.operand]
    if isinstance(node, Comparison):
        return [node.left, node.right]
    if isinstance(node, And | Or):
        return node.operands
    if isinstance(node, Call):
        return node.arguments
    return []


def _utf16_length(text: str) -> int:
    # .NET measures strings in UTF-16 code units
    return len(text.encode("utf-16-le", "surrogatepass")) // 2
