"""The applicant portal's sign-in by SMS code (PORTAL-1), and what its home page shows.

Sign-in has two steps. `start_sign_in` takes a national id and a tracking code: when the pair
is an application's (the tracking code found in the read model, the national id checked by
recomputing the application id with the identity key, REG-5; the national id is never stored
nor logged), a six-digit code is sent by SMS to the registration's mobile and only its HMAC
(keyed by the signing secret) is kept, with at most `PER_APPLICATION_PER_HOUR` codes an hour
and one a minute per application and `PER_NUMBER_PER_HOUR` per number. Its outcome is for
logs and tests only: the portal answers every pair with the same neutral words, so nobody
learns whether a national id and a tracking code belong together. (An application registered
a moment ago, not in the read model yet, is asked of its workflow.) `finish_sign_in` checks a
code in constant time: the latest code only, for `CODE_TTL`, at most `MAX_ATTEMPTS` tries,
once; then it issues an applicant token for `SESSION_TTL`.

The code's SMS is not a history event: it goes straight to the provider (never the NOTE-1
outbox), under an idempotency key of its own.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import secrets
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from enum import StrEnum

import structlog

from daftar.contracts.state import ApplicationState
from daftar.core.errors import ServiceError
from daftar.core.settings import Settings
from daftar.core.sms import SmsProvider
from daftar.domain.digits import ascii_to_persian_digits, is_ascii_digits, normalize_digits
from daftar.domain.identity import application_id, application_id_of_tracking_code
from daftar.domain.jalali import day_start_utc, parse_jalali
from daftar.domain.national_code import national_code_violations, normalize_national_code
from daftar.domain.scoring import percent
from daftar.domain.stages import Role
from daftar.domain.violations import Violation
from daftar.gateway.workflows import Applicants
from daftar.services.applications import own
from daftar.services.auth import Principal, issue_token
from daftar.services.cycles import load_cycle
from daftar.services.documents import DocumentsView, documents_of
from daftar.services.schemas import ApplicationView
from daftar.services.views import application_view
from daftar.store import portal as store
from daftar.store.db import SessionFactory, transaction
from daftar.store.models import ExamScore
from daftar.store.reads import application_record

log = structlog.get_logger("daftar.portal")

RULE = "PORTAL-1"
#: How long a code is valid, how many wrong tries it takes, how long a session lasts.
CODE_TTL = timedelta(minutes=5)
MAX_ATTEMPTS = 5
SESSION_TTL = timedelta(hours=2)
#: Rate limits: a new code at most once a minute and this many an hour per application,
#: and this many an hour to one number (one person may hold applications in several cycles).
RESEND_AFTER = timedelta(minutes=1)
PER_APPLICATION_PER_HOUR = 5
PER_NUMBER_PER_HOUR = 8
_HOUR = timedelta(hours=1)
_CODE_CONTEXT = "daftar-portal-code:"
_NUMBER_CONTEXT = "daftar-portal-number:"


class Started(StrEnum):
    """What `start_sign_in` did; never shown to the person signing in."""

    sent = "sent"
    #: No application has this tracking code, or its national id is another.
    unmatched = "unmatched"
    #: A code was sent less than `RESEND_AFTER` ago.
    too_soon = "too_soon"
    #: The application's or the number's hourly limit is reached.
    limited = "limited"
    #: The provider did not take the message (logged); the code counts towards the limits.
    not_sent = "not_sent"


@dataclass(frozen=True)
class SignInPair:
    """A national id and a tracking code as typed, normalised and checked for form."""

    national_id: str
    tracking_code: str


def sign_in_pair(national_id: str, tracking_code: str) -> SignInPair:
    """The pair normalised (Persian or Arabic digits, spaces and dashes allowed).

    Raises:
        ServiceError: 422 naming REG-5 for a malformed national code and REG-3 for a tracking
            code that is not 20 digits (a matter of form: nothing about any application).
    """
    nid = normalize_national_code(national_id)
    code = normalize_digits(tracking_code)
    for junk in (" ", "\t", "\u200c", "-"):
        code = code.replace(junk, "")
    violations = national_code_violations(national_id)
    if application_id_of_tracking_code(code) is None:
        violations.append(Violation(rule="REG-3", field="tracking_code", message=(
            "A tracking code is the 20 digits given at registration.")))
    if violations:
        raise ServiceError(422, "invalid_request", "The sign-in form is not filled in right.",
                           violations)
    return SignInPair(national_id=nid, tracking_code=code)


def code_hash(secret: str, app_id: str, code: str) -> str:
    """The HMAC-SHA256 a code is kept as, bound to its application."""
    return hmac.new(secret.encode(), f"{_CODE_CONTEXT}{app_id}:{code}".encode(),
                    hashlib.sha256).hexdigest()


def number_key(secret: str, mobile: str) -> str:
    """The HMAC a mobile number is counted under for the per-number limit."""
    return hmac.new(secret.encode(), f"{_NUMBER_CONTEXT}{mobile}".encode(),
                    hashlib.sha256).hexdigest()


def code_text(code: str) -> str:
    """The SMS that carries a code (Persian digits, as every message to applicants)."""
    minutes = int(CODE_TTL.total_seconds() // 60)
    return (f"کد ورود شما به درگاه متقاضیان: {ascii_to_persian_digits(code)}\n"
            f"این کد تا {ascii_to_persian_digits(str(minutes))} دقیقه معتبر است؛ آن را به "
            "هیچ‌کس ندهید.\nدفاتر خدمات الکترونیک قضایی")


def _cycle_of(sessions: SessionFactory, pair: SignInPair) -> int | None:
    """The cycle of the tracking code's application as the read model has it, if it has it."""
    app_id = application_id_of_tracking_code(pair.tracking_code)
    if app_id is None:
        return None
    with sessions() as session:
        record = application_record(session, app_id)
    return record.cycle if record is not None and record.tracking_code == pair.tracking_code \
        else None


