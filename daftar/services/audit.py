"""Auditors' tools over one application's Temporal history.

Its timeline, its export, a check of an exported file, and a replay against the running code (the
API's and the console's).
"""

from __future__ import annotations

import asyncio
import hmac
import json
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, ValidationError
from sqlmodel import Session
from temporalio.client import Client, WorkflowHistory

from daftar.contracts.ids import applicant_workflow_id
from daftar.core.errors import ServiceError
from daftar.core.settings import Settings
from daftar.domain.digits import normalize_digits
from daftar.domain.redaction import reads_reason
from daftar.domain.violations import Violation
from daftar.gateway.replay import ReplayVerdict, replay, replayer
from daftar.gateway.workflows import history_of
from daftar.services.archive import history_json, sha256_hex
from daftar.services.auth import Principal
from daftar.services.listing import application_of_code
from daftar.services.timeline import TimelineEvent, timeline
from daftar.store.objects import ObjectMissing, ObjectStore

#: The largest export a check reads (a long history is a few hundred KB).
MAX_EXPORT_BYTES = 20 * 1024 * 1024


async def application_timeline(client: Client, app_id: str,
                               principal: Principal) -> list[TimelineEvent]:
    """The application's timeline as `principal` may read it.

    Security reasons (SEC-1) only for the roles that may read them.
    """
    events = await timeline(await history_of(client, app_id), client.data_converter)
    for e in events:
        if e.kind == "decision" and not reads_reason(e.stage or "", principal.roles):
            e.reason = None
    return events


class ExportView(BaseModel):
    """A history's export: the raw Temporal history (the CLI's JSON) and its SHA-256.

    The digest is of that exact text.
    """

    workflow_id: str
    sha256: str
    history: dict[str, Any]


async def export_history(client: Client, app_id: str) -> ExportView:
    """The application's history export."""
    text = history_json(await history_of(client, app_id))
    return ExportView(workflow_id=applicant_workflow_id(app_id), sha256=sha256_hex(text.encode()),
                      history=json.loads(text))


async def replay_application(client: Client, settings: Settings, app_id: str) -> ReplayVerdict:
    """Replay a live application's history on the running code."""
    return await _replay_one(await history_of(client, app_id), settings)


async def replay_exported(settings: Settings, workflow_id: str | None,
                          history: dict[str, Any]) -> ReplayVerdict:
    """Replay an exported history on the running code.

    Raises:
        ServiceError: 422 when the history cannot be read.
    """
    try:
        parsed = WorkflowHistory.from_json(workflow_id or "exported", history)
    except Exception as err:  # any unreadable history is the caller's input
        raise ServiceError(422, "invalid_request", f"The history cannot be read: {err}.",
                           [Violation(rule="REQUEST", field="history", message=str(err))]
                           ) from err
    return await _replay_one(parsed, settings)


async def _replay_one(history: WorkflowHistory, settings: Settings) -> ReplayVerdict:
    [verdict] = await replay([history], using=replayer(settings.codec_keyring))
    return verdict


@dataclass
class Verification:
    """What checking an export found."""

    ok: bool
    workflow_id: str | None = None
    recorded: str | None = None
    computed: str | None = None
    events: int = 0
    live: bool | None = None  # the same digest as the history in Temporal now
    problem: str | None = None
    #: Each file the history names (photos, documents) checked in the object store.
    files: list[FileCheck] = field(default_factory=list)


@dataclass
class FileCheck:
    """One file an export's history names, as the object store holds it now."""

    #: `photo` or the document's kind (DOC-1).
    what: str
    sha256: str
    #: `intact` (the bytes hash to the recorded SHA-256), `altered` or `missing`.
    state: str


def check_export(raw: bytes) -> Verification:
    """Recompute the digest of the export's history and compare it with the digest recorded.

    It is computed as `history_json` writes the history, so a changed event, added or removed,
    changes it.
    """
    if len(raw) > MAX_EXPORT_BYTES:
        return Verification(ok=False, problem="too_large")
    try:
        view = ExportView.model_validate_json(raw)
        history = WorkflowHistory.from_json(view.workflow_id, view.history)
    except (ValidationError, ValueError, json.JSONDecodeError, TypeError):
        return Verification(ok=False, problem="unreadable")
    except Exception:  # a protobuf parse error: the file is not a history
        return Verification(ok=False, problem="unreadable")
    computed = sha256_hex(history_json(history).encode())
    return Verification(ok=hmac.compare_digest(computed, view.sha256.lower()),
                        workflow_id=view.workflow_id, recorded=view.sha256,
                        computed=computed, events=len(history.events))


async def verify_export(client: Client, app_id: str, raw: bytes,
                        objects: ObjectStore | None = None) -> Verification:
    """Check an export of `app_id`, and when it holds, whether it is the history Temporal has now.

    An export of another application, however intact, is refused (`other_application`): the
    auditor asked about this one. With `objects`, each file the history records (the photos,
    the documents) is checked in the object store: a file altered or missing there is reported.
    """
    result = check_export(raw)
    if result.workflow_id is not None and result.workflow_id != applicant_workflow_id(app_id):
        result.ok, result.problem, result.live = False, "other_application", None
        return result
    if result.ok and result.computed:
        live = await export_history(client, app_id)
        result.live = hmac.compare_digest(live.sha256, result.computed)
        if objects is not None:
            view = ExportView.model_validate_json(raw)
            history = WorkflowHistory.from_json(view.workflow_id, view.history)
            result.files = await asyncio.to_thread(
                check_files, objects, files_of(await timeline(history, client.data_converter)))
    return result


def files_of(events: list[TimelineEvent]) -> list[tuple[str, str]]:
    """(what, sha256) of each file a timeline records, in history order, each once."""
    seen: dict[tuple[str, str], None] = {}
    for e in events:
        sha = e.details.get("sha256")
        if isinstance(sha, str) and e.kind in ("photo", "document_uploaded"):
            seen.setdefault((e.details.get("kind") or "photo", sha), None)
    return list(seen)


def check_files(objects: ObjectStore, files: list[tuple[str, str]]) -> list[FileCheck]:
    """Whether each file is in the object store with the bytes its hash says."""
    out = []
    for what, sha in files:
        try:
            state = "intact" if objects.verify(sha) else "altered"
        except ObjectMissing:
            state = "missing"
        out.append(FileCheck(what=what, sha256=sha, state=state))
    return out


def find_application(session: Session, text: str) -> str | None:
    """The application a tracking code (any digits) or an application id names.

    None when it names none (an id is taken as given: its timeline says if there is none).
    """
    code = normalize_digits(text.strip())
    target = application_of_code(session, code)
    if target is None and code.isalnum():
        target = code
    return target
