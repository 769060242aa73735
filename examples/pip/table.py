# /// script
# dependencies = ["tabulate==0.9.0"]
# ///
"""A program with a pip dependency, declared in the script itself (PEP 723, as uv and pipx read it).
ICL builds a venv with it once and reuses it on every later run.

    pnpm icl run examples/pip/table.py
    pnpm icl run examples/pip/table.py --pip rich    # more packages from the command line
"""
from tabulate import tabulate

gpus = [["H100", 80, 8], ["A100", 80, 16], ["L4", 24, 32]]
print(tabulate(gpus, headers=["GPU", "memory (GB)", "count"], tablefmt="github"))
