"""saywho on Spark in local mode beside ``saywho analyze --workers N`` on the same records.

    python bench/spark.py --shared ../shared [--workers 2] [--repeat 4]

The records are the PolNeAR test articles (84 texts from ../shared, each
``--repeat`` times, written to a temporary JSONL file), analyzed without
stance by both, each in a fresh process with N cores: ``saywho analyze
--workers N`` and ``python -m saywho.spark --master local[N]``. Wall time
includes start-up (Spark's JVM, each worker's models), which is what a user
waits for; articles per second are over that.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def run(command: list[str]) -> float:
    started = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--shared", type=Path, default=Path("../shared"))
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument(
        "--repeat", type=int, default=4, help="each article this many times (start-up amortized)"
    )
    args = parser.parse_args()
    texts = sorted((args.shared / "data" / "polnear" / "test" / "text").glob("*.txt"))
    with tempfile.TemporaryDirectory() as folder:
        records = Path(folder) / "records.jsonl"
        records.write_text(
            "".join(
                json.dumps({"source": f"{path.name}#{copy}", "text": path.read_text("utf-8")})
                + "\n"
                for copy in range(args.repeat)
                for path in texts
            ),
            "utf-8",
        )
        saywho = str(Path(sys.executable).parent / "saywho")
        local = run(
            [saywho, "analyze", str(records), "--no-stance", "--workers", str(args.workers),
             "--format", "jsonl", "--out", str(Path(folder) / "local.jsonl")]
        )  # fmt: skip
        spark = run(
            [sys.executable, "-m", "saywho.spark", str(records), str(Path(folder) / "spark"),
             "--master", f"local[{args.workers}]", "--no-stance"]
        )  # fmt: skip
    count = len(texts) * args.repeat
    print(
        f"PolNeAR test, {len(texts)} articles × {args.repeat}, {args.workers} cores, "
        "start-up included"
    )
    print()
    print("| system | seconds | articles/s |")
    print("|---|---|---|")
    for name, seconds in (
        (f"saywho analyze --workers {args.workers} (baseline)", local),
        (f"python -m saywho.spark --master local[{args.workers}]", spark),
    ):
        print(f"| {name} | {seconds:.1f} | {count / seconds:.1f} |")


if __name__ == "__main__":
    main()
