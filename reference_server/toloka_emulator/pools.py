"""Pools and projects: their configured form, the pools' current statuses, and how both read over the API."""

from __future__ import annotations

from typing import Any

import orjson

from toloka_emulator.config import EmulatorConfig, PoolConfig, ProjectConfig
from toloka_emulator.input_spec import SpecValidators, spec_json
from toloka_emulator.storage import PoolState

# Internal status → the API's PoolStatus.
API_STATUS = {"open": "OPEN", "closed": "CLOSED", "archived": "ARCHIVED"}


class Pools:
    """Every configured pool and project, with compiled input and output specs and each pool's current status.

    Statuses change only on the writer thread (`set`); reads on the event loop see whole PoolState values.
    """

    def __init__(self, config: EmulatorConfig, stored: list[PoolState]) -> None:
        self.configs: dict[str, PoolConfig] = config.pools
        self.projects: dict[str, ProjectConfig] = config.projects
        by_project = {pid: SpecValidators.of(project) for pid, project in config.projects.items()}
        self.validators: dict[str, SpecValidators] = {
            pid: by_project[pool.project_id] for pid, pool in config.pools.items()
        }
        self.states: dict[str, PoolState] = {pid: PoolState(pid, pool.status) for pid, pool in config.pools.items()}
        for state in stored:
            pool = self.configs.get(state.pool_id)
            # An archived pool stays archived; a pool no longer configured is forgotten.
            if pool is not None and pool.status != "archived" and state.status in ("open", "closed"):
                self.states[state.pool_id] = state
        self.statuses: dict[str, str] = {pid: state.status for pid, state in self.states.items()}
        self._project_json = {pid: _project_json(project) for pid, project in config.projects.items()}

    def owned(self, pool_id: str, account: str) -> PoolConfig | None:
        """The pool if it exists and belongs to the account."""
        pool = self.configs.get(pool_id)
        return pool if pool is not None and pool.owner == account else None

    def changed(self, pool_id: str, status: str, now: str) -> PoolState:
        """The pool's state once opened (`open`) or closed (`closed`) at `now` (not yet applied)."""
        state = self.states[pool_id]
        if status == "open":
            return PoolState(pool_id, status, now, state.last_stopped)
        return PoolState(pool_id, status, state.last_started, now)

    def set(self, state: PoolState) -> None:
        """Apply a new state (after, or in the same transaction as, storing it)."""
        self.states[state.pool_id] = state
        self.statuses[state.pool_id] = state.status

    def snapshot(self) -> dict[str, PoolState]:
        """The current states, to restore if a transaction that changed some rolls back."""
        return dict(self.states)

    def restore(self, snapshot: dict[str, PoolState]) -> None:
        """Go back to a snapshot."""
        for state in snapshot.values():
            self.set(state)

    def pool_json(self, pool_id: str, account: str) -> bytes | None:
        """The Pool object of an account's pool, or None if it is missing or foreign."""
        pool = self.owned(pool_id, account)
        if pool is None:
            return None
        state = self.states[pool_id]
        body: dict[str, Any] = {
            "id": pool.id,
            "project_id": pool.project_id,
            "private_name": pool.private_name,
            "status": API_STATUS[state.status],
            "defaults": {
                "default_overlap_for_new_tasks": pool.default_overlap_for_new_tasks,
                "default_overlap_for_new_task_suites": pool.default_overlap_for_new_task_suites,
            },
            "type": "REGULAR",
            "owner": _owner(pool.owner),
            "created": pool.created,
        }
        if state.last_started is not None:
            body["last_started"] = state.last_started
        if state.last_stopped is not None:
            body["last_stopped"] = state.last_stopped
        return orjson.dumps(body)

    def project_json(self, project_id: str, account: str) -> bytes | None:
        """The Project object of an account's project, or None if it is missing or foreign."""
        project = self.projects.get(project_id)
        if project is None or project.owner != account:
            return None
        return self._project_json[project_id]


def _owner(account: str) -> dict[str, Any]:
    """The `owner` of an account's pool or project as its owner reads it."""
    return {"id": account, "myself": True}


def _project_json(project: ProjectConfig) -> bytes:
    return orjson.dumps(
        {
            "id": project.id,
            "public_name": project.public_name,
            "task_spec": {
                "input_spec": spec_json(project.input_spec),
                "output_spec": spec_json(project.output_spec),
            },
            "status": "ACTIVE",
            "owner": _owner(project.owner),
            "created": project.created,
        }
    )
