"""PORTAL-1: the portal's sign-in codes, on a read model of their own and a fake gateway.

A code is sent only for a national id and tracking code of one application, to the
registration's mobile, kept only as its HMAC; it is refused when wrong, expired, used or tried
too often; codes are rate-limited per application and per number; and the answer to a pair
never depends on whether it matched.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from pydantic import SecretStr
from sqlmodel import select

from daftar.contracts.state import ApplicationState
from daftar.core.errors import ServiceError
from daftar.core.settings import Settings
from daftar.domain.digits import normalize_digits
from daftar.domain.identity import application_id, tracking_code
from daftar.domain.stages import Role, Stage
from daftar.services import portal
from daftar.services.auth import Principal, decode_token
from daftar.services.portal import Started, finish_sign_in, sign_in_pair, start_sign_in
from daftar.store.db import SessionFactory, session_factory
from daftar.store.models import ApplicationRecord, PortalCodeRecord
from tests.conftest import read_model
from tests.factories import national_id, registration

SECRET = "portal-test-signing-secret-0123456789abcdefghijklmnopqrstuvwxyz"
ID_KEY = "portal-test-identity-key"
YEAR = 1498
T0 = datetime(2027, 5, 1, 8, 0, tzinfo=UTC)
_serial = iter(range(900_000_000, 900_100_000, 13))


@dataclass
class Outbox:
    """An SMS provider that keeps what it is given."""

    name: str = "memory"
    sent: list[tuple[str, str, str]] = field(default_factory=list)
    fail: bool = False

    async def send(self, to: str, text: str, *, idempotency_key: str) -> str:
        if self.fail:
            raise RuntimeError("provider down")
        self.sent.append((to, text, idempotency_key))
        return f"m-{len(self.sent)}"

    async def find(self, idempotency_key: str) -> str | None:
        found = [i for i, sent in enumerate(self.sent, 1) if sent[2] == idempotency_key]
        return f"m-{found[0]}" if found else None

    def code(self) -> str:
        """The six digits of the latest message."""
        digits = [c for c in normalize_digits(self.sent[-1][1]) if c.isdigit()]
        return "".join(digits[:6])


@dataclass
class FakeApplicants:
    """The gateway's `state`, for the applications a test registered."""

    states: dict[str, ApplicationState] = field(default_factory=dict)

    async def state(self, app_id: str) -> ApplicationState:
        if app_id not in self.states:
            raise ServiceError(404, "not_found", f"No application {app_id}.")
        return self.states[app_id]


@dataclass
class Case:
    national_id: str
    tracking_code: str
    app_id: str
    mobile: str


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(jwt_secret=SecretStr(SECRET), id_key=SecretStr(ID_KEY), data_dir=tmp_path)


@pytest.fixture
def sessions(tmp_path: Path) -> Iterator[SessionFactory]:
    with read_model(f"sqlite:///{tmp_path / 'read.db'}") as engine:
        yield session_factory(engine)


@pytest.fixture
def applicants() -> FakeApplicants:
    return FakeApplicants()


def register(sessions: SessionFactory, applicants: FakeApplicants, settings: Settings, *,
             mobile: str = "09121234567", recorded: bool = True) -> Case:
    """An application behind the fake gateway, and in the read model unless not `recorded`."""
    nid = national_id(next(_serial))
    app_id = application_id(settings.identity_key, YEAR, nid)
    code = tracking_code(app_id)
    if recorded:
        with sessions() as s:
            s.add(ApplicationRecord(application_id=app_id, tracking_code=code, cycle=YEAR,
                                    stage=Stage.awaiting_payment, province="23",
                                    city="Tehran", quota="free", registered_at=T0,
                                    updated_at=T0, stage_entered_at=T0))
            s.commit()
    applicants.states[app_id] = ApplicationState(
        application_id=app_id, tracking_code=code, cycle=YEAR, stage=Stage.awaiting_payment,
        form=registration(national_id=nid, mobile=mobile), national_id=nid, registered_at=T0,
        stage_entered_at=T0)
    return Case(national_id=nid, tracking_code=code, app_id=app_id, mobile=mobile)


