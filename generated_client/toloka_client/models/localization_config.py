# Generated from openapi.yaml by openapi-python-client (config: generator/config.yaml). Do not edit: run `make generate`.
from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.localization_config_additional_languages_item import LocalizationConfigAdditionalLanguagesItem


T = TypeVar("T", bound="LocalizationConfig")


@_attrs_define
class LocalizationConfig:
    """Translations of the item (fullApi `LocalizationConfig` on `TaskFormV1` and `RawTask`; the Java SDK's
    `BaseTask` sends it). Languages are strings here, not fullApi's closed enum of language codes.

        Attributes:
            default_language (str | Unset):
            additional_languages (list[LocalizationConfigAdditionalLanguagesItem] | Unset):
    """

    default_language: str | Unset = UNSET
    additional_languages: list[LocalizationConfigAdditionalLanguagesItem] | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        default_language = self.default_language

        additional_languages: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.additional_languages, Unset):
            additional_languages = []
            for additional_languages_item_data in self.additional_languages:
                additional_languages_item = additional_languages_item_data.to_dict()
                additional_languages.append(additional_languages_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if default_language is not UNSET:
            field_dict["default_language"] = default_language
        if additional_languages is not UNSET:
            field_dict["additional_languages"] = additional_languages

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.localization_config_additional_languages_item import LocalizationConfigAdditionalLanguagesItem  # noqa: PLC0415

        d = dict(src_dict)
        default_language = d.pop("default_language", UNSET)

        _additional_languages = d.pop("additional_languages", UNSET)
        additional_languages: list[LocalizationConfigAdditionalLanguagesItem] | Unset = UNSET
        if _additional_languages is not UNSET:
            additional_languages = []
            for additional_languages_item_data in _additional_languages:
                additional_languages_item = LocalizationConfigAdditionalLanguagesItem.from_dict(
                    additional_languages_item_data
                )

                additional_languages.append(additional_languages_item)

        localization_config = cls(
            default_language=default_language,
            additional_languages=additional_languages,
        )

        localization_config.additional_properties = d
        return localization_config

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
