"""`daftar token`: a staff token that a stack with the same secrets accepts."""

from __future__ import annotations

import argparse
from datetime import timedelta

from daftar.commands.common import Subparsers, add_command, add_data_dir
from daftar.domain.stages import Role


def register(subparsers: Subparsers) -> None:
    """Declare `daftar token --sub NAME --role ROLE [--role ROLE ...]`."""
    parser = add_command(subparsers, "token", help="print a staff token (last line)",
                         description="Print a signed staff token on the last line of output.",
                         run=run)
    parser.add_argument("--sub", required=True, help="the actor's id, recorded with decisions")
    parser.add_argument("--role", action="append", required=True,
                        choices=[r.value for r in Role], help="a role; repeat for more")
    parser.add_argument("--hours", type=int, default=None,
                        help="how long it is valid (default: DAFTAR_TOKEN_TTL_HOURS)")
    add_data_dir(parser, "the signing secret")


def run(args: argparse.Namespace) -> int:
    """Print the token; 0."""
    from daftar.commands.common import settings_in
    from daftar.services.auth import issue_token

    settings = settings_in(args.data_dir)
    hours = args.hours or settings.token_ttl_hours
    print(f"token for {args.sub} ({', '.join(args.role)}), valid {hours} h:")
    print(issue_token(settings.signing_secret, sub=args.sub,
                      roles=[Role(r) for r in args.role], ttl=timedelta(hours=hours)))
    return 0
