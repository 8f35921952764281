"""Typed data: plain YAML data converted into frozen dataclasses, and the JSON Schema of the same classes.

One description serves both: a dataclass field's type, default and `spec(...)` metadata (YAML key,
pattern, bounds, choices, help text). The design and the runner catalogue are both read this way.
Errors are DesignError naming the key path and what was expected; a reader of packaged data turns them
into DataError.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
import re
import types
import typing
from collections.abc import Callable, Iterator, Mapping, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any, Literal, TypeVar, Union, get_args, get_origin

from pipekit.errors import DesignError
from pipekit.wording import describe, did_you_mean

T = TypeVar("T")

FLOAT_FOR_STRING = "YAML reads unquoted numbers as numbers (3.10 becomes 3.1), so write it in quotes"


@dataclasses.dataclass(frozen=True, kw_only=True)
class Spec:
    """Validation metadata of one field; `expected` words `pattern` for error messages."""

    key: str | None = None  # the YAML key, when it is not the attribute name (``fail-fast``)
    doc: str = ""
    pattern: str | None = None  # for the string itself, each string item, or each string value
    expected: str | None = None
    minimum: float | None = None  # for the number itself, each number item, or each number value
    maximum: float | None = None
    exclusive_minimum: bool = False
    min_items: int | None = None
    choices: Callable[[], Sequence[str]] | None = None  # allowed strings known only from data files
    key_pattern: str | None = None  # for the keys of a mapping
    key_expected: str | None = None
    runner_label: bool = False  # holds runs-on labels: the rules check them against the catalogue
    hint: str = ""  # said after a bound is broken: why the bound is there


def spec(
    default: Any = dataclasses.MISSING,
    *,
    factory: Any = dataclasses.MISSING,
    **meta: Any,
) -> Any:
    """A dataclass field with validation metadata (see `Spec`)."""
    metadata = {"spec": Spec(**meta)}
    if factory is not dataclasses.MISSING:
        return dataclasses.field(default_factory=factory, metadata=metadata)
    return dataclasses.field(default=default, metadata=metadata)


def field_spec(field: dataclasses.Field[Any]) -> Spec:
    found = field.metadata.get("spec")
    return found if isinstance(found, Spec) else Spec()


def yaml_key(field: dataclasses.Field[Any]) -> str:
    return field_spec(field).key or field.name


def join(path: str, key: str) -> str:
    """``test.matrix`` + ``os`` -> ``test.matrix.os``; an empty path is the top level."""
    return f"{path}.{key}" if path else key


def convert(tp: Any, value: Any, path: str, base: Any = None) -> Any:
    """Convert `value` to type `tp`, or raise DesignError naming `path`.

    For a dataclass, `base` is the default instance at this position: keys the data leaves out take
    its values, so a partly written section keeps the defaults of the rest.
    """
    origin = get_origin(tp)
    if dataclasses.is_dataclass(tp) and isinstance(tp, type):
        return _convert_dataclass(tp, value, path, base)
    if tp is Any:
        return value
    if origin is Literal:
        choices = get_args(tp)
        if value not in choices or type(value) is not type(choices[0]):
            listed = ", ".join(repr(c) for c in choices)
            hint = did_you_mean(value, [str(c) for c in choices]) if isinstance(value, str) else ""
            raise DesignError(path, f"expected one of {listed}, got {describe(value)}{hint}")
        return value
    if origin in (Union, types.UnionType):
        options = get_args(tp)
        if value is None and type(None) in options:
            return None
        non_none = [o for o in options if o is not type(None)]
        if len(non_none) == 1:
            return convert(non_none[0], value, path, base)
        for option in non_none:
            try:
                return convert(option, value, path, base)
            except DesignError:
                continue
        raise DesignError(path, f"expected {type_words(tp)}, got {describe(value)}")
    if origin is tuple:
        (item_type, _ellipsis) = get_args(tp)
        if not isinstance(value, list):
            words = type_words(item_type)
            items = f"{words.removeprefix('a ')}s" if words.startswith("a ") else f"values ({words})"
            raise DesignError(path, f"expected a list of {items}, got {describe(value)}")
        return tuple(convert(item_type, item, f"{path}[{i}]") for i, item in enumerate(value))
    if origin in (Mapping, dict) or tp is dict:
        key_type, value_type = get_args(tp) or (str, Any)
        if not isinstance(value, dict):
            raise DesignError(path, f"expected a mapping, got {describe(value)}")
        result = {}
        for key, item in value.items():
            if not isinstance(key, str):
                raise DesignError(join(path, str(key)), f"keys must be strings, got {describe(key)}")
            if get_origin(key_type) is Literal and key not in get_args(key_type):
                allowed = ", ".join(get_args(key_type))
                hint = did_you_mean(key, get_args(key_type))
                raise DesignError(join(path, key), f"unknown key{hint} (allowed here: {allowed})")
            result[key] = convert(value_type, item, join(path, key))
        return types.MappingProxyType(result)
    if tp is bool:
        if not isinstance(value, bool):
            raise DesignError(path, f"expected true or false, got {describe(value)}")
        return value
    if tp is int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise DesignError(path, f"expected a whole number, got {describe(value)}")
        return value
    if tp is float:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise DesignError(path, f"expected a number, got {describe(value)}")
        if not math.isfinite(value):
            raise DesignError(path, f"expected a finite number, got {describe(value)}")
        return float(value)
    if tp is str:
        return expect_string(value, path)
    if tp is Decimal:
        return _decimal(value, path)
    if tp is dt.date:
        return _date(value, path)
    raise TypeError(f"unsupported type {tp!r} at {path}")  # a bug in the dataclasses


def expect_string(value: Any, path: str) -> str:
    """`value` if it is a string; a float gets the hint about unquoted versions."""
    if isinstance(value, float):
        raise DesignError(path, f"expected a string, got {describe(value)}; {FLOAT_FOR_STRING}")
    if not isinstance(value, str):
        raise DesignError(path, f"expected a string, got {describe(value)}")
    return value


def _decimal(value: Any, path: str) -> Decimal:
    """An exact amount: a float read from YAML is taken as written (its shortest repr), not as binary."""
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise DesignError(path, f"expected a number, got {describe(value)}")
    try:
        amount = Decimal(repr(value) if isinstance(value, float) else str(value))
    except InvalidOperation:
        raise DesignError(path, f"expected a number, got {describe(value)}") from None
    if not amount.is_finite():
        raise DesignError(path, f"expected a finite number, got {describe(value)}")
    return amount


def _date(value: Any, path: str) -> dt.date:
    """A calendar date written YYYY-MM-DD (YAML 1.2 reads it as a string)."""
    if isinstance(value, str) and re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", value):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            raise DesignError(path, f"{value!r} is not a real date") from None
    raise DesignError(path, f"expected a date YYYY-MM-DD, got {describe(value)}")


def _leaves(value: Any, path: str) -> Iterator[tuple[str, Any]]:
    """(key path, value) of the value itself, or of every item and mapping value below it."""
    if isinstance(value, tuple):
        for index, item in enumerate(value):
            yield from _leaves(item, f"{path}[{index}]")
    elif isinstance(value, Mapping):
        for key, item in value.items():
            yield from _leaves(item, join(path, key))
    elif not dataclasses.is_dataclass(value):
        yield path, value


def check_constraints(spec: Spec, value: Any, path: str) -> None:
    """The field's pattern, choices, bounds and sizes, applied to the value or to what it holds."""
    if isinstance(value, tuple | Mapping) and spec.min_items and len(value) < spec.min_items:
        raise DesignError(path, f"needs at least {spec.min_items} value(s), got none")
    if isinstance(value, Mapping) and spec.key_pattern:
        for key in value:
            if re.fullmatch(spec.key_pattern, key) is None:
                expected = spec.key_expected or f"a key matching {spec.key_pattern}"
                raise DesignError(join(path, key), f"expected {expected} as the key, got {key!r}")
    choices = tuple(spec.choices()) if spec.choices else ()
    for where, leaf in _leaves(value, path):
        if isinstance(leaf, str):
            if spec.pattern and re.fullmatch(spec.pattern, leaf) is None:
                expected = spec.expected or f"a value matching {spec.pattern}"
                raise DesignError(where, f"expected {expected}, got {describe(leaf)}")
            if choices and leaf not in choices:
                listed = ", ".join(repr(choice) for choice in choices)
                raise DesignError(
                    where, f"expected one of {listed}, got {describe(leaf)}{did_you_mean(leaf, choices)}"
                )
        elif isinstance(leaf, int | float | Decimal) and not isinstance(leaf, bool):
            low, high = spec.minimum, spec.maximum
            hint = f" ({spec.hint})" if spec.hint else ""
            too_low = low is not None and (leaf < low or (spec.exclusive_minimum and leaf == low))
            if too_low or (high is not None and leaf > high):
                words = []
                if low is not None:
                    words.append(f"{'more than' if spec.exclusive_minimum else 'at least'} {low:g}")
                if high is not None:
                    words.append(f"at most {high:g}")
                shown = f"{leaf:g}" if isinstance(leaf, float) else str(leaf)
                raise DesignError(where, f"expected {' and '.join(words)}, got {shown}{hint}")


