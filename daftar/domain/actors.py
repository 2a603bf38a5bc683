"""Who sends a message, as daftar verified it: the subject of a signed token and its roles."""

from __future__ import annotations

from pydantic import BaseModel

from daftar.domain.stages import Role


class Actor(BaseModel):
    """The sender of a message: the JWT subject and roles the API verified.

    Inside a workflow the actor is believed only because the message carries daftar's seal.
    """

    id: str
    roles: list[Role]

    def has(self, *roles: Role) -> bool:
        """Whether the actor holds any of `roles`."""
        return any(role in self.roles for role in roles)
