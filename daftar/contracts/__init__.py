"""What crosses into Temporal: workflow inputs, update messages, states, activity interfaces.

Imported by the workflows, the activities, the services and the API alike; it imports
nothing of daftar's but `daftar.domain`.
"""
