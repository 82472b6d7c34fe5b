# Generated from openapi.yaml by openapi-python-client (config: generator/config.yaml). Do not edit: run `make generate`.
from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.baseline_solution import BaselineSolution
    from ..models.input_values import InputValues
    from ..models.known_solution import KnownSolution
    from ..models.localization_config import LocalizationConfig


T = TypeVar("T", bound="TaskCreate")


@_attrs_define
class TaskCreate:
    """A task to create. Unknown top-level keys are tolerated and echoed in the operation log (the official
    SDK adds `__item_idx` in async mode).

        Attributes:
            pool_id (str): The ID of the pool the task is uploaded to.
            input_values (InputValues): Input data of a task, keyed by the input field names of the pool's project spec.
            known_solutions (list[KnownSolution] | Unset):
            message_on_unknown_solution (str | Unset): Shown to a performer whose answer to a control task is wrong.
            baseline_solutions (list[BaselineSolution] | Unset):
            localization_config (LocalizationConfig | Unset): Translations of the item (fullApi `LocalizationConfig` on
                `TaskFormV1` and `RawTask`; the Java SDK's
                `BaseTask` sends it). Languages are strings here, not fullApi's closed enum of language codes.
            overlap (int | None | Unset): The overlap of an item to create: an integer from 1 to 30000, or null together
                with
                `infinite_overlap: true` (toloka-kit serialises every infinite-overlap task and suite as
                `"overlap": null, "infinite_overlap": true`; the Java SDK omits the field). A null or missing
                overlap without `infinite_overlap: true` and without `allow_defaults=true` makes the item invalid
                (`VALUE_REQUIRED` on `overlap`), a per-item error rather than a malformed request.
                Under `allow_defaults=true` the same bounds hold: the pool's default fills only a missing or null
                overlap (none with `infinite_overlap: true`), and an overlap that is given is the item's own, kept and
                checked (0 is `VALUE_LESS_THAN_MIN`; a read overlap of 0 comes from set-overlap-or-min, not from a
                create). Sources: `AllowDefaults` ("an item's own `overlap` is kept"); toloka-kit's sync upload with
                `allow_defaults` sends items without overlap and reads them back with the pool's (corpus
                `kit__test_create_tasks_sync`).
            infinite_overlap (bool | Unset): Issue the task to every performer, without a bound.
            reserved_for (list[str] | Unset): A set of strings (no duplicates).
            unavailable_for (list[str] | Unset): A set of strings (no duplicates).
            traits_all_of (list[str] | Unset): A set of strings (no duplicates).
            traits_any_of (list[str] | Unset): A set of strings (no duplicates).
            traits_none_of_any (list[str] | Unset): A set of strings (no duplicates).
    """

    pool_id: str
    input_values: InputValues
    known_solutions: list[KnownSolution] | Unset = UNSET
    message_on_unknown_solution: str | Unset = UNSET
    baseline_solutions: list[BaselineSolution] | Unset = UNSET
    localization_config: LocalizationConfig | Unset = UNSET
    overlap: int | None | Unset = UNSET
    infinite_overlap: bool | Unset = UNSET
    reserved_for: list[str] | Unset = UNSET
    unavailable_for: list[str] | Unset = UNSET
    traits_all_of: list[str] | Unset = UNSET
    traits_any_of: list[str] | Unset = UNSET
    traits_none_of_any: list[str] | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        pool_id = self.pool_id

        input_values = self.input_values.to_dict()

        known_solutions: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.known_solutions, Unset):
            known_solutions = []
            for known_solutions_item_data in self.known_solutions:
                known_solutions_item = known_solutions_item_data.to_dict()
                known_solutions.append(known_solutions_item)

        message_on_unknown_solution = self.message_on_unknown_solution

        baseline_solutions: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.baseline_solutions, Unset):
            baseline_solutions = []
            for baseline_solutions_item_data in self.baseline_solutions:
                baseline_solutions_item = baseline_solutions_item_data.to_dict()
                baseline_solutions.append(baseline_solutions_item)

        localization_config: dict[str, Any] | Unset = UNSET
        if not isinstance(self.localization_config, Unset):
            localization_config = self.localization_config.to_dict()

        overlap: int | None | Unset
        if isinstance(self.overlap, Unset):
            overlap = UNSET
        else:
            overlap = self.overlap

        infinite_overlap = self.infinite_overlap

        reserved_for: list[str] | Unset = UNSET
        if not isinstance(self.reserved_for, Unset):
            reserved_for = self.reserved_for

        unavailable_for: list[str] | Unset = UNSET
        if not isinstance(self.unavailable_for, Unset):
            unavailable_for = self.unavailable_for

        traits_all_of: list[str] | Unset = UNSET
        if not isinstance(self.traits_all_of, Unset):
            traits_all_of = self.traits_all_of

        traits_any_of: list[str] | Unset = UNSET
        if not isinstance(self.traits_any_of, Unset):
            traits_any_of = self.traits_any_of

        traits_none_of_any: list[str] | Unset = UNSET
        if not isinstance(self.traits_none_of_any, Unset):
            traits_none_of_any = self.traits_none_of_any

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "pool_id": pool_id,
                "input_values": input_values,
            }
        )
        if known_solutions is not UNSET:
            field_dict["known_solutions"] = known_solutions
        if message_on_unknown_solution is not UNSET:
            field_dict["message_on_unknown_solution"] = message_on_unknown_solution
        if baseline_solutions is not UNSET:
            field_dict["baseline_solutions"] = baseline_solutions
        if localization_config is not UNSET:
            field_dict["localization_config"] = localization_config
        if overlap is not UNSET:
            field_dict["overlap"] = overlap
        if infinite_overlap is not UNSET:
            field_dict["infinite_overlap"] = infinite_overlap
        if reserved_for is not UNSET:
            field_dict["reserved_for"] = reserved_for
        if unavailable_for is not UNSET:
            field_dict["unavailable_for"] = unavailable_for
        if traits_all_of is not UNSET:
            field_dict["traits_all_of"] = traits_all_of
        if traits_any_of is not UNSET:
            field_dict["traits_any_of"] = traits_any_of
        if traits_none_of_any is not UNSET:
            field_dict["traits_none_of_any"] = traits_none_of_any

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.baseline_solution import BaselineSolution  # noqa: PLC0415
        from ..models.input_values import InputValues  # noqa: PLC0415
        from ..models.known_solution import KnownSolution  # noqa: PLC0415
        from ..models.localization_config import LocalizationConfig  # noqa: PLC0415

        d = dict(src_dict)
        pool_id = d.pop("pool_id")

        input_values = InputValues.from_dict(d.pop("input_values"))

        _known_solutions = d.pop("known_solutions", UNSET)
        known_solutions: list[KnownSolution] | Unset = UNSET
        if _known_solutions is not UNSET:
            known_solutions = []
            for known_solutions_item_data in _known_solutions:
                known_solutions_item = KnownSolution.from_dict(known_solutions_item_data)

                known_solutions.append(known_solutions_item)

        message_on_unknown_solution = d.pop("message_on_unknown_solution", UNSET)

        _baseline_solutions = d.pop("baseline_solutions", UNSET)
        baseline_solutions: list[BaselineSolution] | Unset = UNSET
        if _baseline_solutions is not UNSET:
            baseline_solutions = []
            for baseline_solutions_item_data in _baseline_solutions:
                baseline_solutions_item = BaselineSolution.from_dict(baseline_solutions_item_data)

                baseline_solutions.append(baseline_solutions_item)

        _localization_config = d.pop("localization_config", UNSET)
        localization_config: LocalizationConfig | Unset
        if isinstance(_localization_config, Unset):
            localization_config = UNSET
        else:
            localization_config = LocalizationConfig.from_dict(_localization_config)

        def _parse_overlap(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        overlap = _parse_overlap(d.pop("overlap", UNSET))

        infinite_overlap = d.pop("infinite_overlap", UNSET)

        reserved_for = cast(list[str], d.pop("reserved_for", UNSET))

        unavailable_for = cast(list[str], d.pop("unavailable_for", UNSET))

        traits_all_of = cast(list[str], d.pop("traits_all_of", UNSET))

        traits_any_of = cast(list[str], d.pop("traits_any_of", UNSET))

        traits_none_of_any = cast(list[str], d.pop("traits_none_of_any", UNSET))

        task_create = cls(
            pool_id=pool_id,
            input_values=input_values,
            known_solutions=known_solutions,
            message_on_unknown_solution=message_on_unknown_solution,
            baseline_solutions=baseline_solutions,
            localization_config=localization_config,
            overlap=overlap,
            infinite_overlap=infinite_overlap,
            reserved_for=reserved_for,
            unavailable_for=unavailable_for,
            traits_all_of=traits_all_of,
            traits_any_of=traits_any_of,
            traits_none_of_any=traits_none_of_any,
        )

        task_create.additional_properties = d
        return task_create

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
