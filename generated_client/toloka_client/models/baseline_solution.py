# Generated from openapi.yaml by openapi-python-client (config: generator/config.yaml). Do not edit: run `make generate`.
from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.output_values import OutputValues


T = TypeVar("T", bound="BaselineSolution")


@_attrs_define
class BaselineSolution:
    """A preliminary answer, shown to no one, used for machine learning.

    Attributes:
        output_values (OutputValues): Output data, keyed by the output field names of the project spec.
        confidence_weight (float | Unset): Confidence in this answer, from 0 to 1.
    """

    output_values: OutputValues
    confidence_weight: float | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        output_values = self.output_values.to_dict()

        confidence_weight = self.confidence_weight

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "output_values": output_values,
            }
        )
        if confidence_weight is not UNSET:
            field_dict["confidence_weight"] = confidence_weight

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.output_values import OutputValues  # noqa: PLC0415

        d = dict(src_dict)
        output_values = OutputValues.from_dict(d.pop("output_values"))

        confidence_weight = d.pop("confidence_weight", UNSET)

        baseline_solution = cls(
            output_values=output_values,
            confidence_weight=confidence_weight,
        )

        baseline_solution.additional_properties = d
        return baseline_solution

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
