"""The HTTP API (API.md): auth, routes, and the mapping of refusals to HTTP."""
