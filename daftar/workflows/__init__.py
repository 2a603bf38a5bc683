"""Temporal workflows: deterministic; they call domain/ and activities only."""
