"""The two things an upload can create, and what differs between them on the wire."""

import enum
from types import ModuleType
from typing import Any

from toloka_client.api.task_suites import create_task_suites, list_task_suites
from toloka_client.api.tasks import create_tasks, list_tasks
from toloka_client.models.task_create import TaskCreate
from toloka_client.models.task_suite_create import TaskSuiteCreate


class Kind(enum.Enum):
    """Tasks or task suites."""

    TASKS = "tasks"
    TASK_SUITES = "task-suites"

    @property
    def create_module(self) -> ModuleType:
        """The generated module of the create operation (its request shape is reused, not re-typed)."""
        return create_tasks if self is Kind.TASKS else create_task_suites

    @property
    def list_module(self) -> ModuleType:
        """The generated module of the list operation."""
        return list_tasks if self is Kind.TASKS else list_task_suites

    @property
    def model(self) -> type[Any]:
        """The generated create model users may pass instead of plain dicts."""
        return TaskCreate if self is Kind.TASKS else TaskSuiteCreate

    @property
    def created_key(self) -> str:
        """The key of the created id in an operation log entry's output."""
        return "task_id" if self is Kind.TASKS else "task_suite_id"

    @property
    def required_key(self) -> str:
        """The content field every create object needs besides `pool_id`."""
        return "input_values" if self is Kind.TASKS else "tasks"
