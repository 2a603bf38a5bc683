"""Where the publication of a cycle's exam results stands (EXAM-2)."""

from __future__ import annotations

from enum import StrEnum


class PublicationState(StrEnum):
    """A cycle's results are published once: none, then publishing, then published."""

    none = "none"
    publishing = "publishing"
    published = "published"
