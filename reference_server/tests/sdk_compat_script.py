"""Run by the official SDK's own interpreter (compat/toloka-kit/.venv): create tasks and suites both ways.

Usage: python sdk_compat_script.py BASE_URL TOKEN. Prints one JSON line of what it saw; exits non-zero on failure.
"""

from __future__ import annotations

import json
import sys
import warnings

warnings.filterwarnings("ignore")

import toloka.client as toloka  # type: ignore[import-not-found]  # noqa: E402

IMAGE = "https://example.com/{}.png"


def main(base_url: str, token: str) -> int:
    """Exercise create_tasks / create_task_suites in async and sync modes and check what comes back."""
    client = toloka.TolokaClient(token, url=base_url, retries=0, timeout=30)
    seen: dict[str, object] = {}
    for async_mode in (True, False):
        tasks = [toloka.Task(pool_id="1", input_values={"image": IMAGE.format(i)}) for i in range(5)]
        result = client.create_tasks(tasks, allow_defaults=True, async_mode=async_mode)
        assert sorted(result.items) == [str(i) for i in range(5)], result.items
        for index, created in result.items.items():
            assert created.input_values == {"image": IMAGE.format(index)}, created
            assert created.overlap == 3 and created.id
        assert not result.validation_errors
        fetched = client.get_task(result.items["0"].id)
        assert fetched.id == result.items["0"].id

        suites = [
            toloka.TaskSuite(pool_id="1", tasks=[toloka.Task(input_values={"image": IMAGE.format(i)})])
            for i in range(3)
        ]
        suite_result = client.create_task_suites(suites, allow_defaults=True, async_mode=async_mode)
        assert sorted(suite_result.items) == ["0", "1", "2"], suite_result.items
        for index, created in suite_result.items.items():
            assert created.tasks[0].input_values == {"image": IMAGE.format(index)}
            assert created.overlap == 2

        mixed = [
            toloka.Task(pool_id="1", input_values={"image": IMAGE.format(0)}),
            toloka.Task(pool_id="1", input_values={}),
        ]
        partial = client.create_tasks(mixed, allow_defaults=True, skip_invalid_items=True, async_mode=async_mode)
        assert list(partial.items) == ["0"], partial.items
        assert list(partial.validation_errors) == ["1"], partial.validation_errors
        seen[f"async={async_mode}"] = {
            "tasks": len(result.items),
            "suites": len(suite_result.items),
            "skipped": list(partial.validation_errors),
        }
    print(json.dumps(seen))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
