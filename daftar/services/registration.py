"""Registration (REG-1 … REG-7).

The form checked against the cycle's rules, the application's ids derived, its workflow started, and
the applicant's own token issued.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from daftar.contracts.applicant import APPLICANT_REVISION, ApplicantInput, CycleTerms
from daftar.core.errors import violations_error
from daftar.core.settings import Settings
from daftar.domain.cycles import window_violation
from daftar.domain.eligibility import (
    check_registration,
    listed_place,
    normalise_form,
    text_violations,
)
from daftar.domain.identity import application_id, tracking_code
from daftar.domain.places import province_code
from daftar.domain.registration import RegistrationForm, RegistrationRules
from daftar.domain.stages import Role, Stage
from daftar.gateway.workflows import Applicants
from daftar.services.auth import issue_token
from daftar.services.cycles import KnownCycle
from daftar.services.schemas import Registered

#: How long an applicant's own token is valid: the whole path, registration to licence.
APPLICANT_TOKEN_TTL = timedelta(days=365)


def checked_form(cycle: KnownCycle, form: RegistrationForm,
                 now: datetime) -> tuple[RegistrationForm, str, list[str], bool]:
    """The form normalised and checked against the cycle's rules at `now`.

    Returns:
        The form as stored (Persian ی and ک, ASCII digits, single spaces, the cycle's own
        spelling of the province and city, which is the province's code for a cycle created
        since provinces are reference data), the national id, the flags, and whether a
        veteran applies.

    Raises:
        ServiceError: 422 naming every broken rule at once (REG-1 first when the window is
            closed; REG-2 for a control character in any field).
    """
    config = cycle.config
    cities = config.places
    # Validated from the stored text: the model reads its stored days as Jalali dates. Its
    # end is AGE-1/AGE-2's reference day: the one first announced, whatever amendments moved
    # the window's end to since (CYC-1); the window itself is checked on its current end.
    rules = RegistrationRules.model_validate({
        "registration_start": config.registration_start,
        "registration_end": config.age_reference_day, "cities": cities})
    violations = text_violations(form)
    form = normalise_form(form)
    check = check_registration(form, rules)
    violations += check.violations
    closed = window_violation(now, config.registration_start, config.registration_end)
    if closed is not None:
        violations.insert(0, closed)
    if violations:
        raise violations_error("The registration breaks the cycle's rules.", violations)
    if (listed := listed_place(form.province, form.city, cities)) is not None:
        # The cycle's own spelling (its province's code, for a cycle created since provinces
        # are reference data), so lists and launch rounds match the city exactly.
        form = form.model_copy(update={"province": listed[0], "city": listed[1]})
    elif (code := province_code(form.province)) is not None:
        # A cycle listing no cities: the province's code when it names one, else as typed.
        form = form.model_copy(update={"province": code})
    return form, check.national_id, check.flags, check.veteran


async def register(applicants: Applicants, settings: Settings, cycle: KnownCycle,
                   form: RegistrationForm) -> Registered:
    """Register in the cycle's window: start the application's workflow.

    Temporal keeps the workflow's id unique (REG-5: one application per national id per cycle, a 409
    otherwise).
    """
    form, national_id, flags, veteran = checked_form(cycle, form, datetime.now(UTC))
    _, closes = cycle.window()
    app_id = application_id(settings.identity_key, cycle.year, national_id)
    code = tracking_code(app_id)
    config = cycle.config
    await applicants.start(ApplicantInput(
        application_id=app_id, tracking_code=code,
        cycle=CycleTerms(year=cycle.year, fee_rials=config.fee_rials,
                         claim_hours=config.claim_hours, registration_closes_at=closes,
                         sla_days=config.sla_days, amendments=config.amendments),
        form=form, national_id=national_id, flags=flags, veteran=veteran,
        revision=APPLICANT_REVISION))
    token = issue_token(settings.signing_secret, sub=app_id, roles=[Role.applicant],
                        ttl=APPLICANT_TOKEN_TTL)
    return Registered(application_id=app_id, tracking_code=code, stage=Stage.awaiting_payment,
                      applicant_token=token)
