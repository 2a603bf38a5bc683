"""daftar's one door to Temporal.

The sealed client, the senders of starts, updates and queries, history reads and replays.
The services call it; the API and console call the services.
"""
