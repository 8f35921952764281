"""GitHub's expression values: kinds, truthiness, coercion, comparison, indexing and text.

Values are the plain data a workflow is read into: None, bool, int or float (GitHub has one number type, a
double), str, a Mapping (an object, whose keys GitHub compares ignoring case) and a list (an array).

The rules are those of GitHub's runner, actions/runner src/Sdk/Expressions: EvaluationResult.cs (IsFalsy,
ConvertToString, AbstractEqual, AbstractGreaterThan, AbstractLessThan, CoerceTypes, ConvertToNumber),
Sdk/ExpressionUtility.cs (ParseNumber) and Sdk/Operators/Index.cs (IndexHelper).
"""

from __future__ import annotations

import functools
import math
import re
import unicodedata
from collections.abc import Mapping
from typing import Any, Literal

Kind = Literal["null", "boolean", "number", "string", "array", "object"]

INT32_MIN = -(2**31)
INT32_MAX = 2**31 - 1
INT64_MIN = -(2**63)
INT64_MAX = 2**63 - 1

# What .NET's Double.TryParse accepts with AllowLeadingSign | AllowDecimalPoint | AllowExponent
_DECIMAL = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
_HEX = re.compile(r"0x[0-9a-fA-F]+")
_OCTAL = re.compile(r"0o[0-7]+")
# .NET Char.IsWhiteSpace: these controls plus the Unicode separators (Python's isspace adds \x1c-\x1f)
_WHITE_CONTROLS = frozenset("\t\n\v\f\r\x85\xa0")


def kind_of(value: Any) -> Kind:
    """GitHub's ValueKind of a plain value (bool before number: in Python a bool is an int)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"


def is_primitive(value: Any) -> bool:
    """Null, boolean, number or string (ExpressionUtility.IsPrimitive)."""
    return kind_of(value) not in ("array", "object")


def is_truthy(value: Any) -> bool:
    """EvaluationResult.IsFalsy, negated: null, false, 0, NaN and '' are falsy; arrays and objects never."""
    kind = kind_of(value)
    if kind == "null":
        return False
    if kind == "boolean":
        return value is True
    if kind == "number":
        number = as_float(value)
        return not (number == 0 or math.isnan(number))
    if kind == "string":
        return str(value) != ""
    return True


def as_float(number: int | float) -> float:
    """A Python number as GitHub's double; integers too large for one are infinite, as .NET parses them."""
    try:
        return float(number)
    except OverflowError:
        return math.inf if number > 0 else -math.inf


def as_number(number: float) -> int | float:
    """A double as plain data: an integral one within Int64 becomes an int (NumberExpressionData.ToJToken
    writes it without a fraction), -0 and every other double stay floats."""
    if number == 0 and math.copysign(1.0, number) < 0:
        return number  # an int would lose the sign, which "G15" shows ("-0")
    if number.is_integer() and INT64_MIN <= number <= INT64_MAX:
        return int(number)
    return number


def to_number(value: Any) -> float:
    """EvaluationResult.ConvertToNumber: null 0, booleans 1 and 0, strings parsed, arrays and objects NaN."""
    kind = kind_of(value)
    if kind == "null":
        return 0.0
    if kind == "boolean":
        return 1.0 if value else 0.0
    if kind == "number":
        return as_float(value)
    if kind == "string":
        return parse_number(value)
    return math.nan


def parse_number(text: str) -> float:
    """ExpressionUtility.ParseNumber (JavaScript's Number()): '' is 0, junk is NaN, 0x and 0o are Int32."""
    text = trim(text)
    if not text:
        return 0.0
    if _DECIMAL.fullmatch(text):
        return float(text)  # like .NET Core, a decimal beyond the double range is infinite
    if _HEX.fullmatch(text):
        return _int32(int(text[2:], 16))
    if _OCTAL.fullmatch(text):
        return _int32(int(text[2:], 8))
    if text == "Infinity":
        return math.inf
    if text == "-Infinity":
        return -math.inf
    return math.nan


def _int32(unsigned: int) -> float:
    # Int32.TryParse(AllowHexSpecifier) and Convert.ToInt32(text, 8) read 32 bits as two's complement and
    # fail beyond them (ParseNumber then gives NaN)
    if unsigned > 0xFFFFFFFF:
        return math.nan
    return float(unsigned - 2**32 if unsigned > INT32_MAX else unsigned)


def int32_literal(text: str, base: int) -> int | None:
    """A YAML hex (base 16) or octal (base 8) integer as GitHub reads it, an Int32; None beyond 32 bits."""
    number = _int32(int(text, base))
    return None if math.isnan(number) else int(number)


def number_text(number: int | float) -> str:
    """A number as GitHub writes it with .NET's "G15": 3.0 is "3", 1e20 is "1E+20", -0 is "-0"."""
    value = as_float(number)
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "Infinity" if value > 0 else "-Infinity"
    mantissa, _, exponent = format(value, ".15g").partition("e")
    return f"{mantissa}E{exponent}" if exponent else mantissa


