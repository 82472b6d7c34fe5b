# Generated from openapi.yaml by openapi-python-client (config: generator/config.yaml). Do not edit: run `make generate`.
from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.input_values import InputValues
    from ..models.known_solution import KnownSolution
    from ..models.localization_config import LocalizationConfig


T = TypeVar("T", bound="TaskSuiteTask")


@_attrs_define
class TaskSuiteTask:
    """A task inside a created task suite. Real answers may add a read-only `id` and `origin_task_id` to each
    (fullApi `RawTask`, the docs' examples, toloka-kit's model).

        Attributes:
            input_values (InputValues): Input data of a task, keyed by the input field names of the pool's project spec.
            id (str | Unset):
            origin_task_id (str | Unset):
            known_solutions (list[KnownSolution] | Unset):
            message_on_unknown_solution (str | Unset):
            localization_config (LocalizationConfig | Unset): Translations of the item (fullApi `LocalizationConfig` on
                `TaskFormV1` and `RawTask`; the Java SDK's
                `BaseTask` sends it). Languages are strings here, not fullApi's closed enum of language codes.
    """

    input_values: InputValues
    id: str | Unset = UNSET
    origin_task_id: str | Unset = UNSET
    known_solutions: list[KnownSolution] | Unset = UNSET
    message_on_unknown_solution: str | Unset = UNSET
    localization_config: LocalizationConfig | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        input_values = self.input_values.to_dict()

        id = self.id

        origin_task_id = self.origin_task_id

        known_solutions: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.known_solutions, Unset):
            known_solutions = []
            for known_solutions_item_data in self.known_solutions:
                known_solutions_item = known_solutions_item_data.to_dict()
                known_solutions.append(known_solutions_item)

        message_on_unknown_solution = self.message_on_unknown_solution

        localization_config: dict[str, Any] | Unset = UNSET
        if not isinstance(self.localization_config, Unset):
            localization_config = self.localization_config.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "input_values": input_values,
            }
        )
        if id is not UNSET:
            field_dict["id"] = id
        if origin_task_id is not UNSET:
            field_dict["origin_task_id"] = origin_task_id
        if known_solutions is not UNSET:
            field_dict["known_solutions"] = known_solutions
        if message_on_unknown_solution is not UNSET:
            field_dict["message_on_unknown_solution"] = message_on_unknown_solution
        if localization_config is not UNSET:
            field_dict["localization_config"] = localization_config

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.input_values import InputValues  # noqa: PLC0415
        from ..models.known_solution import KnownSolution  # noqa: PLC0415
        from ..models.localization_config import LocalizationConfig  # noqa: PLC0415

        d = dict(src_dict)
        input_values = InputValues.from_dict(d.pop("input_values"))

        id = d.pop("id", UNSET)

        origin_task_id = d.pop("origin_task_id", UNSET)

        _known_solutions = d.pop("known_solutions", UNSET)
        known_solutions: list[KnownSolution] | Unset = UNSET
        if _known_solutions is not UNSET:
            known_solutions = []
            for known_solutions_item_data in _known_solutions:
                known_solutions_item = KnownSolution.from_dict(known_solutions_item_data)

                known_solutions.append(known_solutions_item)

        message_on_unknown_solution = d.pop("message_on_unknown_solution", UNSET)

        _localization_config = d.pop("localization_config", UNSET)
        localization_config: LocalizationConfig | Unset
        if isinstance(_localization_config, Unset):
            localization_config = UNSET
        else:
            localization_config = LocalizationConfig.from_dict(_localization_config)

        task_suite_task = cls(
            input_values=input_values,
            id=id,
            origin_task_id=origin_task_id,
            known_solutions=known_solutions,
            message_on_unknown_solution=message_on_unknown_solution,
            localization_config=localization_config,
        )

        task_suite_task.additional_properties = d
        return task_suite_task

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
