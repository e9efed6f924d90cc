"""``planner explain PLAN``: a plan's bottlenecks, why its needs are unmet and what would fix them, in words.

It reads what ``planner solve`` wrote into the plan folder (why.csv and explanations.csv, made
by planner.results.sentences and planner.results.explain), so it solves nothing and needs
no scenario: the same plan prints the same text.
"""

from __future__ import annotations

import csv
from pathlib import Path

from planner.labels import label, say

FILES = ("why.csv", "explanations.csv")
KINDS = ("volunteers", "capacity", "reach", "stock")
KIND_WORDS = {"volunteers": ("更多志愿者", "More volunteers"), "capacity": ("更大容量", "More room at a point"),
              "reach": ("更远路程", "A longer reach"), "stock": ("更多物资", "More stock")}


class PlanFolderError(Exception):
    """The plan folder lacks what the command reads (one line, naming the file)."""


def _read(folder: Path, name: str) -> list[dict[str, str]]:
    path = folder / name
    if not path.is_file():
        raise PlanFolderError(f"{path}: not found; it is written by planner solve (solve the scenario again)")
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    needed = {"why.csv": {"level", "district_id", "point_id", "text_zh", "text_en"},
              "explanations.csv": {"rank", "kind", "text_zh", "text_en"}}[name]
    missing = needed - set(rows[0] if rows else needed)
    if missing:
        raise PlanFolderError(f"{path}: has no column {', '.join(sorted(missing))}")
    return rows


def explain_text(plan_dir: str | Path, *, lang: str = "zh", district: str | None = None, point: str | None = None,
                 best: int = 3) -> str:
    """The text ``planner explain`` prints.

    Without ``district`` or ``point``: the bottlenecks, the best ``best`` suggestions of each
    kind, and every district with unmet need. With ``district``: that district and each of its
    unmet needs; with ``point``: each unmet need at that point.

    Raises
    ------
    PlanFolderError
        why.csv or explanations.csv is missing or lacks a column.
    """
    folder = Path(plan_dir)
    why, suggestions = _read(folder, "why.csv"), _read(folder, "explanations.csv")
    text = f"text_{lang}"
    lines: list[str] = []
    if district is None and point is None:
        lines.append(f"{say('bottlenecks', lang)}:")
        lines += [f"  {n}. {row[text]}" for n, row in enumerate((r for r in why if r["level"] == "bottleneck"), 1)]
        if suggestions:
            lines.append(f"{label('sheet_explanations', lang)}:")
        for kind in KINDS:
            rows = [r for r in suggestions if r["kind"] == kind][:best]
            if rows:
                zh, en = KIND_WORDS[kind]
                lines.append(f"  {zh if lang == 'zh' else en}:")
                lines += [f"    {r['rank']}. {r[text]}" for r in rows]
        districts = [r for r in why if r["level"] == "district"]
        if districts:
            lines.append(f"{say('why', lang)}:")
            lines += [f"  {r[text]}" for r in districts]
        return "\n".join(lines)
    chosen = [r for r in why if r["level"] in ("district", "need")
              and (district is None or r["district_id"] == district) and (point is None or r["point_id"] == point)
              and not (point is not None and r["level"] == "district")]
    if not chosen:
        where = point if point is not None else district
        known = {r["point_id"] if point is not None else r["district_id"] for r in why if r["level"] == "need"}
        return (f"{where}: " + ("没有缺口。" if lang == "zh" else "no unmet need.")
                + ("" if where in known else (" （不是有缺口的点位或区）" if lang == "zh"
                                              else " (not a point or district with unmet need)")))
    return "\n".join(r[text] for r in chosen)


__all__ = ["PlanFolderError", "explain_text"]
