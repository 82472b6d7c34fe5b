# Generated from openapi.yaml by openapi-python-client (config: generator/config.yaml). Do not edit: run `make generate`.
from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.input_values import InputValues
    from ..models.known_solution import KnownSolution
    from ..models.localization_config import LocalizationConfig


T = TypeVar("T", bound="TaskSuiteTaskCreate")


@_attrs_define
class TaskSuiteTaskCreate:
    """A task inside a task suite (fullApi `RawTask`). `baseline_solutions` is not allowed here
    (`VALUE_NOT_ALLOWED`, fullApi's own warning), nor is any key not listed. `id` and `origin_task_id`
    are read-only (a suite read back and sent again carries them): a server may ignore them.

        Attributes:
            input_values (InputValues): Input data of a task, keyed by the input field names of the pool's project spec.
            known_solutions (list[KnownSolution] | Unset):
            message_on_unknown_solution (str | Unset):
            localization_config (LocalizationConfig | Unset): Translations of the item (fullApi `LocalizationConfig` on
                `TaskFormV1` and `RawTask`; the Java SDK's
                `BaseTask` sends it). Languages are strings here, not fullApi's closed enum of language codes.
            id (str | Unset):
            origin_task_id (str | Unset):
    """

    input_values: InputValues
    known_solutions: list[KnownSolution] | Unset = UNSET
    message_on_unknown_solution: str | Unset = UNSET
    localization_config: LocalizationConfig | Unset = UNSET
    id: str | Unset = UNSET
    origin_task_id: str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        input_values = self.input_values.to_dict()

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

        id = self.id

        origin_task_id = self.origin_task_id

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "input_values": input_values,
            }
        )
        if known_solutions is not UNSET:
            field_dict["known_solutions"] = known_solutions
        if message_on_unknown_solution is not UNSET:
            field_dict["message_on_unknown_solution"] = message_on_unknown_solution
        if localization_config is not UNSET:
            field_dict["localization_config"] = localization_config
        if id is not UNSET:
            field_dict["id"] = id
        if origin_task_id is not UNSET:
            field_dict["origin_task_id"] = origin_task_id

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.input_values import InputValues  # noqa: PLC0415
        from ..models.known_solution import KnownSolution  # noqa: PLC0415
        from ..models.localization_config import LocalizationConfig  # noqa: PLC0415

        d = dict(src_dict)
        input_values = InputValues.from_dict(d.pop("input_values"))

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

        id = d.pop("id", UNSET)

        origin_task_id = d.pop("origin_task_id", UNSET)

        task_suite_task_create = cls(
            input_values=input_values,
            known_solutions=known_solutions,
            message_on_unknown_solution=message_on_unknown_solution,
            localization_config=localization_config,
            id=id,
            origin_task_id=origin_task_id,
        )

        return task_suite_task_create
