"""The project specs items are checked against, compiled once per project: the checks themselves, codes and
messages are toloka_contract.fields', which the upload layer's client-side checks use too."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from toloka_contract.fields import Check, FieldSpecs, compile_field

from toloka_emulator.config import FieldSpec, ProjectConfig

_SPEC_BOUNDS = ("min_length", "max_length", "allowed_values", "min_value", "max_value", "min_size", "max_size")


def field_spec_json(spec: FieldSpec) -> dict[str, Any]:
    """One field spec in the API's (and toloka-kit's) form: `{type, required, hidden, <bounds that are set>}`."""
    body: dict[str, Any] = {"type": spec.type, "required": spec.required, "hidden": spec.hidden}
    for key in _SPEC_BOUNDS:
        value = getattr(spec, key)
        if value is not None:
            body[key] = list(value) if key == "allowed_values" else value
    return body


def spec_json(spec: dict[str, FieldSpec]) -> dict[str, dict[str, Any]]:
    """A whole input or output spec in the API's form."""
    return {name: field_spec_json(field) for name, field in spec.items()}


def value_check(spec: dict[str, Any]) -> Check:
    """The check of one non-null value of a field the emulator itself defines (`{"type": "float", ...}`)."""
    check = compile_field(spec)
    if check is None:
        raise ValueError(f"no check for field type {spec.get('type')!r}")
    return check


@dataclass(frozen=True)
class SpecValidators:
    """The compiled input and output specs of one project: `input_values` and solutions' `output_values`."""

    inputs: FieldSpecs
    outputs: FieldSpecs

    @classmethod
    def of(cls, project: ProjectConfig) -> SpecValidators:
        """The project's specs, compiled."""
        return cls(FieldSpecs(spec_json(project.input_spec)), FieldSpecs(spec_json(project.output_spec)))
