# Generated from openapi.yaml by openapi-python-client (config: generator/config.yaml). Do not edit: run `make generate`.
from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="FieldSpec")


@_attrs_define
class FieldSpec:
    """One field of a project's input or output spec (fullApi `FieldSpec` variants; toloka-kit's
    `FieldSpec`). `type` is kept an open string: toloka-kit and the emulator spell it lowercase (`url`,
    `string`, `integer`, `float`, `boolean`, `json`, `coordinates`, `file`, `array_*`), fullApi's
    example uppercase (`URL`). `required` defaults to true.

        Attributes:
            type_ (str):
            required (bool | Unset):  Default: True.
            hidden (bool | Unset):
            min_length (int | Unset):
            max_length (int | Unset):
            min_value (float | Unset):
            max_value (float | Unset):
            allowed_values (list[Any] | Unset):
            min_size (int | Unset):
            max_size (int | Unset):
    """

    type_: str
    required: bool | Unset = True
    hidden: bool | Unset = UNSET
    min_length: int | Unset = UNSET
    max_length: int | Unset = UNSET
    min_value: float | Unset = UNSET
    max_value: float | Unset = UNSET
    allowed_values: list[Any] | Unset = UNSET
    min_size: int | Unset = UNSET
    max_size: int | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        type_ = self.type_

        required = self.required

        hidden = self.hidden

        min_length = self.min_length

        max_length = self.max_length

        min_value = self.min_value

        max_value = self.max_value

        allowed_values: list[Any] | Unset = UNSET
        if not isinstance(self.allowed_values, Unset):
            allowed_values = self.allowed_values

        min_size = self.min_size

        max_size = self.max_size

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "type": type_,
            }
        )
        if required is not UNSET:
            field_dict["required"] = required
        if hidden is not UNSET:
            field_dict["hidden"] = hidden
        if min_length is not UNSET:
            field_dict["min_length"] = min_length
        if max_length is not UNSET:
            field_dict["max_length"] = max_length
        if min_value is not UNSET:
            field_dict["min_value"] = min_value
        if max_value is not UNSET:
            field_dict["max_value"] = max_value
        if allowed_values is not UNSET:
            field_dict["allowed_values"] = allowed_values
        if min_size is not UNSET:
            field_dict["min_size"] = min_size
        if max_size is not UNSET:
            field_dict["max_size"] = max_size

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        type_ = d.pop("type")

        required = d.pop("required", UNSET)

        hidden = d.pop("hidden", UNSET)

        min_length = d.pop("min_length", UNSET)

        max_length = d.pop("max_length", UNSET)

        min_value = d.pop("min_value", UNSET)

        max_value = d.pop("max_value", UNSET)

        allowed_values = cast(list[Any], d.pop("allowed_values", UNSET))

        min_size = d.pop("min_size", UNSET)

        max_size = d.pop("max_size", UNSET)

        field_spec = cls(
            type_=type_,
            required=required,
            hidden=hidden,
            min_length=min_length,
            max_length=max_length,
            min_value=min_value,
            max_value=max_value,
            allowed_values=allowed_values,
            min_size=min_size,
            max_size=max_size,
        )

        field_spec.additional_properties = d
        return field_spec

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
