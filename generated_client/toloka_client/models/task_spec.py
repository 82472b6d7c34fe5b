# Generated from openapi.yaml by openapi-python-client (config: generator/config.yaml). Do not edit: run `make generate`.
from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.field_specs import FieldSpecs


T = TypeVar("T", bound="TaskSpec")


@_attrs_define
class TaskSpec:
    """What a project's tasks carry in and give out (fullApi `task_spec`); `view_spec` is allowed, not described.

    Attributes:
        input_spec (FieldSpecs): Field specs keyed by field name.
        output_spec (FieldSpecs): Field specs keyed by field name.
    """

    input_spec: FieldSpecs
    output_spec: FieldSpecs
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        input_spec = self.input_spec.to_dict()

        output_spec = self.output_spec.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "input_spec": input_spec,
                "output_spec": output_spec,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.field_specs import FieldSpecs  # noqa: PLC0415

        d = dict(src_dict)
        input_spec = FieldSpecs.from_dict(d.pop("input_spec"))

        output_spec = FieldSpecs.from_dict(d.pop("output_spec"))

        task_spec = cls(
            input_spec=input_spec,
            output_spec=output_spec,
        )

        task_spec.additional_properties = d
        return task_spec

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
