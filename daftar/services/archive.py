"""A signed archive of a cycle's event histories, and its verification.

One file per application, `<workflow id>.json`: the raw history as the Temporal CLI writes it
(`temporal workflow show --output json`), which `WorkflowHistory.from_json` reads back and the
replayer accepts. `manifest.json`, written last, lists each file's SHA-256 and carries an
HMAC-SHA256 (the archive key) over the canonical JSON of everything else in it; `verify`
detects any altered, missing or added file and any edit to the manifest itself.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac as hmac_lib
import json
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from google.protobuf.descriptor import Descriptor, FieldDescriptor
from pydantic import BaseModel, Field, ValidationError
from temporalio.api.history.v1 import History
from temporalio.client import Client, WorkflowHistory

from daftar.contracts.ids import applicant_workflow_id

MANIFEST = "manifest.json"
PHASE = "export"

Progress = Callable[[str, int, int], None]


class ArchiveError(RuntimeError):
    """The archive cannot be written where asked; the message says why."""


class Manifest(BaseModel):
    """The archive's table of contents: file name → SHA-256 hex, signed as a whole."""

    cycle: int | None
    created_at: datetime
    files: dict[str, str]
    hmac: str


class VerifyReport(BaseModel):
    """What `verify` found; `ok` only when nothing is wrong."""

    ok: bool
    altered: list[str] = Field(default_factory=list)
    missing: list[str] = Field(default_factory=list)
    added: list[str] = Field(default_factory=list)
    bad_signature: bool = False
    checked: int = 0
    problem: str | None = None


def history_json(history: WorkflowHistory) -> str:
    """The history exactly as `temporal workflow show --output json` writes it.

    `history.to_json()` (proto JSON, 2-space indent) in the CLI's order: fields in declaration
    order (Python's is by field number), map entries (search attributes, payload metadata)
    sorted by key, and a final newline. The server sends map entries in a random order, so
    without the sorting one history would give different bytes, and hashes, on each export.
    """
    body = _cli_order(History.DESCRIPTOR, history.to_json_dict())
    return json.dumps(body, indent=2, ensure_ascii=False) + "\n"


_FLOATS = (FieldDescriptor.TYPE_DOUBLE, FieldDescriptor.TYPE_FLOAT)


def _go_float(value: Any) -> Any:
    """A float as Go's protojson writes it: a whole number without `.0`.

    A retry policy's `backoffCoefficient` of 2 is `2`, where Python would write `2.0`.
    """
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e21:
        return int(value)
    return value


def _cli_order(descriptor: Descriptor, value: Any) -> Any:
    """`value`, the proto JSON of a `descriptor` message, reordered as Go's protojson orders."""
    if not isinstance(value, dict) or descriptor.full_name.startswith("google.protobuf."):
        return value  # a well-known type: a string, or nothing of ours inside
    out: dict[str, Any] = {}
    for field in descriptor.fields:  # declaration order
        if field.json_name not in value:
            continue
        item = value[field.json_name]
        if field.message_type is None:
            out[field.json_name] = (_go_float(item) if field.type in _FLOATS else item)
        elif field.message_type.GetOptions().map_entry:
            key_type = field.message_type.fields_by_name["key"].type
            numeric = key_type not in (FieldDescriptor.TYPE_STRING, FieldDescriptor.TYPE_BOOL)
            inner = field.message_type.fields_by_name["value"].message_type
            out[field.json_name] = {
                k: v if inner is None else _cli_order(inner, v)
                for k, v in sorted(item.items(), key=lambda kv: int(kv[0]) if numeric else kv[0])}
        elif isinstance(item, list):
            out[field.json_name] = [_cli_order(field.message_type, v) for v in item]
        else:
            out[field.json_name] = _cli_order(field.message_type, item)
    out.update((k, v) for k, v in value.items() if k not in out)  # anything else, as it came
    return out


def sha256_hex(data: bytes) -> str:
    """The SHA-256 of `data`, in hex."""
    return hashlib.sha256(data).hexdigest()


def _canonical(unsigned: dict[str, Any]) -> bytes:
    return json.dumps(unsigned, sort_keys=True, separators=(",", ":")).encode()


def _signature(unsigned: dict[str, Any], key: bytes) -> str:
    return hmac_lib.new(key, _canonical(unsigned), hashlib.sha256).hexdigest()


def sign_manifest(cycle: int | None, files: dict[str, str], key: bytes,
                  created_at: datetime | None = None) -> Manifest:
    """A manifest for `files`, its HMAC over the canonical JSON of all but the HMAC."""
    unsigned = Manifest(cycle=cycle, created_at=created_at or datetime.now(UTC),
                        files=dict(sorted(files.items())), hmac="")
    body = unsigned.model_dump(mode="json", exclude={"hmac"})
    return unsigned.model_copy(update={"hmac": _signature(body, key)})


def write_manifest(directory: Path, manifest: Manifest) -> None:
    """Write the archive's manifest into `directory`."""
    (directory / MANIFEST).write_text(json.dumps(manifest.model_dump(mode="json"), indent=2)
                                      + "\n", encoding="utf-8")


