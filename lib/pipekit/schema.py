"""Typed conversion of plain YAML data into frozen dataclasses, and the JSON Schema of the same classes.

One description serves both: a dataclass field's type, default and `spec(...)` metadata (YAML key,
pattern, bounds, help text). Errors name the key path and what was expected.
"""

from __future__ import annotations

import dataclasses
import difflib
import math
import re
import types
import typing
from collections.abc import Mapping
from typing import Any, Literal, TypeVar, Union, get_args, get_origin

from pipekit.errors import DesignError

T = TypeVar("T")


def spec(
    default: Any = dataclasses.MISSING,
    *,
    key: str | None = None,
    doc: str = "",
    pattern: str | None = None,
    expected: str | None = None,
    minimum: float | None = None,
    maximum: float | None = None,
    exclusive_minimum: bool = False,
    min_items: int | None = None,
    factory: Any = dataclasses.MISSING,
) -> Any:
    """A dataclass field with validation metadata; `expected` words the pattern for error messages."""
    meta = {
        "key": key,
        "doc": doc,
        "pattern": pattern,
        "expected": expected,
        "minimum": minimum,
        "maximum": maximum,
        "exclusive_minimum": exclusive_minimum,
        "min_items": min_items,
    }
    if factory is not dataclasses.MISSING:
        return dataclasses.field(default_factory=factory, metadata=meta)
    return dataclasses.field(default=default, metadata=meta)


def yaml_key(field: dataclasses.Field[Any]) -> str:
    return field.metadata.get("key") or field.name


def _describe(value: Any) -> str:
    if value is None:
        return "nothing (null)"
    if isinstance(value, bool):
        return f"the boolean {str(value).lower()}"
    if isinstance(value, int | float):
        return f"the number {value!r}"
    if isinstance(value, str):
        shown = value if len(value) <= 40 else value[:37] + "..."
        return f"the string {shown!r}"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return type(value).__name__


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def did_you_mean(name: str, choices: typing.Iterable[str]) -> str:
    close = difflib.get_close_matches(name, list(choices), n=1, cutoff=0.6)
    return f"; did you mean {close[0]!r}?" if close else ""


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
            hint = did_you_mean(str(value), [str(c) for c in choices]) if isinstance(value, str) else ""
            raise DesignError(path, f"expected one of {listed}, got {_describe(value)}{hint}")
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
        raise DesignError(path, f"expected {_type_words(tp)}, got {_describe(value)}")
    if origin is tuple:
        (item_type, _ellipsis) = get_args(tp)
        if not isinstance(value, list):
            words = _type_words(item_type)
            items = f"{words.removeprefix('a ')}s" if words.startswith("a ") else f"values ({words})"
            raise DesignError(path, f"expected a list of {items}, got {_describe(value)}")
        return tuple(convert(item_type, item, f"{path}[{i}]") for i, item in enumerate(value))
    if origin in (Mapping, dict) or tp is dict:
        key_type, value_type = get_args(tp) or (str, Any)
        if not isinstance(value, dict):
            raise DesignError(path, f"expected a mapping, got {_describe(value)}")
        result = {}
        for key, item in value.items():
            if not isinstance(key, str):
                raise DesignError(_join(path, str(key)), f"keys must be strings, got {_describe(key)}")
            if get_origin(key_type) is Literal and key not in get_args(key_type):
                allowed = ", ".join(get_args(key_type))
                hint = did_you_mean(key, get_args(key_type))
                raise DesignError(_join(path, key), f"unknown key{hint} (allowed here: {allowed})")
            result[key] = convert(value_type, item, _join(path, key))
        return types.MappingProxyType(result)
    if tp is bool:
        if not isinstance(value, bool):
            raise DesignError(path, f"expected true or false, got {_describe(value)}")
        return value
    if tp is int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise DesignError(path, f"expected a whole number, got {_describe(value)}")
        return value
    if tp is float:
        if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
            raise DesignError(path, f"expected a number, got {_describe(value)}")
        return float(value)
    if tp is str:
        if isinstance(value, float):
            raise DesignError(
                path,
                f"expected a string, got {_describe(value)}; YAML reads unquoted numbers as numbers "
                f"(3.10 becomes 3.1), so write it in quotes",
            )
        if not isinstance(value, str):
            raise DesignError(path, f"expected a string, got {_describe(value)}")
        return value
    raise TypeError(f"unsupported type {tp!r} at {path}")  # a bug in the design classes