def has_default(field: dataclasses.Field[Any]) -> bool:
    return field.default is not dataclasses.MISSING or field.default_factory is not dataclasses.MISSING


_Layout = tuple[dict[str, Any], dict[str, dataclasses.Field[Any]]]
_LAYOUTS: dict[type, _Layout] = {}


def _layout(cls: type) -> _Layout:
    """A dataclass's resolved field types and its fields by YAML key (resolving types is slow: once)."""
    if cls not in _LAYOUTS:
        _LAYOUTS[cls] = typing.get_type_hints(cls), {yaml_key(f): f for f in dataclasses.fields(cls)}
    return _LAYOUTS[cls]


def _convert_dataclass(cls: type[T], value: Any, path: str, base: Any = None) -> T:
    if value is None:
        value = {}
    if not isinstance(value, dict):
        raise DesignError(path, f"expected a mapping, got {describe(value)}")
    hints, fields = _layout(cls)
    for key in value:
        if key not in fields:
            allowed = ", ".join(fields)
            raise DesignError(
                join(path, str(key)), f"unknown key{did_you_mean(str(key), fields)} (allowed here: {allowed})"
            )
    if base is None and all(has_default(f) for f in fields.values()):
        base = cls()
    kwargs = {}
    for key, field in fields.items():
        field_base = getattr(base, field.name) if base is not None else None
        if key not in value:
            if base is not None:
                kwargs[field.name] = field_base
            elif not has_default(field):
                # e.g. a `runners.<label>: {}` entry: no default instance can fill in required keys
                raise DesignError(join(path, key), "is required here, but missing")
            continue
        field_path = join(path, key)
        converted = convert(hints[field.name], value[key], field_path, field_base)
        check_constraints(field_spec(field), converted, field_path)
        kwargs[field.name] = converted
    return cls(**kwargs)


