# Generated from openapi.yaml by openapi-python-client (config: generator/config.yaml). Do not edit: run `make generate`.
from enum import StrEnum


class PoolStatus(StrEnum):
    ARCHIVED = "ARCHIVED"
    CLOSED = "CLOSED"
    LOCKED = "LOCKED"
    OPEN = "OPEN"

    def __str__(self) -> str:
        return str(self.value)
