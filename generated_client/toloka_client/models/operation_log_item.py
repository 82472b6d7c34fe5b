# Generated from openapi.yaml by openapi-python-client (config: generator/config.yaml). Do not edit: run `make generate`.
from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.operation_log_item_input import OperationLogItemInput
    from ..models.operation_log_item_output import OperationLogItemOutput


T = TypeVar("T", bound="OperationLogItem")


@_attrs_define
class OperationLogItem:
    """One step of an operation's log.

    Attributes:
        type_ (str): `TASK_CREATE`, `TASK_SUITE_CREATE`, `TASK_VALIDATE`, `TASK_SUITE_VALIDATE`, `POOL_OPEN`, ...
        success (bool):
        input_ (OperationLogItemInput): The item as it was sent, unknown keys included.
        output (OperationLogItemOutput): `{task_id}` / `{task_suite_id}` for a created item; the field path → error map
            for an invalid one.
    """

    type_: str
    success: bool
    input_: OperationLogItemInput
    output: OperationLogItemOutput
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        type_ = self.type_

        success = self.success

        input_ = self.input_.to_dict()

        output = self.output.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "type": type_,
                "success": success,
                "input": input_,
                "output": output,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.operation_log_item_input import OperationLogItemInput  # noqa: PLC0415
        from ..models.operation_log_item_output import OperationLogItemOutput  # noqa: PLC0415

        d = dict(src_dict)
        type_ = d.pop("type")

        success = d.pop("success")

        input_ = OperationLogItemInput.from_dict(d.pop("input"))

        output = OperationLogItemOutput.from_dict(d.pop("output"))

        operation_log_item = cls(
            type_=type_,
            success=success,
            input_=input_,
            output=output,
        )

        operation_log_item.additional_properties = d
        return operation_log_item

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
