# Generated from openapi.yaml by openapi-python-client (config: generator/config.yaml). Do not edit: run `make generate`.
from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.task_suite_batch_create_result_items import TaskSuiteBatchCreateResultItems
    from ..models.task_suite_batch_create_result_validation_errors import TaskSuiteBatchCreateResultValidationErrors


T = TypeVar("T", bound="TaskSuiteBatchCreateResult")


@_attrs_define
class TaskSuiteBatchCreateResult:
    """The answer to a synchronous task-suites upload, keyed as for tasks.

    Attributes:
        items (TaskSuiteBatchCreateResultItems):
        validation_errors (TaskSuiteBatchCreateResultValidationErrors | Unset):
    """

    items: TaskSuiteBatchCreateResultItems
    validation_errors: TaskSuiteBatchCreateResultValidationErrors | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        items = self.items.to_dict()

        validation_errors: dict[str, Any] | Unset = UNSET
        if not isinstance(self.validation_errors, Unset):
            validation_errors = self.validation_errors.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "items": items,
            }
        )
        if validation_errors is not UNSET:
            field_dict["validation_errors"] = validation_errors

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.task_suite_batch_create_result_items import TaskSuiteBatchCreateResultItems  # noqa: PLC0415
        from ..models.task_suite_batch_create_result_validation_errors import TaskSuiteBatchCreateResultValidationErrors  # noqa: PLC0415

        d = dict(src_dict)
        items = TaskSuiteBatchCreateResultItems.from_dict(d.pop("items"))

        _validation_errors = d.pop("validation_errors", UNSET)
        validation_errors: TaskSuiteBatchCreateResultValidationErrors | Unset
        if isinstance(_validation_errors, Unset):
            validation_errors = UNSET
        else:
            validation_errors = TaskSuiteBatchCreateResultValidationErrors.from_dict(_validation_errors)

        task_suite_batch_create_result = cls(
            items=items,
            validation_errors=validation_errors,
        )

        task_suite_batch_create_result.additional_properties = d
        return task_suite_batch_create_result

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
