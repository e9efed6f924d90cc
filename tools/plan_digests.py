"""Digests of the plans the planner writes and of the LP it builds, to show a change keeps them.

    python tools/plan_digests.py record tools/plan-digests.json   # before a change
    python tools/plan_digests.py check tools/plan-digests.json    # after: exit 1 on any difference

Covers every scenario in scenarios/ and generated ones at 1x, 2x and 10x (seed 0): the
SHA-256 of every file of the plan folder (plan.xlsx included), and of the LP as HiGHS holds
it (MPS, columns and rows in model order) together with the PuLP names of its columns and rows.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SCALES = (1, 2, 10)


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def lp_digest(scenario_dir: Path, work: Path) -> str:
    """The LP's digest: its MPS file (unnamed, model order) and its column and row names."""
    from planner import load_scenario
    from planner.model import PlanModel, apply_levers

    scenario = load_scenario(scenario_dir)
    inputs = apply_levers(scenario)
    model = PlanModel(scenario, inputs.reach_km, base=inputs)
    model.set_inputs(inputs)
    mps = work / "model.mps"
    model.write_model(mps)
    cols, rows = model.names()
    return _sha(mps.read_bytes() + "\n".join(cols).encode() + b"\n--\n" + "\n".join(rows).encode())


def digests() -> dict[str, dict[str, str]]:
    planner = str(Path(sys.executable).parent / "planner")
    out: dict[str, dict[str, str]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        cases = {f"scenarios/{p.name}": p for p in sorted((ROOT / "scenarios").iterdir()) if p.is_dir()}
        for scale in SCALES:
            folder = work / f"x{scale}"
            subprocess.run([planner, "generate", "--scale", str(scale), "--out", str(folder)], check=True,
                           capture_output=True)
            cases[f"generated x{scale}"] = folder
        for name, folder in cases.items():
            plan = work / "plans" / name.replace("/", "_").replace(" ", "_")
            subprocess.run([planner, "solve", str(folder), "--out", str(plan)], check=True, capture_output=True)
            files = {p.relative_to(plan).as_posix(): _sha(p.read_bytes())
                     for p in sorted(plan.rglob("*")) if p.is_file()}
            files["LP"] = lp_digest(folder, work)
            out[name] = files
    return out


def main(argv: list[str]) -> int:
    if len(argv) != 2 or argv[0] not in ("record", "check"):
        print(__doc__, file=sys.stderr)
        return 2
    path = Path(argv[1])
    now = digests()
    if argv[0] == "record":
        path.write_text(json.dumps(now, indent=1, sort_keys=True) + "\n", encoding="utf-8")
        print(f"recorded {sum(len(v) for v in now.values())} digests of {len(now)} plans in {path}")
        return 0
    before = json.loads(path.read_text(encoding="utf-8"))
    differ = [f"{case}: {file}" for case in sorted(set(before) | set(now))
              for file in sorted(set(before.get(case, {})) | set(now.get(case, {})))
              if before.get(case, {}).get(file) != now.get(case, {}).get(file)]
    for line in differ:
        print(f"differs: {line}")
    print(f"{len(differ)} of {sum(len(v) for v in before.values())} digests differ")
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
