# Generated from openapi.yaml by openapi-python-client (config: generator/config.yaml). Do not edit: run `make generate`.
from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.localization_config import LocalizationConfig
    from ..models.owner import Owner
    from ..models.task_spec import TaskSpec


T = TypeVar("T", bound="Project")


@_attrs_define
class Project:
    """A project, read-only here (fullApi `ProjectViewV1`; its other fields are allowed and not described).
    `id` and `task_spec` are required: the spec is why the contract reads projects.

        Attributes:
            id (str):
            task_spec (TaskSpec): What a project's tasks carry in and give out (fullApi `task_spec`); `view_spec` is
                allowed, not described.
            public_name (str | Unset):
            public_description (str | Unset):
            private_comment (str | Unset):
            localization_config (LocalizationConfig | Unset): Translations of the item (fullApi `LocalizationConfig` on
                `TaskFormV1` and `RawTask`; the Java SDK's
                `BaseTask` sends it). Languages are strings here, not fullApi's closed enum of language codes.
            owner (Owner | Unset): Who owns a pool or project (fullApi `owner`).
            status (str | Unset): `ACTIVE` or `ARCHIVED`; an open set.
            created (str | Unset): UTC date and time as the API sends it: `YYYY-MM-DDThh:mm:ss` with an optional fraction of
                1 to 6
                digits and no zone designator (`2016-09-29T18:04:00`, `2023-03-28T11:06:09.827`).
                Resolved: the pages call this "ISO 8601", but it is not RFC 3339 `date-time` (no offset), and
                `format: date-time` would make schemathesis reject every real response (fullApi uses it).
                `date-time-local` is the registered OpenAPI format for exactly this; with the `pattern` the
                generated client keeps it a `str` (`toloka_contract.timestamps` turns it into a naive UTC `datetime`)
                and schemathesis validates it. 0 to 6 fractional digits are accepted (the server has been seen sending
                0, 3, 5 and 6); the emulator sends exactly 3, because the Java SDK misreads any other count.
    """

    id: str
    task_spec: TaskSpec
    public_name: str | Unset = UNSET
    public_description: str | Unset = UNSET
    private_comment: str | Unset = UNSET
    localization_config: LocalizationConfig | Unset = UNSET
    owner: Owner | Unset = UNSET
    status: str | Unset = UNSET
    created: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        task_spec = self.task_spec.to_dict()

        public_name = self.public_name

        public_description = self.public_description

        private_comment = self.private_comment

        localization_config: dict[str, Any] | Unset = UNSET
        if not isinstance(self.localization_config, Unset):
            localization_config = self.localization_config.to_dict()

        owner: dict[str, Any] | Unset = UNSET
        if not isinstance(self.owner, Unset):
            owner = self.owner.to_dict()

        status = self.status

        created = self.created

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "task_spec": task_spec,
            }
        )
        if public_name is not UNSET:
            field_dict["public_name"] = public_name
        if public_description is not UNSET:
            field_dict["public_description"] = public_description
        if private_comment is not UNSET:
            field_dict["private_comment"] = private_comment
        if localization_config is not UNSET:
            field_dict["localization_config"] = localization_config
        if owner is not UNSET:
            field_dict["owner"] = owner
        if status is not UNSET:
            field_dict["status"] = status
        if created is not UNSET:
            field_dict["created"] = created

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.localization_config import LocalizationConfig  # noqa: PLC0415
        from ..models.owner import Owner  # noqa: PLC0415
        from ..models.task_spec import TaskSpec  # noqa: PLC0415

        d = dict(src_dict)
        id = d.pop("id")

        task_spec = TaskSpec.from_dict(d.pop("task_spec"))

        public_name = d.pop("public_name", UNSET)

        public_description = d.pop("public_description", UNSET)

        private_comment = d.pop("private_comment", UNSET)

        _localization_config = d.pop("localization_config", UNSET)
        localization_config: LocalizationConfig | Unset
        if isinstance(_localization_config, Unset):
            localization_config = UNSET
        else:
            localization_config = LocalizationConfig.from_dict(_localization_config)

        _owner = d.pop("owner", UNSET)
        owner: Owner | Unset
        if isinstance(_owner, Unset):
            owner = UNSET
        else:
            owner = Owner.from_dict(_owner)

        status = d.pop("status", UNSET)

        created = d.pop("created", UNSET)

        project = cls(
            id=id,
            task_spec=task_spec,
            public_name=public_name,
            public_description=public_description,
            private_comment=private_comment,
            localization_config=localization_config,
            owner=owner,
            status=status,
            created=created,
        )

        project.additional_properties = d
        return project

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
