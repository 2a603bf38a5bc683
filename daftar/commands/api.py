"""`daftar api`: the API alone, configured by environment variables (production)."""

from __future__ import annotations

import argparse

from daftar.commands.common import Subparsers, add_command


def register(subparsers: Subparsers) -> None:
    """Declare `daftar api` (no options: settings come from the environment)."""
    add_command(subparsers, "api", help="the API alone, configured by environment variables",
                description="Serve the API (and the console) at DAFTAR_API_HOST:DAFTAR_API_PORT, "
                "configured by environment variables.", run=run)


def run(args: argparse.Namespace) -> int:
    """Serve until stopped; a missing setting stops start-up, naming it."""
    import uvicorn

    from daftar.app import KEEP_ALIVE_SECONDS, create_app
    from daftar.core.logs import configure
    from daftar.core.settings import load_settings

    settings = load_settings()
    configure(fmt=settings.log_format, level=settings.log_level)
    settings.check()  # fail at start-up, naming the missing setting
    uvicorn.run(create_app(settings), host=settings.api_host, port=settings.api_port,
                log_config=None, timeout_keep_alive=KEEP_ALIVE_SECONDS)
    return 0
