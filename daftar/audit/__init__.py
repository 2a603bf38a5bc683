"""Auditors' tools: timelines read from Temporal histories."""
