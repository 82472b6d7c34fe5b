# Generated from openapi.yaml by openapi-python-client (config: generator/config.yaml). Do not edit: run `make generate`.
from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="PoolDefaults")


@_attrs_define
class PoolDefaults:
    """What `allow_defaults=true` gives an item that has no overlap of its own.

    Attributes:
        default_overlap_for_new_tasks (int | Unset): How many performers complete the item. Resolved: the pages document
            `overlap` as "string" while
            every example carries an integer; it is an integer.
        default_overlap_for_new_task_suites (int | Unset): How many performers complete the item. Resolved: the pages
            document `overlap` as "string" while
            every example carries an integer; it is an integer.
    """

    default_overlap_for_new_tasks: int | Unset = UNSET
    default_overlap_for_new_task_suites: int | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        default_overlap_for_new_tasks = self.default_overlap_for_new_tasks

        default_overlap_for_new_task_suites = self.default_overlap_for_new_task_suites

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if default_overlap_for_new_tasks is not UNSET:
            field_dict["default_overlap_for_new_tasks"] = default_overlap_for_new_tasks
        if default_overlap_for_new_task_suites is not UNSET:
            field_dict["default_overlap_for_new_task_suites"] = default_overlap_for_new_task_suites

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        default_overlap_for_new_tasks = d.pop("default_overlap_for_new_tasks", UNSET)

        default_overlap_for_new_task_suites = d.pop("default_overlap_for_new_task_suites", UNSET)

        pool_defaults = cls(
            default_overlap_for_new_tasks=default_overlap_for_new_tasks,
            default_overlap_for_new_task_suites=default_overlap_for_new_task_suites,
        )

        pool_defaults.additional_properties = d
        return pool_defaults

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
