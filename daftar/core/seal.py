"""Seals: only daftar moves a workflow (README: "Only daftar moves a workflow").

Temporal's frontend and Web UI may be reached by people who are not daftar, and a workflow
cannot tell who sent a start, an update or a signal. So every message daftar sends carries a
seal in its Temporal headers: an HMAC-SHA256, under a key derived from one of the payload
codec's keys, over

    the kind of message (start, update, signal), the workflow id, the workflow type or the
    update's or signal's name, a nonce, and a digest of the arguments.

For an update the nonce is the update id, so a seal is good for one update of one workflow:
a genuine update replayed onto another workflow fails the workflow id, replayed onto the
same workflow it fails the update id (Temporal keeps ids unique, and the workflow remembers
the nonces it accepted). A start's seal is bound to its workflow id, which is never reused.
The actor inside a message is believed only because the seal proves daftar's API, command
line or cycle workflow put it there.

Keys: the codec's keyring (`DAFTAR_CODEC_KEYS`) holds every key that may decrypt a history.
Of those, the *sealing* keys (`DAFTAR_CODEC_SEALING_KEYS`, by default only the ring's first)
are the ones a new message may be sealed with; the first of the ring seals. The others are
decrypt-only: kept to read old histories, never accepted on a new message. Rolling to a new
key is three restarts: add it to every process's ring and sealing list (after the first),
then put it first everywhere, then drop the old one from the sealing list; at each step every
process accepts what every other one seals.

A refused update never enters the history. A start whose seal fails ends at once, before the
workflow's code runs, and its history records the verdict (a marker), so a replay reaches the
same verdict whatever keys the replayer holds. daftar sends no signals, so every signal is
refused (ApplicantWorkflow and ExamCycleWorkflow log and drop them).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pydantic_core
from temporalio import workflow
from temporalio.api.common.v1 import Payload
from temporalio.client import (
    Interceptor as ClientInterceptor,
)
from temporalio.client import (
    OutboundInterceptor,
    SignalWorkflowInput,
    StartWorkflowInput,
    StartWorkflowUpdateInput,
    StartWorkflowUpdateWithStartInput,
    WorkflowHandle,
    WorkflowUpdateHandle,
)
from temporalio.exceptions import ApplicationError
from temporalio.worker import (
    ExecuteWorkflowInput,
    HandleQueryInput,
    HandleUpdateInput,
    WorkflowInboundInterceptor,
    WorkflowInterceptorClassInput,
)
from temporalio.worker import (
    Interceptor as WorkerInterceptor,
)

HEADER = "daftar_seal"
#: The refusal type a forged update gets (never seen by daftar's API: it sends none).
FORGED = "forged"
#: The marker a forged start's history carries, so a replay reaches the same verdict.
FORGED_START = "daftar-forged-start"
_DOMAIN = b"daftar-seal-v1"
_KDF_LABEL = b"daftar seal key v1"


@dataclass(frozen=True)
class SealKeys:
    """MAC keys by key id: `sealing` are accepted on new messages; the first of them seals."""

    keys: Mapping[str, bytes]
    sealing: tuple[str, ...]

    @classmethod
    def from_keyring(cls, keyring: Mapping[str, bytes],
                     sealing: Sequence[str] | None = None) -> SealKeys:
        """Seal keys derived from the codec's ring (the ring's first key seals)."""
        if not keyring:
            raise ValueError("sealing needs at least one key (DAFTAR_CODEC_KEYS)")
        ids = list(keyring)
        chosen = tuple(sealing) if sealing else (ids[0],)
        unknown = [kid for kid in chosen if kid not in keyring]
        if unknown:
            raise ValueError(f"sealing key ids {unknown} are not in DAFTAR_CODEC_KEYS "
                             f"(known: {ids})")
        if ids[0] not in chosen:
            raise ValueError(f"the ring's first key {ids[0]!r} encrypts and seals new "
                             "messages, so it must be one of the sealing keys")
        derived = {kid: hmac.new(key, _KDF_LABEL, hashlib.sha256).digest()
                   for kid, key in keyring.items()}
        return cls(keys=derived, sealing=(ids[0], *[k for k in chosen if k != ids[0]]))


def digest(args: Sequence[Any]) -> bytes:
    """A digest of message arguments that is the same on both ends.

    Each argument as JSON (pydantic's encoding of models, decimals and instants), keys sorted.
    """
    body = json.dumps([pydantic_core.to_jsonable_python(a) for a in args], sort_keys=True,
                      separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(body.encode()).digest()


def _mac(key: bytes, kind: str, workflow_id: str, name: str, nonce: str,
         args: Sequence[Any]) -> str:
    message = b"\x00".join([_DOMAIN, kind.encode(), workflow_id.encode(), name.encode(),
                            nonce.encode(), digest(args)])
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def seal(keys: SealKeys, kind: str, workflow_id: str, name: str, nonce: str,
         args: Sequence[Any]) -> Payload:
    """The header payload that proves daftar sent this message."""
    kid = keys.sealing[0]
    body = {"v": 1, "kid": kid, "nonce": nonce,
            "mac": _mac(keys.keys[kid], kind, workflow_id, name, nonce, args)}
    return Payload(metadata={"encoding": b"json/plain"},
                   data=json.dumps(body, separators=(",", ":")).encode())


def refusal(keys: SealKeys, header: Payload | None, kind: str, workflow_id: str, name: str,
            args: Sequence[Any], *, nonce: str | None = None) -> str | None:
    """Why this message is not daftar's (None when its seal holds).

    `nonce`, when given, is the one the seal must carry (an update's id).
    """
    if header is None:
        return "it carries no seal"
    try:
        body = json.loads(header.data)
        kid, sent_nonce, mac = str(body["kid"]), str(body["nonce"]), str(body["mac"])
    except (ValueError, KeyError, TypeError):
        return "its seal is unreadable"
    if kid not in keys.sealing:
        if kid in keys.keys:
            return f"it is sealed with key {kid!r}, which only decrypts old histories"
        return f"it is sealed with an unknown key {kid!r}"
    if nonce is not None and sent_nonce != nonce:
        return "its seal belongs to another message"
    expected = _mac(keys.keys[kid], kind, workflow_id, name, sent_nonce, args)
    if not hmac.compare_digest(expected, mac):
        return "its seal does not match the message (altered, or made for another workflow)"
    return None


# --- the client side: every start, update and signal daftar sends is sealed --------------


class SealInterceptor(ClientInterceptor, WorkerInterceptor):
    """Seals what daftar's clients send, and checks it in daftar's workflows.

    As a client interceptor it seals; a worker built from that client uses it as its worker
    interceptor too (the SDK's rule), so the same keys check. The auditors' replayer uses
    one with no keys: on replay no seal is checked, the history's verdicts are read.
    """

    def __init__(self, keys: SealKeys | None) -> None:
        self._keys = keys

    def intercept_client(self, next: OutboundInterceptor) -> OutboundInterceptor:
        """Seal every start, update and signal the client sends.

        Raises:
            ValueError: This interceptor holds no sealing keys.
        """
        if self._keys is None:
            raise ValueError("a client that sends messages needs sealing keys")
        return _Sealer(next, self._keys)

    def workflow_interceptor_class(
            self, input: WorkflowInterceptorClassInput,
    ) -> type[WorkflowInboundInterceptor]:
        """A workflow inbound interceptor that checks the seal of each start and update.

        A start or update that is not daftar's is refused, and so is any, when this
        interceptor holds no keys; on replay, a start's verdict is read from the history.
        """
        keys = self._keys

        class Checker(_Checker):
            _seal_keys = keys

        return Checker


class _Sealer(OutboundInterceptor):
    def __init__(self, next: OutboundInterceptor, keys: SealKeys) -> None:
        super().__init__(next)
        self._keys = keys

    def _headers(self, headers: Mapping[str, Payload], kind: str, workflow_id: str,
                 name: str, nonce: str, args: Sequence[Any]) -> dict[str, Payload]:
        return {**headers, HEADER: seal(self._keys, kind, workflow_id, name, nonce, args)}

    async def start_workflow(self, input: StartWorkflowInput) -> WorkflowHandle[Any, Any]:
        input.headers = self._headers(input.headers, "start", input.id, input.workflow,
                                      uuid.uuid4().hex, input.args)
        return await super().start_workflow(input)

    async def start_workflow_update(
            self, input: StartWorkflowUpdateInput) -> WorkflowUpdateHandle[Any]:
        input.update_id = input.update_id or str(uuid.uuid4())
        input.headers = self._headers(input.headers, "update", input.id, input.update,
                                      input.update_id, input.args)
        return await super().start_workflow_update(input)

    async def start_update_with_start_workflow(
            self, input: StartWorkflowUpdateWithStartInput) -> WorkflowUpdateHandle[Any]:
        start, update = input.start_workflow_input, input.update_workflow_input
        start.headers = self._headers(start.headers, "start", start.id, start.workflow,
                                      uuid.uuid4().hex, start.args)
        update.update_id = update.update_id or str(uuid.uuid4())
        update.headers = self._headers(update.headers, "update", start.id, update.update,
                                       update.update_id, update.args)
        return await super().start_update_with_start_workflow(input)

    async def signal_workflow(self, input: SignalWorkflowInput) -> None:
        input.headers = self._headers(input.headers, "signal", input.id, input.signal,
                                      uuid.uuid4().hex, input.args)
        await super().signal_workflow(input)


# --- the worker side: daftar's workflows check every start and update ---------------------


class _Checker(WorkflowInboundInterceptor):
    _seal_keys: SealKeys | None = None

    def __init__(self, next: WorkflowInboundInterceptor) -> None:
        super().__init__(next)
        self._nonces: set[str] = set()  # the updates this run accepted (rebuilt on replay)
        self._forged = False

    async def execute_workflow(self, input: ExecuteWorkflowInput) -> Any:
        if _start_forged(self._seal_keys, input):
            self._forged = True
            return None
        return await super().execute_workflow(input)

    def handle_query(self, input: HandleQueryInput) -> Any:
        # A forged run may sit under a real application's workflow id (started after the
        # real one closed): it answers no query, so nothing shows what its input claimed.
        if self._forged:
            raise ApplicationError("This run was not started by daftar; it has no state.",
                                   type=FORGED, non_retryable=True)
        return super().handle_query(input)

    def handle_update_validator(self, input: HandleUpdateInput) -> None:
        info = workflow.info()
        why = (refusal(self._seal_keys, input.headers.get(HEADER), "update", info.workflow_id,
                       input.update, input.args, nonce=input.id)
               if self._seal_keys is not None else "this worker holds no sealing keys")
        if why is None and input.id in self._nonces:
            why = "its seal was already used (a replayed message)"
        if why is not None:
            workflow.logger.warning("update refused: %s", why, extra={
                "update": input.update, "update_id": input.id, "refused": "seal"})
            raise ApplicationError(f"Refused: this update was not sent by daftar ({why}).",
                                   type=FORGED, non_retryable=True)
        super().handle_update_validator(input)

    async def handle_update_handler(self, input: HandleUpdateInput) -> Any:
        self._nonces.add(input.id)
        return await super().handle_update_handler(input)


def _start_forged(keys: SealKeys | None, input: ExecuteWorkflowInput) -> bool:
    """Whether this run's start is forged; on replay, the verdict its history recorded."""
    if workflow.unsafe.is_replaying():
        return workflow.patched(FORGED_START)
    info = workflow.info()
    why = (refusal(keys, input.headers.get(HEADER), "start", info.workflow_id,
                   info.workflow_type, input.args)
           if keys is not None else "this worker holds no sealing keys")
    if why is None:
        return False
    workflow.patched(FORGED_START)  # records the verdict in the history
    workflow.logger.warning("start refused: %s; the run ends now", why,
                            extra={"refused": "seal"})
    return True


__all__ = ["FORGED", "FORGED_START", "HEADER", "SealInterceptor", "SealKeys", "digest",
           "refusal", "seal"]
