"""Tests of the pipeline against the emulator's fixtures: a clean emulator per test, a typed client, an uploader."""

import pytest
from pipeline import images_in_pool, publish
from toloka_client import AuthenticatedClient
from toloka_emulator.access import EmulatorAccess
from toloka_emulator.fixtures import BoundUploader

URLS = [f"https://example.com/{i}.png" for i in range(5)]
PROJECT = {"id": "9", "owner": "requester", "input_spec": {"image": {"type": "url"}}}
CLOSED_POOL = {"id": "90", "owner": "requester", "project_id": "9", "status": "CLOSED"}


def test_publish_creates_one_task_per_url(toloka_emulator: EmulatorAccess, toloka_client: AuthenticatedClient) -> None:
    result = publish(URLS, pool_id="1", **toloka_emulator.upload_options())
    assert result.created == 5
    assert images_in_pool(toloka_client, "1") == URLS


def test_each_test_starts_clean(toloka_emulator: EmulatorAccess, toloka_client: AuthenticatedClient) -> None:
    assert toloka_emulator.requests() == []
    assert images_in_pool(toloka_client, "1") == []


def test_the_same_upload_in_another_test_creates_again(
    toloka_emulator: EmulatorAccess, toloka_client: AuthenticatedClient
) -> None:
    assert publish(URLS[:1], pool_id="1", **toloka_emulator.upload_options()).created == 1
    assert images_in_pool(toloka_client, "1") == URLS[:1]


def test_what_was_sent_is_readable(toloka_emulator: EmulatorAccess, toloka_uploader: BoundUploader) -> None:
    toloka_uploader.upload_tasks([{"input_values": {"image": URLS[0]}, "overlap": 1}], pool_id="1", async_mode=False)
    [upload] = toloka_emulator.uploads()
    assert upload.query["async_mode"] == "false"
    assert [item["input_values"]["image"] for item in upload.items] == URLS[:1]


def test_invalid_rows_are_reported_not_created(
    toloka_emulator: EmulatorAccess, toloka_client: AuthenticatedClient
) -> None:
    result = publish(["not a url", URLS[0]], pool_id="1", skip_invalid_items=True, **toloka_emulator.upload_options())
    assert (result.created, result.invalid) == (1, 1)
    assert images_in_pool(toloka_client, "1") == URLS[:1]


@pytest.mark.toloka_emulator(config={"projects": [PROJECT], "pools": [CLOSED_POOL]})
def test_a_test_declares_its_own_pools(toloka_emulator: EmulatorAccess, toloka_client: AuthenticatedClient) -> None:
    assert publish(URLS, pool_id="90", open_pool=True, **toloka_emulator.upload_options()).created == 5
    assert images_in_pool(toloka_client, "90") == URLS


@pytest.mark.toloka_emulator(config={"worker": {"operation_delay_s": 0.2}, "faults": {"seed": 1, "error_rate": 0.3}})
def test_the_pipeline_survives_production_like_faults(toloka_emulator: EmulatorAccess) -> None:
    assert publish(URLS, pool_id="1", **toloka_emulator.upload_options()).created == 5
    assert {500, 503} & {record.status for record in toloka_emulator.requests()}  # faults were met and retried
