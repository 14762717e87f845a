"""Kill a saving kindreflex process at random moments and check the dossier every time.

Usage: python bench/crash_loop.py [--kills N] [--max-delay S] [--plain] [--seed N]

A child process opens one dossier and saves it in a loop, a few history events longer
each time; after a random delay it gets SIGKILL. Then the dossier must load as a valid
dossier holding at least every save the child reported done. `--plain` runs the same
loop with a naive in-place overwrite, to show what the harness catches.
"""

from __future__ import annotations

import argparse
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests" / "fixtures"))

from dossier_factory import make_dossier

from kindreflex_tui.dossier.atomic import clean_orphans
from kindreflex_tui.dossier.store import DossierStore, read_dossier
from kindreflex_tui.errors import DossierError

FIXTURES = Path(__file__).resolve().parent.parent / "tests" / "fixtures"
CHILD = FIXTURES / "store_child.py"
DOSSIER_ID = "kx-20260302-c0ffee"


def run(kills: int, max_delay: float, plain: bool, seed: int) -> int:
    """Run the kill loop; return the number of corrupt or short files seen."""
    chance = random.Random(seed)
    folder = Path(tempfile.mkdtemp(prefix="kx-crash-")) / "data"
    store = DossierStore(folder)
    with store.create(make_dossier(DOSSIER_ID, events=100), holder="bench"):
        pass
    path = store.path_for(DOSSIER_ID)
    mode = "loop-plain" if plain else "loop"
    acknowledged = len(read_dossier(path).history)
    corrupt = lost = orphans = saves = 0
    start = time.perf_counter()

    for _ in range(kills):
        child = subprocess.Popen(
            [sys.executable, str(CHILD), str(folder), DOSSIER_ID, mode, "bench"],
            stdout=subprocess.PIPE,
            text=True,
        )
        assert child.stdout is not None
        if child.stdout.readline().strip() != "ready":
            child.kill()
            raise SystemExit("child process did not start")
        time.sleep(chance.uniform(0, max_delay))
        child.send_signal(signal.SIGKILL)
        out, _ = child.communicate()
        done = [int(line) for line in out.split()]
        saves += len(done)
        acknowledged = max([acknowledged, *done])

        try:
            dossier = read_dossier(path)
        except DossierError as error:
            corrupt += 1
            print(f"  corrupt: {error}")
            if plain:  # start the next round from a good file again
                path.write_bytes(
                    make_dossier(DOSSIER_ID, events=100).model_dump_json().encode()
                )
                acknowledged = 100
        else:
            if len(dossier.history) < acknowledged:
                lost += 1
            acknowledged = len(dossier.history)  # where the next child starts
        orphans += len(clean_orphans(folder))

    seconds = time.perf_counter() - start
    final_size = path.stat().st_size
    shutil.rmtree(folder.parent, ignore_errors=True)
    print(f"writer:             {'plain open(wb).write' if plain else 'DossierStore'}")
    print(
        f"kills:              {kills} (seed {seed}, delay 0-{max_delay * 1000:.0f} ms)"
    )
    print(f"saves completed:    {saves}")
    print(f"corrupt files:      {corrupt}")
    print(f"acknowledged saves lost: {lost}")
    print(f"orphans cleaned:    {orphans}")
    print(f"final size:         {final_size / 1000:.0f} KB")
    per_kill = seconds / kills * 1000
    print(f"time:               {seconds:.1f} s ({per_kill:.0f} ms per kill)")
    return corrupt + lost


def main() -> int:
    """Parse the options and run the loop."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kills", type=int, default=100)
    parser.add_argument("--max-delay", type=float, default=0.05, help="seconds")
    parser.add_argument("--plain", action="store_true", help="naive writer yardstick")
    parser.add_argument("--seed", type=int, default=random.randrange(1 << 30))
    args = parser.parse_args()
    bad = run(args.kills, args.max_delay, args.plain, args.seed)
    return 1 if bad and not args.plain else 0


if __name__ == "__main__":
    sys.exit(main())
