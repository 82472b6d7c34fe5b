"""What one upload is asked to do: the one options object, and what is derived from it (the API's flags, the
target its checkpoint and operation ids are for).

`UploadOptions` is the one place the options are written; `UploadFields` spells the same names for type checkers
of the flat keyword arguments (`upload_tasks(items, pool_id=...)`), and a test keeps the two equal.
"""

import asyncio
import os
from collections.abc import Callable
from typing import TypedDict, TypeVar

import attrs
from attrs import AttrsInstance

from toloka_upload.checks import InputSpec
from toloka_upload.results import BatchOutcome


@attrs.frozen(kw_only=True)
class UploadOptions:
    """Everything about one upload but its items and the connection; a misspelt option is a TypeError.

    `pool_id` fills items without one (and its project's input spec checks them). `async_mode` (default): one
    operation per batch, in the target's sequence of operation ids: a run first reads what earlier runs of the
    target created and sends only the rest (per item, by content), so a rerun after any interruption, a fix, a
    deletion or a reordering creates nothing twice. `again` uploads the same content again on purpose, as new
    items: a name (any string) starts a sequence of its own that a rerun with the same name meets again; `True`
    makes up a random one (kept in the checkpoint, if any). `checkpoint`: a resume file recording the target and
    what became of each item (what makes a synchronous upload safe to rerun). `give_up_after`: seconds for the
    whole upload (default: `Settings.give_up_after`). `input_spec`: the project's input spec to check
    `input_values` against; read from the pool's project when None and `read_input_spec`. `on_batch` is called
    as each batch ends; `keep_items=False` keeps only counts. Setting `stop` ends the upload after the batches in
    flight: the rest of the input is still read, and reported failed (not sent).
    """

    pool_id: str | None = None
    async_mode: bool = True
    skip_invalid_items: bool = False
    allow_defaults: bool = False
    open_pool: bool = False
    checkpoint: str | os.PathLike[str] | None = None
    again: bool | str = False
    give_up_after: float | None = None
    input_spec: InputSpec | None = None
    read_input_spec: bool = True
    on_batch: Callable[[BatchOutcome], None] | None = None
    keep_items: bool = True
    stop: asyncio.Event | None = None


class UploadFields(TypedDict, total=False):
    """The fields of UploadOptions as flat keyword arguments, for type checkers (at run time UploadOptions
    itself refuses any other name)."""

    pool_id: str | None
    async_mode: bool
    skip_invalid_items: bool
    allow_defaults: bool
    open_pool: bool
    checkpoint: str | os.PathLike[str] | None
    again: bool | str
    give_up_after: float | None
    input_spec: InputSpec | None
    read_input_spec: bool
    on_batch: Callable[[BatchOutcome], None] | None
    keep_items: bool
    stop: asyncio.Event | None


Picked = TypeVar("Picked", bound=AttrsInstance)


def derived(cls: type[Picked], options: UploadOptions, **extra: object) -> Picked:
    """An instance of the attrs class `cls` whose fields are taken from the options' fields of the same names
    (ApiFlags, Target), with `extra` for those the options do not hold."""
    names = [name for name in attrs.fields_dict(cls) if name not in extra]
    return cls(**{name: getattr(options, name) for name in names}, **extra)