def to_text(value: Any) -> str:
    """EvaluationResult.ConvertToString: null is '', booleans 'true'/'false', numbers "G15" (any zero '0'),
    arrays 'Array' and objects 'Object'."""
    kind = kind_of(value)
    if kind == "null":
        return ""
    if kind == "boolean":
        return "true" if value else "false"
    if kind == "number":
        return "0" if as_float(value) == 0 else number_text(value)
    if kind == "string":
        return str(value)
    return "Array" if kind == "array" else "Object"


# --- comparison: JavaScript-like coercion, strings compared ignoring case ---


def loose_equal(left: Any, right: Any) -> bool:
    """EvaluationResult.AbstractEqual: ``==`` after CoerceTypes; arrays and objects equal only themselves."""
    if type(left) is str and type(right) is str:  # the common case, first
        return left == right or fold_case(left) == fold_case(right)
    kind, left, right = _coerce(left, right)
    if kind == "null":
        return True
    if kind == "number":
        return not (math.isnan(left) or math.isnan(right)) and left == right
    if kind == "string":
        return fold_case(left) == fold_case(right)
    if kind == "boolean":
        return bool(left == right)
    if kind in ("array", "object"):
        return left is right
    return False  # different kinds after coercion


def greater_than(left: Any, right: Any) -> bool:
    """EvaluationResult.AbstractGreaterThan."""
    kind, left, right = _coerce(left, right)
    if kind == "number":
        return not (math.isnan(left) or math.isnan(right)) and left > right
    if kind == "string":
        return _utf16(fold_case(left)) > _utf16(fold_case(right))
    if kind == "boolean":
        return bool(left and not right)
    return False


def less_than(left: Any, right: Any) -> bool:
    """EvaluationResult.AbstractLessThan."""
    kind, left, right = _coerce(left, right)
    if kind == "number":
        return not (math.isnan(left) or math.isnan(right)) and left < right
    if kind == "string":
        return _utf16(fold_case(left)) < _utf16(fold_case(right))
    if kind == "boolean":
        return bool(not left and right)
    return False


def _coerce(left: Any, right: Any) -> tuple[Kind | None, Any, Any]:
    """EvaluationResult.CoerceTypes: the common kind and both values, or None when the kinds still differ."""
    left_kind, right_kind = kind_of(left), kind_of(right)
    while left_kind != right_kind:
        if left_kind == "number" and right_kind == "string":
            right, right_kind = to_number(right), "number"
        elif (left_kind == "string" and right_kind == "number") or left_kind in ("boolean", "null"):
            left, left_kind = to_number(left), "number"
        elif right_kind in ("boolean", "null"):
            right, right_kind = to_number(right), "number"
        else:
            return None, left, right
    if left_kind == "number":
        return "number", as_float(left), as_float(right)
    return left_kind, left, right


@functools.lru_cache(maxsize=1024)  # matrix filters compare the same few values many times
def fold_case(text: str) -> str:
    """`text` for .NET's OrdinalIgnoreCase: each character upper-cased alone ('ß' never becomes 'SS')."""
    return "".join(upper if len(upper := char.upper()) == 1 else char for char in text)


def equal_ignoring_case(left: str, right: str) -> bool:
    """String.Equals(left, right, StringComparison.OrdinalIgnoreCase)."""
    return len(left) == len(right) and fold_case(left) == fold_case(right)


def _utf16(text: str) -> bytes:
    # .NET compares strings by UTF-16 code units: big-endian bytes order the same way
    return text.encode("utf-16-be", "surrogatepass")


# --- objects and arrays ---


def find_key(mapping: Mapping[Any, Any], name: str) -> Any:
    """The key of `mapping` equal to `name` ignoring case (GitHub's dictionaries ignore case), or None."""
    if name in mapping:
        return name
    for key in mapping:
        if isinstance(key, str) and equal_ignoring_case(key, name):
            return key
    return None


def index_value(container: Any, index: Any) -> Any:
    """``container[index]`` (Index.cs): objects by the index's text, arrays by its number rounded down."""
    if isinstance(container, Mapping):
        if not is_primitive(index):
            return None
        key = find_key(container, to_text(index))
        return None if key is None else container[key]
    if isinstance(container, list):
        position = array_position(index, len(container))
        return None if position is None else container[position]
    return None


def array_position(index: Any, length: int) -> int | None:
    """Index.cs IndexHelper.IntegerIndex: `index` as a number rounded down, if an array of `length` has it."""
    number = to_number(index)
    if math.isnan(number) or number < 0 or math.floor(number) > INT32_MAX:
        return None
    position = math.floor(number)
    return position if position < length else None


# --- text ---


def is_white_space(char: str) -> bool:
    """.NET's Char.IsWhiteSpace, which the expression lexer and String.Trim use."""
    return char in _WHITE_CONTROLS or unicodedata.category(char) in ("Zs", "Zl", "Zp")


def trim(text: str) -> str:
    """.NET's String.Trim()."""
    start, end = 0, len(text)
    while start < end and is_white_space(text[start]):
        start += 1
    while end > start and is_white_space(text[end - 1]):
        end -= 1
    return text[start:end]
