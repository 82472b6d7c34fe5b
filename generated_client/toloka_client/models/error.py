# Generated from openapi.yaml by openapi-python-client (config: generator/config.yaml). Do not edit: run `make generate`.
from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="Error")


@_attrs_define
class Error:
    """The Toloka error body. Only `code` and `message` are required: the "common errors" examples of the
    docs (403, 404, 429, 503, ...) carry only those two, and the Java SDK documents the request id as
    possibly null. The emulator always sends `request_id`.

        Attributes:
            code (str): `VALIDATION_ERROR`, `AUTHENTICATION_ERROR`, `ACCESS_DENIED`, `DOES_NOT_EXIST`,
                `OPERATION_ALREADY_EXISTS`, ...
            message (str):
            request_id (str | Unset): The ID of the request, for support.
            payload (Any | Unset): Details, if any; for a batch `VALIDATION_ERROR`, errors keyed by item index, then field
                path (by
                field path alone for a single-object body); `{interval}` for 429. May be absent or null.
    """

    code: str
    message: str
    request_id: str | Unset = UNSET
    payload: Any | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        code = self.code

        message = self.message

        request_id = self.request_id

        payload = self.payload

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "code": code,
                "message": message,
            }
        )
        if request_id is not UNSET:
            field_dict["request_id"] = request_id
        if payload is not UNSET:
            field_dict["payload"] = payload

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        code = d.pop("code")

        message = d.pop("message")

        request_id = d.pop("request_id", UNSET)

        payload = d.pop("payload", UNSET)

        error = cls(
            code=code,
            message=message,
            request_id=request_id,
            payload=payload,
        )

        error.additional_properties = d
        return error

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
