"""Pure rules of the licensing domain (DOMAIN.md): no I/O, no clock, no randomness."""
