# Generated from openapi.yaml by openapi-python-client (config: generator/config.yaml). Do not edit: run `make generate`.
from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="OperationDetails")


@_attrs_define
class OperationDetails:
    """Item counts of a batch-create operation. They add up: `valid_count + not_valid_count` and
    `success_count + failed_count` both equal `total_count` once the operation has ended. An async
    tasks upload counts tasks, a suites upload counts suites (resolved: the tasks page says "number of
    task suites").

        Attributes:
            total_count (int | Unset): Items in the request (resolved: documented as "string", every example carries an
                integer).
            valid_count (int | Unset): Items that passed validation.
            not_valid_count (int | Unset): Items that failed validation.
            success_count (int | Unset): Items created.
            failed_count (int | Unset): Items not created.
    """

    total_count: int | Unset = UNSET
    valid_count: int | Unset = UNSET
    not_valid_count: int | Unset = UNSET
    success_count: int | Unset = UNSET
    failed_count: int | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        total_count = self.total_count

        valid_count = self.valid_count

        not_valid_count = self.not_valid_count

        success_count = self.success_count

        failed_count = self.failed_count

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if total_count is not UNSET:
            field_dict["total_count"] = total_count
        if valid_count is not UNSET:
            field_dict["valid_count"] = valid_count
        if not_valid_count is not UNSET:
            field_dict["not_valid_count"] = not_valid_count
        if success_count is not UNSET:
            field_dict["success_count"] = success_count
        if failed_count is not UNSET:
            field_dict["failed_count"] = failed_count

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        total_count = d.pop("total_count", UNSET)

        valid_count = d.pop("valid_count", UNSET)

        not_valid_count = d.pop("not_valid_count", UNSET)

        success_count = d.pop("success_count", UNSET)

        failed_count = d.pop("failed_count", UNSET)

        operation_details = cls(
            total_count=total_count,
            valid_count=valid_count,
            not_valid_count=not_valid_count,
            success_count=success_count,
            failed_count=failed_count,
        )

        operation_details.additional_properties = d
        return operation_details

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
