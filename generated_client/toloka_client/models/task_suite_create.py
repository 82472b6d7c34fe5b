# Generated from openapi.yaml by openapi-python-client (config: generator/config.yaml). Do not edit: run `make generate`.
from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.task_suite_task_create import TaskSuiteTaskCreate


T = TypeVar("T", bound="TaskSuiteCreate")


@_attrs_define
class TaskSuiteCreate:
    """A task suite to create. Unknown top-level keys are tolerated, as for tasks.

    Attributes:
        pool_id (str):
        tasks (list[TaskSuiteTaskCreate]):
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
        infinite_overlap (bool | Unset):
        reserved_for (list[str] | Unset): A set of strings (no duplicates).
        unavailable_for (list[str] | Unset): A set of strings (no duplicates).
        issuing_order_override (float | Unset): Priority of the suite among the pool's suites when the pool issues by
            priority.
        mixed (bool | Unset): Whether the suite may be mixed with other tasks of the pool.
        traits_all_of (list[str] | Unset): A set of strings (no duplicates).
        traits_any_of (list[str] | Unset): A set of strings (no duplicates).
        traits_none_of_any (list[str] | Unset): A set of strings (no duplicates).
        longitude (float | Unset):
        latitude (float | Unset):
    """

    pool_id: str
    tasks: list[TaskSuiteTaskCreate]
    overlap: int | None | Unset = UNSET
    infinite_overlap: bool | Unset = UNSET
    reserved_for: list[str] | Unset = UNSET
    unavailable_for: list[str] | Unset = UNSET
    issuing_order_override: float | Unset = UNSET
    mixed: bool | Unset = UNSET
    traits_all_of: list[str] | Unset = UNSET
    traits_any_of: list[str] | Unset = UNSET
    traits_none_of_any: list[str] | Unset = UNSET
    longitude: float | Unset = UNSET
    latitude: float | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        pool_id = self.pool_id

        tasks = []
        for tasks_item_data in self.tasks:
            tasks_item = tasks_item_data.to_dict()
            tasks.append(tasks_item)

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

        issuing_order_override = self.issuing_order_override

        mixed = self.mixed

        traits_all_of: list[str] | Unset = UNSET
        if not isinstance(self.traits_all_of, Unset):
            traits_all_of = self.traits_all_of

        traits_any_of: list[str] | Unset = UNSET
        if not isinstance(self.traits_any_of, Unset):
            traits_any_of = self.traits_any_of

        traits_none_of_any: list[str] | Unset = UNSET
        if not isinstance(self.traits_none_of_any, Unset):
            traits_none_of_any = self.traits_none_of_any

        longitude = self.longitude

        latitude = self.latitude

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "pool_id": pool_id,
                "tasks": tasks,
            }
        )
        if overlap is not UNSET:
            field_dict["overlap"] = overlap
        if infinite_overlap is not UNSET:
            field_dict["infinite_overlap"] = infinite_overlap
        if reserved_for is not UNSET:
            field_dict["reserved_for"] = reserved_for
        if unavailable_for is not UNSET:
            field_dict["unavailable_for"] = unavailable_for
        if issuing_order_override is not UNSET:
            field_dict["issuing_order_override"] = issuing_order_override
        if mixed is not UNSET:
            field_dict["mixed"] = mixed
        if traits_all_of is not UNSET:
            field_dict["traits_all_of"] = traits_all_of
        if traits_any_of is not UNSET:
            field_dict["traits_any_of"] = traits_any_of
        if traits_none_of_any is not UNSET:
            field_dict["traits_none_of_any"] = traits_none_of_any
        if longitude is not UNSET:
            field_dict["longitude"] = longitude
        if latitude is not UNSET:
            field_dict["latitude"] = latitude

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.task_suite_task_create import TaskSuiteTaskCreate  # noqa: PLC0415

        d = dict(src_dict)
        pool_id = d.pop("pool_id")

        tasks = []
        _tasks = d.pop("tasks")
        for tasks_item_data in _tasks:
            tasks_item = TaskSuiteTaskCreate.from_dict(tasks_item_data)

            tasks.append(tasks_item)

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

        issuing_order_override = d.pop("issuing_order_override", UNSET)

        mixed = d.pop("mixed", UNSET)

        traits_all_of = cast(list[str], d.pop("traits_all_of", UNSET))

        traits_any_of = cast(list[str], d.pop("traits_any_of", UNSET))

        traits_none_of_any = cast(list[str], d.pop("traits_none_of_any", UNSET))

        longitude = d.pop("longitude", UNSET)

        latitude = d.pop("latitude", UNSET)

        task_suite_create = cls(
            pool_id=pool_id,
            tasks=tasks,
            overlap=overlap,
            infinite_overlap=infinite_overlap,
            reserved_for=reserved_for,
            unavailable_for=unavailable_for,
            issuing_order_override=issuing_order_override,
            mixed=mixed,
            traits_all_of=traits_all_of,
            traits_any_of=traits_any_of,
            traits_none_of_any=traits_none_of_any,
            longitude=longitude,
            latitude=latitude,
        )

        task_suite_create.additional_properties = d
        return task_suite_create

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
