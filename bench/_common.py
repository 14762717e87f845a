"""Shared helpers for the bench scripts: timing, paired runs, figures and results.

Every bench script measures its subject and a yardstick in the same run, interleaved
(A B, then B A, ...), so that drift on a noisy shared machine hits both alike, and
reports medians, spread and the ratio of medians against the goal.
"""

from __future__ import annotations

import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
PYTHON = sys.executable
sys.path.insert(0, str(BENCH))

from store_io import quantile  # noqa: E402  (the store engineer's nearest-rank q)


@dataclass
class Figures:
    """The summary of one sample of timings, in milliseconds."""

    median: float
    p10: float
    p90: float
    p99: float
    minimum: float
    maximum: float
    runs: int

    @classmethod
    def of(cls, values: Sequence[float]) -> Figures:
        """Summarise a sample (any order)."""
        ordered = sorted(values)
        return cls(
            median=statistics.median(ordered),
            p10=quantile(ordered, 0.10),
            p90=quantile(ordered, 0.90),
            p99=quantile(ordered, 0.99),
            minimum=ordered[0],
            maximum=ordered[-1],
            runs=len(ordered),
        )

    def spread(self) -> str:
        """The p10-p90 range as text."""
        return f"{fmt_ms(self.p10)}–{fmt_ms(self.p90)}"


@dataclass
class Result:
    """One benchmark line for the table: subject, yardstick, goal and verdict."""

    number: str
    name: str
    subject: Figures
    goal: str
    met: bool
    yardstick_name: str = ""
    yardstick: Figures | None = None
    ratio: float | None = None
    note: str = ""
    extra: dict[str, object] = field(default_factory=dict)

    def show(self) -> None:
        """Print the result as a few readable lines."""
        s = self.subject
        verdict = "MET" if self.met else "MISSED"
        print(f"[{self.number}] {self.name}")
        print(
            f"    subject   median {fmt_ms(s.median):>9}  p10-p90 {s.spread():>17}"
            f"  p99 {fmt_ms(s.p99):>9}  (n={s.runs})"
        )
        if self.yardstick is not None:
            y = self.yardstick
            print(
                f"    yardstick median {fmt_ms(y.median):>9}  p10-p90 {y.spread():>17}"
                f"  p99 {fmt_ms(y.p99):>9}  ({self.yardstick_name})"
            )
        ratio = f"ratio x{self.ratio:.2f}  " if self.ratio is not None else ""
        print(f"    {ratio}goal {self.goal}: {verdict}")
        if self.note:
            print(f"    {self.note}")


def fmt_ms(value: float) -> str:
    """Milliseconds as text with a sensible number of digits."""
    if value >= 100:
        return f"{value:.0f} ms"
    if value >= 10:
        return f"{value:.1f} ms"
    return f"{value:.2f} ms"


def ratio_of(subject: Figures, yardstick: Figures) -> float:
    """The ratio of the medians."""
    return subject.median / yardstick.median


PYCACHE = Path(tempfile.gettempdir()) / "kx-bench-pycache"
"""Where timed child processes keep their bytecode (see bench_env)."""


def bench_env() -> dict[str, str]:
    """The environment for timed child processes: with a bytecode cache.

    An installed kindreflex has its modules compiled (pip does it at install time,
    an editable install on first import). A shell with PYTHONDONTWRITEBYTECODE=1 (as
    in this project's shared VM) compiles them again on every start, which is not what
    a counsellor sees. So children drop that variable and cache their bytecode under a
    private prefix, leaving the source tree untouched; warm-up runs fill the cache.
    """
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = str(PYCACHE)
    return env


@dataclass
class Run:
    """One finished process: wall time and CPU time (user + system), both in ms."""

    wall: float
    cpu: float