def _file_name(workflow_id: str) -> str:
    if not workflow_id or "/" in workflow_id or "\\" in workflow_id \
            or workflow_id.startswith(".") or workflow_id + ".json" == MANIFEST:
        raise ArchiveError(f"workflow id {workflow_id!r} cannot be a file name")
    return f"{workflow_id}.json"


async def export_one(client: Client, application_id: str) -> tuple[str, str]:
    """One application's history as JSON text, and the SHA-256 of its UTF-8 bytes."""
    handle = client.get_workflow_handle(applicant_workflow_id(application_id))
    text = history_json(await handle.fetch_history())
    return text, sha256_hex(text.encode())


def _prepare(out: Path) -> None:
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise ArchiveError(f"{out} exists and is not an empty directory")
    out.mkdir(parents=True, exist_ok=True)


def cycle_query(year: int, extra_query: str | None = None) -> str:
    """The visibility query for a cycle's applications (`extra_query` narrows it)."""
    query = f"DaftarCycle = {int(year)}"
    return f"{query} AND ({extra_query})" if extra_query else query


async def export_cycle(client: Client, year: int, out: Path, key: bytes,
                       progress: Progress | None = None, concurrency: int = 8,
                       extra_query: str | None = None) -> Manifest:
    """Write every history of cycle `year` into `out` (new or empty), then the manifest.

    At most `concurrency` histories are in memory at once; the listing is paged.
    """
    concurrency = max(1, concurrency)
    await asyncio.to_thread(_prepare, out)
    query = cycle_query(year, extra_query)
    total = (await client.count_workflows(query)).count
    files: dict[str, str] = {}
    done = 0
    queue: asyncio.Queue[tuple[str, str | None] | None] = asyncio.Queue(maxsize=concurrency * 2)
    if progress:
        progress(PHASE, 0, total)

    async def lister() -> None:
        async for execution in client.list_workflows(query, page_size=200):
            await queue.put((execution.id, execution.run_id))
        for _ in range(concurrency):
            await queue.put(None)

    async def fetcher() -> None:
        nonlocal done, total
        while (item := await queue.get()) is not None:
            workflow_id, run_id = item
            name = _file_name(workflow_id)
            if name in files:  # a reused workflow id: each run gets its own file
                name = _file_name(f"{workflow_id}--{run_id}")
            files[name] = ""  # claimed before the await, so two runs never share a name
            handle = client.get_workflow_handle(workflow_id, run_id=run_id)
            data = history_json(await handle.fetch_history()).encode()
            await asyncio.to_thread((out / name).write_bytes, data)
            files[name] = sha256_hex(data)
            done += 1
            total = max(total, done)
            if progress:
                progress(PHASE, done, total)

    try:
        async with asyncio.TaskGroup() as group:
            group.create_task(lister())
            for _ in range(concurrency):
                group.create_task(fetcher())
    except ExceptionGroup as failed:  # the first failure, as the caller would expect it
        raise failed.exceptions[0] from failed
    manifest = sign_manifest(year, files, key)
    await asyncio.to_thread(write_manifest, out, manifest)
    return manifest


def verify(directory: Path, key: bytes) -> VerifyReport:
    """Check the manifest's HMAC and every file's SHA-256; list what is off."""
    path = directory / MANIFEST
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        manifest = Manifest.model_validate(raw)
    except FileNotFoundError:
        return VerifyReport(ok=False, problem=f"no {MANIFEST} in {directory}")
    except (OSError, UnicodeDecodeError, json.JSONDecodeError, ValidationError) as err:
        return VerifyReport(ok=False, problem=f"{path} is unreadable: {err}")
    unsigned = {k: v for k, v in raw.items() if k != "hmac"}
    expected = _signature(unsigned, key)
    bad_signature = not hmac_lib.compare_digest(expected.encode(), manifest.hmac.encode())
    unsafe = sorted(n for n in manifest.files if Path(n).name != n or n in ("", ".", ".."))
    if unsafe:
        return VerifyReport(ok=False, bad_signature=bad_signature,
                            problem=f"{MANIFEST} lists names outside the archive: {unsafe}")
    present = {p.name for p in directory.iterdir() if p.name != MANIFEST}
    altered: list[str] = []
    missing: list[str] = []
    checked = 0
    for name, digest in sorted(manifest.files.items()):
        if name not in present:
            missing.append(name)
            continue
        try:
            actual = sha256_hex((directory / name).read_bytes())
        except OSError:
            altered.append(name)  # a directory or an unreadable file where a file was
            continue
        checked += 1
        if not hmac_lib.compare_digest(actual.encode(), digest.lower().encode()):
            altered.append(name)
    added = sorted(present - manifest.files.keys())
    ok = not (altered or missing or added or bad_signature)
    return VerifyReport(ok=ok, altered=altered, missing=missing, added=added,
                        bad_signature=bad_signature, checked=checked)
