"""The project specs items are checked against, compiled once per project, with the create-item rule of each
kind over them: the checks themselves, codes and messages are toloka_contract's (fields, item_rule), which the
upload layer's client-side checks use too."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from toloka_contract.fields import FieldSpecs
from toloka_contract.item_rule import ANY_FIELDS, TASK_CREATE, TASK_SUITE_CREATE, ItemRule

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


@dataclass(frozen=True)
class SpecValidators:
    """The compiled input and output specs of one project (`input_values`, solutions' `output_values`), and the
    create-item rules over them: `rule(TASK_CREATE, allow_defaults)`."""

    inputs: FieldSpecs = ANY_FIELDS
    outputs: FieldSpecs = ANY_FIELDS
    _rules: dict[tuple[str, bool], ItemRule] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        rules = {
            (kind, allow_defaults): ItemRule(
                kind, allow_defaults=allow_defaults, inputs=self.inputs, outputs=self.outputs
            )
            for kind in (TASK_CREATE, TASK_SUITE_CREATE)
            for allow_defaults in (False, True)
        }
        object.__setattr__(self, "_rules", rules)

    def rule(self, kind: str, allow_defaults: bool) -> ItemRule:
        """The create-item rule of `kind` (`TASK_CREATE`, `TASK_SUITE_CREATE`) for items of this project."""
        return self._rules[kind, allow_defaults]

    @classmethod
    def of(cls, project: ProjectConfig) -> SpecValidators:
        """The project's specs, compiled."""
        return cls(FieldSpecs(spec_json(project.input_spec)), FieldSpecs(spec_json(project.output_spec)))
