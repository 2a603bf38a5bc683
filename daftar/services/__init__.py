"""What the JSON API and the staff console both do: one function per business step.

The API's routes and the console's pages parse their input, call one of these, and map the
answer (or the `ServiceError` it raises) to their response. Services read and write the
database through `daftar.store` and move workflows through `daftar.gateway`; nothing here
knows HTTP.
"""
