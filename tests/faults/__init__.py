"""Crash and fault tests: a private stack each, really killed, stopped and restarted."""
