# Generated from openapi.yaml by openapi-python-client (config: generator/config.yaml). Do not edit: run `make generate`.

"""A client library for accessing Toloka batch task-creation API"""

from .client import AuthenticatedClient, Client

__all__ = (
    "AuthenticatedClient",
    "Client",
)
