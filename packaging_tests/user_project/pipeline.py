"""A user's pipeline: image URLs become tasks in a pool; counting what a pool holds reads them back."""

from __future__ import annotations

from typing import Any

from toloka_client import AuthenticatedClient
from toloka_client.api.tasks import list_tasks
from toloka_upload import UploadResult, upload_tasks


def publish(urls: list[str], *, pool_id: str, **connection: Any) -> UploadResult:
    """Upload one task per URL (overlap 1); `connection` is base_url/token/transport."""
    tasks = [{"input_values": {"image": url}, "overlap": 1} for url in urls]
    return upload_tasks(tasks, pool_id=pool_id, **connection)


def images_in_pool(client: AuthenticatedClient, pool_id: str) -> list[str]:
    """The image URLs of a pool's tasks, oldest first."""
    page = list_tasks.sync(client=client, pool_id=pool_id, limit=1000)
    return [task.input_values["image"] for task in page.items]  # type: ignore[union-attr]
