# Generated from openapi.yaml by openapi-python-client (config: generator/config.yaml). Do not edit: run `make generate`.
from enum import StrEnum


class OperationStatus(StrEnum):
    FAIL = "FAIL"
    PENDING = "PENDING"
    RUNNING = "RUNNING"
    SUCCESS = "SUCCESS"

    def __str__(self) -> str:
        return str(self.value)
