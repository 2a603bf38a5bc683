"""The object store the settings name (daftar.store.objects), for the app and the commands.

The API and the console reach it through `app.state.objects`; they import its type from here
(they may not import the store layer).
"""

from __future__ import annotations

from daftar.core.errors import ServiceError, unavailable
from daftar.core.settings import Settings
from daftar.store.objects import (
    ObjectMissing,
    ObjectStore,
    ObjectStoreUnavailable,
    S3Store,
    open_store,
)

__all__ = ["ObjectMissing", "ObjectStore", "ObjectStoreUnavailable", "object_store",
           "prepare", "service_error"]


def object_store(settings: Settings) -> ObjectStore:
    """The store of `DAFTAR_OBJECT_STORE`: files under the data directory, or an S3 bucket.

    Raises:
        SettingsError: S3 without its credentials (naming the variable).
    """
    if settings.object_store.startswith("s3://"):
        access_key, secret_key = settings.s3_credentials
        return open_store(settings.object_store, root=settings.objects_dir,
                          endpoint_url=settings.s3_endpoint_url, access_key=access_key,
                          secret_key=secret_key, region=settings.s3_region)
    return open_store(settings.object_store, root=settings.objects_dir)


def prepare(objects: ObjectStore) -> None:
    """Make the store ready to write (an S3 store's bucket); blocking.

    Raises:
        ObjectStoreUnavailable: the service does not answer (writes make the bucket later).
    """
    if isinstance(objects, S3Store):
        objects.ensure_bucket()


def service_error(err: ObjectMissing | ObjectStoreUnavailable, what: str) -> ServiceError:
    """The API's answer when the store cannot give `what`.

    503 while it is down; a missing object is the store having lost it, a 500 that names it.
    """
    if isinstance(err, ObjectStoreUnavailable):
        return unavailable("The object store")
    return ServiceError(500, "object_missing",
                        f"The stored bytes of {what} are missing from the object store.")
