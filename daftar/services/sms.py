"""The SMS provider of a process that is not the worker: the API's, for the portal's codes.

The same choice as the worker's (`daftar.core.sms.choose_provider`, NOTE-1): `local` stores
each message in `sms_local` (read in the console's notifications page), `kavenegar` sends
through Kavenegar's REST API and needs `DAFTAR_KAVENEGAR_API_KEY`.
"""

from __future__ import annotations

from daftar.core.settings import Settings
from daftar.core.sms import SmsProvider, choose_provider
from daftar.store.db import SessionFactory
from daftar.store.notices import LocalSmsProvider


def sms_provider(settings: Settings, sessions: SessionFactory) -> SmsProvider:
    """The SMS provider `DAFTAR_SMS_PROVIDER` chooses; a `SettingsError` for a missing key."""
    return choose_provider(settings, local=lambda: LocalSmsProvider(sessions))
