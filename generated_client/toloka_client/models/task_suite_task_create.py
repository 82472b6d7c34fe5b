# Generated from openapi.yaml by openapi-python-client (config: generator/config.yaml). Do not edit: run `make generate`.
from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.input_values import InputValues
    from ..models.known_solution import KnownSolution


T = TypeVar("T", bound="TaskSuiteTaskCreate")


@_attrs_define
class TaskSuiteTaskCreate:
    """A task inside a task suite. `baseline_solutions` is not allowed here (`VALUE_NOT_ALLOWED`), nor is
    any other key.

        Attributes:
            input_values (InputValues): Input data of a task, keyed by the input field names of the pool's project spec.
            known_solutions (list[KnownSolution] | Unset):
            message_on_unknown_solution (str | Unset):
    """

    input_values: InputValues
    known_solutions: list[KnownSolution] | Unset = UNSET
    message_on_unknown_solution: str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        input_values = self.input_values.to_dict()

        known_solutions: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.known_solutions, Unset):
            known_solutions = []
            for known_solutions_item_data in self.known_solutions:
                known_solutions_item = known_solutions_item_data.to_dict()
                known_solutions.append(known_solutions_item)

        message_on_unknown_solution = self.message_on_unknown_solution

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

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.input_values import InputValues  # noqa: PLC0415
        from ..models.known_solution import KnownSolution  # noqa: PLC0415

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

        task_suite_task_create = cls(
            input_values=input_values,
            known_solutions=known_solutions,
            message_on_unknown_solution=message_on_unknown_solution,
        )

        return task_suite_task_create
