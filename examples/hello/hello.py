"""The smallest ICL program: it runs unchanged on your laptop, in Docker or on a cluster."""
import platform

print(f"Hello from ICL! Python {platform.python_version()} on {platform.system()}.")
