# Generated from openapi.yaml by openapi-python-client (config: generator/config.yaml). Do not edit: run `make generate`.
from enum import StrEnum


class ListTaskSuitesSort(StrEnum):
    CREATED = "created"
    ID = "id"
    VALUE_1 = "-id"
    VALUE_3 = "-created"

    def __str__(self) -> str:
        return str(self.value)
