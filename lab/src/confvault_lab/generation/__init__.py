"""The shared parts of the platform generators (each platform module keeps its own text)."""
