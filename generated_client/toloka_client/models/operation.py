# Generated from openapi.yaml by openapi-python-client (config: generator/config.yaml). Do not edit: run `make generate`.
from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.operation_status import OperationStatus
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.operation_details import OperationDetails
    from ..models.operation_parameters import OperationParameters


T = TypeVar("T", bound="Operation")


@_attrs_define
class Operation:
    """An asynchronous operation. Batch uploads have `type` `TASK.BATCH_CREATE` or
    `TASK_SUITE.BATCH_CREATE`; the set of types is open (the API has many more), so `type` is a string.
    Resolved against fullApi: an accepted async upload answers 202 (fullApi lists 201, which the
    official Java SDK rejects).

        Attributes:
            id (str): Operation ID; equals the `operation_id` sent with the upload, if one was sent, in canonical
                lowercase form (UUIDs are case-insensitive, so `AAAA…` and `aaaa…` name one operation).
            type_ (str):
            status (OperationStatus): `PENDING` not started, `RUNNING` in progress, `SUCCESS` done, `FAIL` not completed.
            submitted (str): UTC date and time as the API sends it: `YYYY-MM-DDThh:mm:ss` with an optional fraction of 1 to
                6
                digits and no zone designator (`2016-09-29T18:04:00`, `2023-03-28T11:06:09.827`).
                Resolved: the pages call this "ISO 8601", but it is not RFC 3339 `date-time` (no offset), and
                `format: date-time` would make schemathesis reject every real response (fullApi uses it).
                `date-time-local` is the registered OpenAPI format for exactly this; with the `pattern` the
                generated client keeps it a `str` (`toloka_contract.timestamps` turns it into a naive UTC `datetime`)
                and schemathesis validates it. 0 to 6 fractional digits are accepted (the server has been seen sending
                0, 3, 5 and 6); the emulator sends exactly 3, because the Java SDK misreads any other count.
            started (str | Unset): UTC date and time as the API sends it: `YYYY-MM-DDThh:mm:ss` with an optional fraction of
                1 to 6
                digits and no zone designator (`2016-09-29T18:04:00`, `2023-03-28T11:06:09.827`).
                Resolved: the pages call this "ISO 8601", but it is not RFC 3339 `date-time` (no offset), and
                `format: date-time` would make schemathesis reject every real response (fullApi uses it).
                `date-time-local` is the registered OpenAPI format for exactly this; with the `pattern` the
                generated client keeps it a `str` (`toloka_contract.timestamps` turns it into a naive UTC `datetime`)
                and schemathesis validates it. 0 to 6 fractional digits are accepted (the server has been seen sending
                0, 3, 5 and 6); the emulator sends exactly 3, because the Java SDK misreads any other count.
            finished (str | Unset): UTC date and time as the API sends it: `YYYY-MM-DDThh:mm:ss` with an optional fraction
                of 1 to 6
                digits and no zone designator (`2016-09-29T18:04:00`, `2023-03-28T11:06:09.827`).
                Resolved: the pages call this "ISO 8601", but it is not RFC 3339 `date-time` (no offset), and
                `format: date-time` would make schemathesis reject every real response (fullApi uses it).
                `date-time-local` is the registered OpenAPI format for exactly this; with the `pattern` the
                generated client keeps it a `str` (`toloka_contract.timestamps` turns it into a naive UTC `datetime`)
                and schemathesis validates it. 0 to 6 fractional digits are accepted (the server has been seen sending
                0, 3, 5 and 6); the emulator sends exactly 3, because the Java SDK misreads any other count.
            progress (int | Unset): Percent done.
            parameters (OperationParameters | Unset): What the operation was started with: an upload's query flags, or
                `{pool_id}` for `POOL.OPEN` /
                `POOL.CLOSE` (fullApi's example answers). Open: other operation types carry other keys.
            details (OperationDetails | Unset): Item counts of a batch-create operation. They add up: `valid_count +
                not_valid_count` and
                `success_count + failed_count` both equal `total_count` once the operation has ended. An async
                tasks upload counts tasks, a suites upload counts suites (resolved: the tasks page says "number of
                task suites").
    """

    id: str
    type_: str
    status: OperationStatus
    submitted: str
    started: str | Unset = UNSET
    finished: str | Unset = UNSET
    progress: int | Unset = UNSET
    parameters: OperationParameters | Unset = UNSET
    details: OperationDetails | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        type_ = self.type_

        status = self.status.value

        submitted = self.submitted

        started = self.started

        finished = self.finished

        progress = self.progress

        parameters: dict[str, Any] | Unset = UNSET
        if not isinstance(self.parameters, Unset):
            parameters = self.parameters.to_dict()

        details: dict[str, Any] | Unset = UNSET
        if not isinstance(self.details, Unset):
            details = self.details.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "type": type_,
                "status": status,
                "submitted": submitted,
            }
        )
        if started is not UNSET:
            field_dict["started"] = started
        if finished is not UNSET:
            field_dict["finished"] = finished
        if progress is not UNSET:
            field_dict["progress"] = progress
        if parameters is not UNSET:
            field_dict["parameters"] = parameters
        if details is not UNSET:
            field_dict["details"] = details

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.operation_details import OperationDetails  # noqa: PLC0415
        from ..models.operation_parameters import OperationParameters  # noqa: PLC0415

        d = dict(src_dict)
        id = d.pop("id")

        type_ = d.pop("type")

        status = OperationStatus(d.pop("status"))

        submitted = d.pop("submitted")

        started = d.pop("started", UNSET)

        finished = d.pop("finished", UNSET)

        progress = d.pop("progress", UNSET)

        _parameters = d.pop("parameters", UNSET)
        parameters: OperationParameters | Unset
        if isinstance(_parameters, Unset):
            parameters = UNSET
        else:
            parameters = OperationParameters.from_dict(_parameters)

        _details = d.pop("details", UNSET)
        details: OperationDetails | Unset
        if isinstance(_details, Unset):
            details = UNSET
        else:
            details = OperationDetails.from_dict(_details)

        operation = cls(
            id=id,
            type_=type_,
            status=status,
            submitted=submitted,
            started=started,
            finished=finished,
            progress=progress,
            parameters=parameters,
            details=details,
        )

        operation.additional_properties = d
        return operation

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
