# Generated from openapi.yaml by openapi-python-client (config: generator/config.yaml). Do not edit: run `make generate`.
from enum import StrEnum


class OperationStatus(StrEnum):
    FAIL = "FAIL"
    PENDING = "PENDING"
    RUNNING = "RUNNING"
    SUCCESS = "SUCCESS"

    # Changed from the stock template (why: Toloka adds enum values before this contract lists them, and a client
    # that raises ValueError on tomorrow's answer breaks every call that reads one): a value the contract does not
    # list becomes an unknown member named UNKNOWN that keeps its value, so it parses, compares equal to its string
    # and round-trips through to_dict. `is_known` tells the two apart.
    @classmethod
    def _missing_(cls, value: object) -> "OperationStatus | None":
        if not isinstance(value, str):
            return None
        member = str.__new__(cls, value)
        member._name_ = "UNKNOWN"
        member._value_ = value
        return member

    @property
    def is_known(self) -> bool:
        """Whether the contract lists this value (False for a value the server added since)."""
        return self._value_ in type(self)._value2member_map_

    def __str__(self) -> str:
        return str(self.value)