async def start(sessions: SessionFactory, applicants: FakeApplicants, sms: Outbox,
                settings: Settings, case: Case, *, nid: str | None = None,
                now: datetime = T0) -> Started:
    pair = sign_in_pair(nid or case.national_id, case.tracking_code)
    return await start_sign_in(sessions, applicants, sms,  # type: ignore[arg-type]
                               settings, pair, now=now)


def rows(sessions: SessionFactory) -> list[PortalCodeRecord]:
    with sessions() as s:
        return list(s.exec(select(PortalCodeRecord)))


def refused(sessions: SessionFactory, settings: Settings, case: Case, code: str, *,
            now: datetime = T0) -> str:
    with pytest.raises(ServiceError) as caught:
        finish_sign_in(sessions, settings, case.tracking_code, code, now=now)
    err = caught.value
    assert (err.status, err.code, [v.rule for v in err.rules]) == (
        401, "code_refused", ["PORTAL-1"])
    return err.message


async def test_a_matching_pair_gets_a_code_by_sms_kept_only_as_its_hmac(
        sessions: SessionFactory, applicants: FakeApplicants, settings: Settings) -> None:
    case = register(sessions, applicants, settings, mobile="09351112233")
    sms = Outbox()
    assert await start(sessions, applicants, sms, settings, case) is Started.sent
    [(to, text, key)] = sms.sent
    assert to == "09351112233" and key.startswith(f"portal-code:{case.app_id}:")
    code = sms.code()
    assert len(code) == 6 and code.isdigit()
    assert "۵ دقیقه" in text and code not in text  # Persian digits, as NOTE-1 writes
    [row] = rows(sessions)
    assert row.application_id == case.app_id and row.attempts == 0 and row.used_at is None
    assert row.expires_at == T0 + timedelta(minutes=5)
    stored = " ".join(str(v) for v in row.model_dump().values())
    for secret in (code, case.national_id, case.mobile):
        assert secret not in stored

    app_id, tok = finish_sign_in(sessions, settings, case.tracking_code, code,
                                 now=T0 + timedelta(minutes=1))
    principal = decode_token(SECRET, tok)
    assert app_id == case.app_id
    assert (principal.sub, principal.roles) == (case.app_id, [Role.applicant])


async def test_the_code_is_accepted_in_persian_digits_and_once_only(
        sessions: SessionFactory, applicants: FakeApplicants, settings: Settings) -> None:
    case = register(sessions, applicants, settings)
    sms = Outbox()
    await start(sessions, applicants, sms, settings, case)
    persian = sms.code().translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹"))
    finish_sign_in(sessions, settings, case.tracking_code, persian, now=T0)
    assert "used" in refused(sessions, settings, case, sms.code())


async def test_a_wrong_code_is_refused_and_five_wrong_tries_lock_the_code(
        sessions: SessionFactory, applicants: FakeApplicants, settings: Settings) -> None:
    case = register(sessions, applicants, settings)
    sms = Outbox()
    await start(sessions, applicants, sms, settings, case)
    right = sms.code()
    wrong = f"{(int(right) + 1) % 10**6:06d}"
    for n in range(1, portal.MAX_ATTEMPTS + 1):
        assert refused(sessions, settings, case, wrong) == "Wrong code."
        assert rows(sessions)[0].attempts == n
    # the sixth try, with the right code: locked
    assert "Too many attempts" in refused(sessions, settings, case, right)
    # a code that is not six digits is refused without counting a try
    assert "six digits" in refused(sessions, settings, case, "12345")


async def test_a_code_expires_after_five_minutes(
        sessions: SessionFactory, applicants: FakeApplicants, settings: Settings) -> None:
    case = register(sessions, applicants, settings)
    sms = Outbox()
    await start(sessions, applicants, sms, settings, case)
    assert "expired" in refused(sessions, settings, case, sms.code(),
                                now=T0 + timedelta(minutes=5))


async def test_only_the_latest_code_counts(
        sessions: SessionFactory, applicants: FakeApplicants, settings: Settings) -> None:
    case = register(sessions, applicants, settings)
    sms = Outbox()
    await start(sessions, applicants, sms, settings, case)
    first = sms.code()
    later = T0 + timedelta(minutes=2)
    await start(sessions, applicants, sms, settings, case, now=later)
    second = sms.code()
    if first != second:
        assert refused(sessions, settings, case, first, now=later) == "Wrong code."
    finish_sign_in(sessions, settings, case.tracking_code, second, now=later)


