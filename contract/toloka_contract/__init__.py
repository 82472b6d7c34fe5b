"""The Toloka batch task-creation contract as a library.

- `toloka_contract.spec`: openapi.yaml, shipped as package data (`spec_text()`, `load_spec()`).
- `toloka_contract.timestamps`: the API's timestamp form (`TIMESTAMP_PATTERN`, `is_timestamp`, parse/format).
- `toloka_contract.operations`: operation statuses, types and log steps; `wait_for_operation` (sync and asyncio).
- `toloka_contract.item_rule`: the create-item rule (`ItemRule`), read from `TaskCreate` / `TaskSuiteCreate` with a
  project's field specs (`toloka_contract.fields`): a fast yes or no, and the API's errors.
- `toloka_contract.auth`: the Authorization scheme rule (`ApiKey` or `OAuth`) and `Secret`, a token that never shows.

Every fact here is either read from openapi.yaml or pinned to it by a test in contract/tests.
"""
