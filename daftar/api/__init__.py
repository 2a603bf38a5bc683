"""The HTTP API (docs/api.md): auth, routes, and the mapping of refusals to HTTP."""
