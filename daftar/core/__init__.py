"""What every process of daftar shares.

Settings, logs, telemetry, the payload codec, the seal and the errors its services raise.
Imports nothing of daftar's but the domain and contracts.
"""
