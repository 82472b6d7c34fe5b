# Generated from openapi.yaml by openapi-python-client (config: generator/config.yaml). Do not edit: run `make generate`.
from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="OperationParameters")


@_attrs_define
class OperationParameters:
    """What the operation was started with: an upload's query flags, or `{pool_id}` for `POOL.OPEN` /
    `POOL.CLOSE` (fullApi's example answers). Open: other operation types carry other keys.

        Attributes:
            pool_id (str | Unset):
            skip_invalid_items (bool | Unset):
            allow_defaults (bool | Unset):
            open_pool (bool | Unset):
    """

    pool_id: str | Unset = UNSET
    skip_invalid_items: bool | Unset = UNSET
    allow_defaults: bool | Unset = UNSET
    open_pool: bool | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        pool_id = self.pool_id

        skip_invalid_items = self.skip_invalid_items

        allow_defaults = self.allow_defaults

        open_pool = self.open_pool

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if pool_id is not UNSET:
            field_dict["pool_id"] = pool_id
        if skip_invalid_items is not UNSET:
            field_dict["skip_invalid_items"] = skip_invalid_items
        if allow_defaults is not UNSET:
            field_dict["allow_defaults"] = allow_defaults
        if open_pool is not UNSET:
            field_dict["open_pool"] = open_pool

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        pool_id = d.pop("pool_id", UNSET)

        skip_invalid_items = d.pop("skip_invalid_items", UNSET)

        allow_defaults = d.pop("allow_defaults", UNSET)

        open_pool = d.pop("open_pool", UNSET)

        operation_parameters = cls(
            pool_id=pool_id,
            skip_invalid_items=skip_invalid_items,
            allow_defaults=allow_defaults,
            open_pool=open_pool,
        )

        operation_parameters.additional_properties = d
        return operation_parameters

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