async def test_an_application_not_in_the_read_model_yet_is_asked_of_its_workflow(
        sessions: SessionFactory, applicants: FakeApplicants, settings: Settings) -> None:
    case = register(sessions, applicants, settings, recorded=False)
    other = register(sessions, applicants, settings, recorded=False)
    sms = Outbox()
    assert await start(sessions, applicants, sms, settings, case,
                       nid=other.national_id) is Started.unmatched
    assert await start(sessions, applicants, sms, settings, case) is Started.sent
    finish_sign_in(sessions, settings, case.tracking_code, sms.code(), now=T0)


async def test_no_code_without_a_matching_pair_and_the_same_answer_either_way(
        sessions: SessionFactory, applicants: FakeApplicants, settings: Settings) -> None:
    case = register(sessions, applicants, settings)
    other = register(sessions, applicants, settings)
    sms = Outbox()
    # another applicant's national id, an unknown tracking code: nothing sent, nothing kept
    assert await start(sessions, applicants, sms, settings, case,
                       nid=other.national_id) is Started.unmatched
    unknown = Case(national_id=case.national_id, tracking_code=tracking_code("0" * 15 + "1"),
                   app_id="", mobile="")
    assert await start(sessions, applicants, sms, settings, unknown) is Started.unmatched
    assert sms.sent == [] and rows(sessions) == []
    # an application's tracking code with no code sent is refused like a wrong code
    assert "expired" in refused(sessions, settings, case, "123456")
    # a malformed pair is a matter of form, told as such (REG-5, REG-3), whatever exists
    with pytest.raises(ServiceError) as caught:
        sign_in_pair("1234567890", "12")
    assert caught.value.status == 422
    assert [(v.rule, v.field) for v in caught.value.rules] == [
        ("REG-5", "national_id"), ("REG-3", "tracking_code")]


async def test_codes_are_rate_limited_per_application_and_per_number(
        sessions: SessionFactory, applicants: FakeApplicants, settings: Settings) -> None:
    case = register(sessions, applicants, settings)
    sms = Outbox()
    assert await start(sessions, applicants, sms, settings, case) is Started.sent
    # at most one a minute
    assert await start(sessions, applicants, sms, settings, case,
                       now=T0 + timedelta(seconds=30)) is Started.too_soon
    for i in range(1, portal.PER_APPLICATION_PER_HOUR):
        assert await start(sessions, applicants, sms, settings, case,
                           now=T0 + timedelta(minutes=2 * i)) is Started.sent
    assert await start(sessions, applicants, sms, settings, case,
                       now=T0 + timedelta(minutes=20)) is Started.limited
    assert len(sms.sent) == portal.PER_APPLICATION_PER_HOUR
    # an hour later the application may ask again
    assert await start(sessions, applicants, sms, settings, case,
                       now=T0 + timedelta(minutes=61)) is Started.sent

    # one number behind several applications (other cycles' ones, say): its own limit
    shared = [register(sessions, applicants, settings, mobile="09129990000")
              for _ in range(portal.PER_NUMBER_PER_HOUR + 1)]
    to_number = Outbox()
    outcomes = [await start(sessions, applicants, to_number, settings, c) for c in shared]
    assert outcomes == [Started.sent] * portal.PER_NUMBER_PER_HOUR + [Started.limited]


async def test_a_provider_failure_is_logged_and_counts_towards_the_limits(
        sessions: SessionFactory, applicants: FakeApplicants, settings: Settings) -> None:
    case = register(sessions, applicants, settings)
    down = Outbox(fail=True)
    assert await start(sessions, applicants, down, settings, case) is Started.not_sent
    assert len(rows(sessions)) == 1
    assert await start(sessions, applicants, Outbox(), settings, case,
                       now=T0 + timedelta(seconds=10)) is Started.too_soon


def test_the_portal_accepts_applicants_only() -> None:
    with pytest.raises(ServiceError) as caught:
        portal.applicant_principal(Principal(sub="x", roles=[Role.admin]))
    assert caught.value.status == 403
    with pytest.raises(ServiceError):
        portal.applicant_principal(Principal(sub="x", roles=[Role.applicant, Role.admin]))
    assert portal.applicant_principal(Principal(sub="x", roles=[Role.applicant])) == "x"