def _check_constraints(field: dataclasses.Field[Any], value: Any, path: str) -> None:
    meta = field.metadata
    if isinstance(value, str) and meta.get("pattern") and not re.fullmatch(meta["pattern"], value):
        expected = meta.get("expected") or f"a value matching {meta['pattern']}"
        raise DesignError(path, f"expected {expected}, got {_describe(value)}")
    if isinstance(value, tuple | Mapping) and meta.get("min_items") and len(value) < meta["min_items"]:
        raise DesignError(path, f"needs at least {meta['min_items']} value(s), got none")
    if isinstance(value, tuple) and meta.get("pattern"):
        for i, item in enumerate(value):
            if isinstance(item, str) and not re.fullmatch(meta["pattern"], item):
                expected = meta.get("expected") or f"values matching {meta['pattern']}"
                raise DesignError(f"{path}[{i}]", f"expected {expected}, got {_describe(item)}")
    if isinstance(value, int | float) and not isinstance(value, bool):
        low, high = meta.get("minimum"), meta.get("maximum")
        if low is not None and (value < low or (meta.get("exclusive_minimum") and value == low)):
            word = "more than" if meta.get("exclusive_minimum") else "at least"
            raise DesignError(path, f"expected {word} {low:g}, got {value:g}")
        if high is not None and value > high:
            raise DesignError(path, f"expected at most {high:g}, got {value:g}")


def _convert_dataclass(cls: type[T], value: Any, path: str, base: Any = None) -> T:
    if value is None:
        value = {}
    if not isinstance(value, dict):
        raise DesignError(path, f"expected a mapping, got {_describe(value)}")
    hints = typing.get_type_hints(cls)
    fields = {yaml_key(f): f for f in dataclasses.fields(cls)}  # type: ignore[arg-type]
    for key in value:
        if key not in fields:
            allowed = ", ".join(fields)
            hint = did_you_mean(str(key), fields)
            raise DesignError(_join(path, str(key)), f"unknown key{hint} (allowed here: {allowed})")
    if base is None and all(
        f.default is not dataclasses.MISSING or f.default_factory is not dataclasses.MISSING
        for f in fields.values()
    ):
        base = cls()
    kwargs = {}
    for key, field in fields.items():
        field_base = getattr(base, field.name) if base is not None else None
        if key not in value:
            if base is not None:
                kwargs[field.name] = field_base
            elif field.default is dataclasses.MISSING and field.default_factory is dataclasses.MISSING:
                # e.g. a `runners.<label>: {}` entry: no default instance can fill in required keys
                raise DesignError(_join(path, key), "is required here, but missing")
            continue
        field_path = _join(path, key)
        converted = convert(hints[field.name], value[key], field_path, field_base)
        _check_constraints(field, converted, field_path)
        kwargs[field.name] = converted
    return cls(**kwargs)


def _type_words(tp: Any) -> str:
    origin = get_origin(tp)
    if origin is Literal:
        return "one of " + ", ".join(repr(c) for c in get_args(tp))
    if origin in (Union, types.UnionType):
        return " or ".join(_type_words(o) for o in get_args(tp) if o is not type(None))
    if origin is tuple:
        return "a list"
    if origin in (Mapping, dict) or (dataclasses.is_dataclass(tp)):
        return "a mapping"
    return {bool: "true or false", int: "a whole number", float: "a number", str: "a string"}.get(
        tp, "a value"
    )


# ---------------------------------------------------------------------------------------------- JSON Schema


def json_schema(tp: Any) -> dict[str, Any]:
    """JSON Schema (draft 2020-12) of a type built from these dataclasses."""
    origin = get_origin(tp)
    if dataclasses.is_dataclass(tp) and isinstance(tp, type):
        hints = typing.get_type_hints(tp)
        properties: dict[str, Any] = {}
        for field in dataclasses.fields(tp):
            prop = json_schema(hints[field.name])
            meta = field.metadata
            if meta.get("doc"):
                prop["description"] = meta["doc"]
            if meta.get("pattern"):
                target = prop if prop.get("type") == "string" else prop.get("items", {})
                if target.get("type") == "string":
                    target["pattern"] = f"^(?:{meta['pattern']})$"
            if meta.get("minimum") is not None:
                prop["exclusiveMinimum" if meta.get("exclusive_minimum") else "minimum"] = meta["minimum"]
            if meta.get("maximum") is not None:
                prop["maximum"] = meta["maximum"]
            if meta.get("min_items"):
                prop["minItems" if prop.get("type") == "array" else "minProperties"] = meta["min_items"]
            properties[yaml_key(field)] = prop
        doc = (tp.__doc__ or "").strip().splitlines()
        schema: dict[str, Any] = {"type": "object", "additionalProperties": False, "properties": properties}
        if doc:
            schema["description"] = doc[0]
        return schema
    if tp is Any:
        return {}
    if origin is Literal:
        return {"enum": list(get_args(tp))}
    if origin in (Union, types.UnionType):
        options = [json_schema(o) for o in get_args(tp)]
        return {"anyOf": options}
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
    mapping = {bool: "boolean", int: "integer", float: "number", str: "string"}
    return {"type": mapping[tp]}
