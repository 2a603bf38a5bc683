"""Local stand-ins for the systems the tests cannot reach, speaking their real protocols."""