def run_process(argv: Sequence[str], env: dict[str, str] | None = None) -> Run:
    """Run a command to its end, output discarded; return its wall and CPU time.

    CPU time comes from the child's own rusage (os.wait4), so it is not inflated by
    other processes on a busy machine the way wall time is. Fails loudly when the
    command fails, so a broken subject is never timed.
    """
    with tempfile.TemporaryFile() as errors:
        start = time.perf_counter()
        proc = subprocess.Popen(
            argv,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=errors,
            env=bench_env() if env is None else env,
        )
        _, status, usage = os.wait4(proc.pid, 0)
        wall = (time.perf_counter() - start) * 1000
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode != 0:
            errors.seek(0)
            raise SystemExit(
                f"command failed ({proc.returncode}): {' '.join(argv)}\n"
                + errors.read().decode(errors="replace")
            )
    cpu = (usage.ru_utime + usage.ru_stime) * 1000
    return Run(wall, cpu)


def paired_processes(
    commands: Sequence[Sequence[str]],
    runs: int,
    *,
    warmup: int = 2,
    env: dict[str, str] | None = None,
) -> list[list[Run]]:
    """Time each command `runs` times, interleaved and in alternating order.

    Round k runs the commands in order, round k+1 in reverse, so neither always
    follows the other. A few warm-up rounds (not counted) fill the file cache.
    """
    for _ in range(warmup):
        for argv in commands:
            run_process(argv, env)
    times: list[list[Run]] = [[] for _ in commands]
    for round_no in range(runs):
        order = list(range(len(commands)))
        if round_no % 2:
            order.reverse()
        for index in order:
            times[index].append(run_process(commands[index], env))
    return times


def process_result(
    number: str,
    name: str,
    subject: list[Run],
    yardstick_name: str,
    yardstick: list[Run],
    *,
    goal: str,
    limit_ratio: float | None = None,
    limit_ms: float | None = None,
) -> Result:
    """A result for a pair of timed processes: wall-time figures decide the goal;
    CPU time is kept as an extra (CPU time is robust to load)."""
    s_wall = Figures.of([r.wall for r in subject])
    y_wall = Figures.of([r.wall for r in yardstick])
    s_cpu = Figures.of([r.cpu for r in subject])
    y_cpu = Figures.of([r.cpu for r in yardstick])
    ratio = ratio_of(s_wall, y_wall)
    met = True
    if limit_ratio is not None:
        met = met and ratio <= limit_ratio
    if limit_ms is not None:
        met = met and s_wall.median <= limit_ms
    return Result(
        number=number,
        name=name,
        subject=s_wall,
        goal=goal,
        met=met,
        yardstick_name=yardstick_name,
        yardstick=y_wall,
        ratio=ratio,
        note=(
            f"CPU time (user+sys) median {fmt_ms(s_cpu.median)} vs "
            f"{fmt_ms(y_cpu.median)}: x{ratio_of(s_cpu, y_cpu):.2f}"
        ),
        extra={
            "cpu_median": s_cpu.median,
            "yardstick_cpu_median": y_cpu.median,
            "cpu_ratio": ratio_of(s_cpu, y_cpu),
        },
    )


def machine() -> dict[str, str]:
    """The date and size of this machine and the versions that matter."""
    import pydantic
    import textual

    memory = "?"
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                memory = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    except OSError:
        pass
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        load = "{:.1f} {:.1f} {:.1f}".format(*os.getloadavg())
    except OSError:
        load = "?"
    return {
        "date": date.today().isoformat(),
        "nproc": str(os.cpu_count()),
        "cpu": cpu,
        "memory": memory,
        "python": platform.python_version(),
        "textual": textual.__version__,
        "pydantic": pydantic.VERSION,
        "os": f"{platform.system()} {platform.release()}",
        "load": load,
    }


def finish(results: list[Result], json_path: str | None) -> int:
    """Print the results and, when asked, write them as JSON for run_all."""
    for result in results:
        result.show()
    if json_path:
        Path(json_path).write_text(
            json.dumps([asdict(r) for r in results], indent=2), encoding="utf-8"
        )
    return 0