def _same(settings: Settings, cycle: int, pair: SignInPair, app_id: str) -> bool:
    """Whether the pair's national id is the application's: its id recomputed (REG-5)."""
    return hmac.compare_digest(application_id(settings.identity_key, cycle, pair.national_id),
                               app_id)


async def _matching_state(sessions: SessionFactory, applicants: Applicants, settings: Settings,
                          pair: SignInPair) -> ApplicationState | None:
    """The pair's application, or None.

    The tracking code is looked up in the read model; one registered a moment ago may not be
    there yet, so then its workflow is asked (the code names the application's id, not its
    cycle). Either way the national id is checked before anything is sent.
    """
    app_id = application_id_of_tracking_code(pair.tracking_code)
    if app_id is None:
        return None
    cycle = await asyncio.to_thread(_cycle_of, sessions, pair)
    if cycle is not None and not _same(settings, cycle, pair, app_id):
        return None
    try:
        state = await applicants.state(app_id)
    except ServiceError as err:
        if err.status == 404:
            return None
        raise
    if state.tracking_code != pair.tracking_code or not _same(settings, state.cycle, pair,
                                                              app_id):
        return None
    return state


def _reserve(sessions: SessionFactory, settings: Settings, app_id: str, mobile: str,
             code: str, now: datetime) -> tuple[Started, int | None]:
    """Store the code unless a rate limit holds; its row id."""
    number = number_key(settings.signing_secret, mobile)
    with transaction(sessions) as session:
        count, latest = store.codes_since(session, now - _HOUR, application_id=app_id)
        if latest is not None and now - latest < RESEND_AFTER:
            return Started.too_soon, None
        if count >= PER_APPLICATION_PER_HOUR:
            return Started.limited, None
        to_number, _ = store.codes_since(session, now - _HOUR, number=number)
        if to_number >= PER_NUMBER_PER_HOUR:
            return Started.limited, None
        row = store.add_code(session, application_id=app_id, number=number,
                             code_hash=code_hash(settings.signing_secret, app_id, code),
                             now=now, expires_at=now + CODE_TTL)
        assert row.id is not None
        return Started.sent, row.id


async def start_sign_in(sessions: SessionFactory, applicants: Applicants, sms: SmsProvider,
                        settings: Settings, pair: SignInPair, *,
                        now: datetime | None = None) -> Started:
    """Send a code to the application's mobile if the pair matches and no limit holds.

    The caller answers the same whatever this returns (see the module's docstring).
    """
    now = now or datetime.now(UTC)
    state = await _matching_state(sessions, applicants, settings, pair)
    if state is None:
        log.info("portal sign-in: no match")
        return Started.unmatched
    app_id, mobile = state.application_id, state.form.mobile
    code = f"{secrets.randbelow(10**6):06d}"
    started, row_id = await asyncio.to_thread(_reserve, sessions, settings, app_id, mobile,
                                              code, now)
    if started is not Started.sent:
        log.info("portal sign-in: no code sent", application_id=app_id, why=started.value)
        return started
    key = f"portal-code:{app_id}:{row_id}:{int(now.timestamp())}"
    try:
        await sms.send(mobile, code_text(code), idempotency_key=key)
    except Exception as err:  # the provider's failure: logged, the person may ask again
        log.warning("portal sign-in: the code's SMS was not sent", application_id=app_id,
                    error=f"{type(err).__name__}: {err}")
        return Started.not_sent
    log.info("portal sign-in: code sent", application_id=app_id)
    return Started.sent


def _refused(message: str) -> ServiceError:
    """One refusal for every failed code: wrong, expired, used, locked or never sent."""
    return ServiceError(401, "code_refused", message, [
        Violation(rule=RULE, field="code", message=message)])


