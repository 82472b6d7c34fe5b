# Generated from openapi.yaml by openapi-python-client (config: generator/config.yaml). Do not edit: run `make generate`.
from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.pool_status import PoolStatus
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.owner import Owner
    from ..models.pool_defaults import PoolDefaults


T = TypeVar("T", bound="Pool")


@_attrs_define
class Pool:
    """A pool, read-only here (fullApi `PoolViewV1`, which has many more fields; they are allowed and not
    described). Required are the fields the upload workflow relies on; fullApi marks none of the view's
    fields required, but every real pool answer has these four.

        Attributes:
            id (str):
            project_id (str):
            status (PoolStatus): `OPEN` issues tasks, `CLOSED` does not, `ARCHIVED` is read-only, `LOCKED` is being changed
                (fullApi `PoolViewV1.status`).
            defaults (PoolDefaults): What `allow_defaults=true` gives an item that has no overlap of its own.
            private_name (str | Unset):
            type_ (str | Unset): `REGULAR` or `TRAINING`; an open set.
            owner (Owner | Unset): Who owns a pool or project (fullApi `owner`).
            created (str | Unset): UTC date and time as the API sends it: `YYYY-MM-DDThh:mm:ss` with an optional fraction of
                1 to 6
                digits and no zone designator (`2016-09-29T18:04:00`, `2023-03-28T11:06:09.827`).
                Resolved: the pages call this "ISO 8601", but it is not RFC 3339 `date-time` (no offset), and
                `format: date-time` would make schemathesis reject every real response (fullApi uses it).
                `date-time-local` is the registered OpenAPI format for exactly this; with the `pattern` the
                generated client keeps it a `str` (`toloka_contract.timestamps` turns it into a naive UTC `datetime`)
                and schemathesis validates it. 0 to 6 fractional digits are accepted (the server has been seen sending
                0, 3, 5 and 6); the emulator sends exactly 3, because the Java SDK misreads any other count.
            last_started (str | Unset): UTC date and time as the API sends it: `YYYY-MM-DDThh:mm:ss` with an optional
                fraction of 1 to 6
                digits and no zone designator (`2016-09-29T18:04:00`, `2023-03-28T11:06:09.827`).
                Resolved: the pages call this "ISO 8601", but it is not RFC 3339 `date-time` (no offset), and
                `format: date-time` would make schemathesis reject every real response (fullApi uses it).
                `date-time-local` is the registered OpenAPI format for exactly this; with the `pattern` the
                generated client keeps it a `str` (`toloka_contract.timestamps` turns it into a naive UTC `datetime`)
                and schemathesis validates it. 0 to 6 fractional digits are accepted (the server has been seen sending
                0, 3, 5 and 6); the emulator sends exactly 3, because the Java SDK misreads any other count.
            last_stopped (str | Unset): UTC date and time as the API sends it: `YYYY-MM-DDThh:mm:ss` with an optional
                fraction of 1 to 6
                digits and no zone designator (`2016-09-29T18:04:00`, `2023-03-28T11:06:09.827`).
                Resolved: the pages call this "ISO 8601", but it is not RFC 3339 `date-time` (no offset), and
                `format: date-time` would make schemathesis reject every real response (fullApi uses it).
                `date-time-local` is the registered OpenAPI format for exactly this; with the `pattern` the
                generated client keeps it a `str` (`toloka_contract.timestamps` turns it into a naive UTC `datetime`)
                and schemathesis validates it. 0 to 6 fractional digits are accepted (the server has been seen sending
                0, 3, 5 and 6); the emulator sends exactly 3, because the Java SDK misreads any other count.
    """

    id: str
    project_id: str
    status: PoolStatus
    defaults: PoolDefaults
    private_name: str | Unset = UNSET
    type_: str | Unset = UNSET
    owner: Owner | Unset = UNSET
    created: str | Unset = UNSET
    last_started: str | Unset = UNSET
    last_stopped: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        project_id = self.project_id

        status = self.status.value

        defaults = self.defaults.to_dict()

        private_name = self.private_name

        type_ = self.type_

        owner: dict[str, Any] | Unset = UNSET
        if not isinstance(self.owner, Unset):
            owner = self.owner.to_dict()

        created = self.created

        last_started = self.last_started

        last_stopped = self.last_stopped

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "project_id": project_id,
                "status": status,
                "defaults": defaults,
            }
        )
        if private_name is not UNSET:
            field_dict["private_name"] = private_name
        if type_ is not UNSET:
            field_dict["type"] = type_
        if owner is not UNSET:
            field_dict["owner"] = owner
        if created is not UNSET:
            field_dict["created"] = created
        if last_started is not UNSET:
            field_dict["last_started"] = last_started
        if last_stopped is not UNSET:
            field_dict["last_stopped"] = last_stopped

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.owner import Owner  # noqa: PLC0415
        from ..models.pool_defaults import PoolDefaults  # noqa: PLC0415

        d = dict(src_dict)
        id = d.pop("id")

        project_id = d.pop("project_id")

        status = PoolStatus(d.pop("status"))

        defaults = PoolDefaults.from_dict(d.pop("defaults"))

        private_name = d.pop("private_name", UNSET)

        type_ = d.pop("type", UNSET)

        _owner = d.pop("owner", UNSET)
        owner: Owner | Unset
        if isinstance(_owner, Unset):
            owner = UNSET
        else:
            owner = Owner.from_dict(_owner)

        created = d.pop("created", UNSET)

        last_started = d.pop("last_started", UNSET)

        last_stopped = d.pop("last_stopped", UNSET)

        pool = cls(
            id=id,
            project_id=project_id,
            status=status,
            defaults=defaults,
            private_name=private_name,
            type_=type_,
            owner=owner,
            created=created,
            last_started=last_started,
            last_stopped=last_stopped,
        )

        pool.additional_properties = d
        return pool

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
