# Generated from openapi.yaml by openapi-python-client (config: generator/config.yaml). Do not edit: run `make generate`.
from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="FieldValidationError")


@_attrs_define
class FieldValidationError:
    """Why one field of one item is invalid. `params` carries the bound that was violated, if any.

    Attributes:
        code (str): A machine-readable reason, e.g. `VALUE_REQUIRED`, `INVALID_URL_SYNTAX`.
        message (str):
        params (list[Any] | Unset):
    """

    code: str
    message: str
    params: list[Any] | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        code = self.code

        message = self.message

        params: list[Any] | Unset = UNSET
        if not isinstance(self.params, Unset):
            params = self.params

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "code": code,
                "message": message,
            }
        )
        if params is not UNSET:
            field_dict["params"] = params

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        code = d.pop("code")

        message = d.pop("message")

        params = cast(list[Any], d.pop("params", UNSET))

        field_validation_error = cls(
            code=code,
            message=message,
            params=params,
        )

        field_validation_error.additional_properties = d
        return field_validation_error

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