def type_words(tp: Any) -> str:
    origin = get_origin(tp)
    if origin is Literal:
        return "one of " + ", ".join(repr(c) for c in get_args(tp))
    if origin in (Union, types.UnionType):
        return " or ".join(type_words(o) for o in get_args(tp) if o is not type(None))
    if origin is tuple:
        return "a list"
    if origin in (Mapping, dict) or (dataclasses.is_dataclass(tp)):
        return "a mapping"
    words = {bool: "true or false", int: "a whole number", float: "a number", str: "a string"}
    return words.get(tp, "a date" if tp is dt.date else "a number" if tp is Decimal else "a value")


def to_data(value: Any) -> Any:
    """A converted value as plain YAML data again: dataclasses by their YAML keys, tuples as lists."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {yaml_key(f): to_data(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, Mapping):
        return {key: to_data(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [to_data(item) for item in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


# ---------------------------------------------------------------------------------------------- JSON Schema


def _apply(spec: Spec, schema: dict[str, Any]) -> None:
    """Put a field's constraints where JSON Schema wants them: on the value, its items or its values."""
    kind = schema.get("type")
    if kind == "array":
        target = schema["items"]
    elif kind == "object" and isinstance(schema.get("additionalProperties"), dict):
        target = schema["additionalProperties"]
        if spec.key_pattern:
            schema["propertyNames"] = {"pattern": f"^(?:{spec.key_pattern})$"}
    else:
        target = schema
    if "anyOf" in target:  # an optional value: constrain its non-null form
        target = next((option for option in target["anyOf"] if option.get("type") != "null"), target)
    if target.get("type") == "object" and isinstance(target.get("additionalProperties"), dict):
        target = target["additionalProperties"]  # estimates.minutes: workflow -> job -> minutes
    if target.get("type") == "string":
        if spec.pattern:
            target["pattern"] = f"^(?:{spec.pattern})$"
        if spec.choices:
            target["enum"] = list(spec.choices())
    if target.get("type") in ("number", "integer"):
        if spec.minimum is not None:
            target["exclusiveMinimum" if spec.exclusive_minimum else "minimum"] = spec.minimum
        if spec.maximum is not None:
            target["maximum"] = spec.maximum
    if spec.min_items:
        schema["minItems" if kind == "array" else "minProperties"] = spec.min_items


def json_schema(tp: Any) -> dict[str, Any]:
    """JSON Schema (draft 2020-12) of a type built from these dataclasses."""
    origin = get_origin(tp)
    if dataclasses.is_dataclass(tp) and isinstance(tp, type):
        hints = typing.get_type_hints(tp)
        properties: dict[str, Any] = {}
        required: list[str] = []
        for field in dataclasses.fields(tp):
            prop = json_schema(hints[field.name])
            spec = field_spec(field)
            if spec.doc:
                prop["description"] = spec.doc
            _apply(spec, prop)
            properties[yaml_key(field)] = prop
            if not has_default(field):
                required.append(yaml_key(field))
        doc = (tp.__doc__ or "").strip().splitlines()
        schema: dict[str, Any] = {"type": "object", "additionalProperties": False, "properties": properties}
        if required:
            schema["required"] = required
        if doc:
            schema["description"] = doc[0]
        return schema
    if tp is Any:
        return {}
    if origin is Literal:
        return {"enum": list(get_args(tp))}
    if origin in (Union, types.UnionType):
        return {"anyOf": [json_schema(o) for o in get_args(tp)]}
    if tp is type(None):
        return {"type": "null"}
    if origin is tuple:
        return {"type": "array", "items": json_schema(get_args(tp)[0])}
    if origin in (Mapping, dict):
        key_type, value_type = get_args(tp)
        schema = {"type": "object", "additionalProperties": json_schema(value_type)}
        if get_origin(key_type) is Literal:
            schema["propertyNames"] = {"enum": list(get_args(key_type))}
        return schema
    if tp is dt.date:
        return {"type": "string", "format": "date"}
    mapping = {bool: "boolean", int: "integer", float: "number", Decimal: "number", str: "string"}
    return {"type": mapping[tp]}
