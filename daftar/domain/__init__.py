"""Pure rules of the licensing domain (docs/rules.md): no I/O, no clock, no randomness."""