def finish_sign_in(sessions: SessionFactory, settings: Settings, tracking_code: str,
                   code: str, *, now: datetime | None = None) -> tuple[str, str]:
    """Check a code; the application id and a new applicant token for it.

    Raises:
        ServiceError: 401 `code_refused` (PORTAL-1) for a wrong, expired, used or locked
            code, or none; its message (for logs and tests) says which, the page does not.
    """
    now = now or datetime.now(UTC)
    code = normalize_digits(code).strip()
    app_id = application_id_of_tracking_code(normalize_digits(tracking_code).strip())
    if app_id is None or len(code) != 6 or not is_ascii_digits(code):
        raise _refused("The code is six digits, sent for a 20-digit tracking code.")
    with transaction(sessions) as session:
        row = store.latest_code(session, app_id)
        if row is None or row.used_at is not None or row.expires_at <= now:
            failure: str | None = "No valid code: none was sent, or it expired or was used."
        elif row.attempts >= MAX_ATTEMPTS:
            failure = f"Too many attempts: after {MAX_ATTEMPTS} wrong tries, ask for a new code."
        elif not hmac.compare_digest(row.code_hash,
                                     code_hash(settings.signing_secret, app_id, code)):
            assert row.id is not None
            store.count_wrong_try(session, row.id)
            failure = "Wrong code."
        else:
            assert row.id is not None
            spent = store.spend(session, row.id, now=now, max_attempts=MAX_ATTEMPTS)
            failure = None if spent else "No valid code: it was used meanwhile."
    if failure is not None:
        log.info("portal sign-in: code refused", application_id=app_id)
        raise _refused(failure)
    log.info("portal sign-in: signed in", application_id=app_id)
    return app_id, issue_token(settings.signing_secret, sub=app_id, roles=[Role.applicant],
                               ttl=SESSION_TTL)


def applicant_principal(principal: Principal) -> str:
    """The application of an applicant's principal; 403 for anyone else."""
    if principal.roles != [Role.applicant]:
        raise ServiceError(403, "forbidden", "The portal is for applicants.")
    own(principal, principal.sub)
    return principal.sub


@dataclass(frozen=True)
class SubjectResult:
    """One subject of the exam result: its percent and standardized score, where known."""

    code: str
    title: str
    percent: Decimal | None
    standard: Decimal | None


@dataclass(frozen=True)
class PortalHome:
    """Everything the portal's home page shows of one application."""

    state: ApplicationState
    view: ApplicationView
    documents: DocumentsView
    #: The cycle's registration end (Jalali), the fee's and photo's deadline; its exam day.
    registration_end: str | None
    exam_date: str | None
    #: The published result's subjects, in the cycle's order.
    subjects: list[SubjectResult] = field(default_factory=list)
    #: Whether the admission card can be downloaded now (EXAM-5).
    card_open: bool = False
    #: When cards open (EXAM-5), if a seat is given.
    card_date: str | None = None


def _cycle_facts(sessions: SessionFactory, state: ApplicationState,
                 ) -> tuple[str | None, str | None, list[SubjectResult]]:
    with sessions() as session:
        try:
            cycle = load_cycle(session, state.cycle).config
        except ServiceError:
            return None, None, []
        result = state.exam_result
        if result is None:  # published results only: a loaded row is not the candidate's yet
            return cycle.registration_end, cycle.exam_date, []
        row = session.get(ExamScore, (state.cycle, state.application_id))
    counts = dict(row.counts) if row is not None else {}
    subjects = []
    for s in cycle.subjects:
        standard = result.subjects.get(s.code)
        if standard is None and row is not None and s.code in row.standard:
            standard = Decimal(row.standard[s.code])
        got = counts.get(s.code)
        pct = (percent(int(got["correct"]), int(got["wrong"]), s.questions)
               if isinstance(got, dict) else None)
        if standard is not None or pct is not None:
            subjects.append(SubjectResult(code=s.code, title=s.title, percent=pct,
                                          standard=standard))
    return cycle.registration_end, cycle.exam_date, subjects


async def home(applicants: Applicants, sessions: SessionFactory, principal: Principal,
               *, now: datetime | None = None) -> PortalHome:
    """The applicant's own application, documents, dates and results.

    Raises:
        ServiceError: 403 for anyone but an applicant; 404 for an unknown application.
    """
    app_id = applicant_principal(principal)
    state = await applicants.state(app_id)
    registration_end, exam_date, subjects = await asyncio.to_thread(
        _cycle_facts, sessions, state)
    now = now or datetime.now(UTC)
    seat = state.seat
    card_open = seat is not None and now >= day_start_utc(parse_jalali(seat.card_date))
    return PortalHome(state=state, view=application_view(state, principal),
                      documents=documents_of(state), registration_end=registration_end,
                      exam_date=seat.exam_date if seat else exam_date, subjects=subjects,
                      card_open=card_open, card_date=seat.card_date if seat else None)
