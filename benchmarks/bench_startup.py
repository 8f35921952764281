"""Start-up cost of each command, as a user runs it: a fresh process per call, measured against a bare
`python -c pass` in the same run (interleaved, so machine load hits both alike).

Targets, from the issue that set them: `render` and `expand` at most 10x `python -c pass`, `plan` at most
15x, `check` on the default design at most 1.0 s, `from pipekit import widgets` in a fresh kernel at most
0.6 s. Figures are printed, never asserted. Run: .venv/bin/python benchmarks/bench_startup.py
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PIPEKIT = str(Path(sys.executable).with_name("pipekit"))
ROUNDS = 15
# Bytecode caches are what users have after the first run; a session that disables them would measure
# compilation instead of start-up.
ENV = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}


def timed(command: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, cwd=ROOT, env=ENV, check=True, capture_output=True)
    return time.perf_counter() - start


def kernel_import_seconds(statement: str = "from pipekit import widgets") -> float:
    """Seconds a fresh Jupyter kernel takes to execute `statement` (the kernel's own start excluded)."""
    from jupyter_client.manager import start_new_kernel

    manager, client = start_new_kernel(
        kernel_name="python3", env=ENV, cwd=str(ROOT), extra_arguments=["--IPKernelApp.log_level=CRITICAL"]
    )
    try:
        client.execute_interactive("import time; _pipekit_started = time.perf_counter()", timeout=60)
        client.execute_interactive(statement, timeout=120)
        outputs: list[str] = []
        client.execute_interactive(
            "print(time.perf_counter() - _pipekit_started)",
            timeout=60,
            output_hook=lambda message: outputs.append(message["content"].get("text", "")),
        )
        return float("".join(outputs).strip())
    finally:
        client.stop_channels()
        manager.shutdown_kernel(now=True)


def main() -> None:
    with tempfile.TemporaryDirectory() as temp:
        commands = {
            "python -c pass": [sys.executable, "-c", "pass"],
            "pipekit render": [PIPEKIT, "render", "--design", "pipeline.yaml", "--out", temp],
            "pipekit expand": [PIPEKIT, "expand", "tests/inspect/data/workflows/cpython-tests.yml"],
            "pipekit plan": [PIPEKIT, "plan", "--design", "pipeline.yaml"],
            "pipekit check": [PIPEKIT, "check", "--design", "pipeline.yaml", "--dir", "workflows"],
        }
        for command in commands.values():
            timed(command)  # writes bytecode caches and warms the file cache
        samples: dict[str, list[float]] = {name: [] for name in commands}
        for _ in range(ROUNDS):
            for name, command in commands.items():
                samples[name].append(timed(command))
    median = {name: statistics.median(values) for name, values in samples.items()}
    base = median["python -c pass"]
    print(f"{'python -c pass':<18} median {base * 1000:7.1f} ms  ({ROUNDS} rounds, interleaved)")
    for name, limit in (("pipekit render", 10), ("pipekit expand", 10), ("pipekit plan", 15)):
        ratio = median[name] / base
        verdict = "ok" if ratio <= limit else "OVER TARGET"
        print(
            f"{name:<18} median {median[name] * 1000:7.1f} ms  = {ratio:5.1f} x python"
            f"  target <= {limit} x  {verdict}"
        )
    check = median["pipekit check"]
    verdict = "ok" if check <= 1.0 else "OVER TARGET"
    print(f"{'pipekit check':<18} median {check * 1000:7.1f} ms  target <= 1000 ms  {verdict}")
    widgets = statistics.median(kernel_import_seconds() for _ in range(3))
    verdict = "ok" if widgets <= 0.6 else "OVER TARGET"
    print(
        f"{'import widgets':<18} median {widgets * 1000:7.1f} ms in a fresh kernel (3 kernels)"
        f"  target <= 600 ms  {verdict}"
    )


if __name__ == "__main__":
    main()
