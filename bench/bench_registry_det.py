"""False-match and false-non-match rates of the synthetic templates, and the DET curve (SVG).

    python bench/bench_registry_det.py --gallery 100000 --genuine 5000 --impostors 2000

A gallery of first captures; genuine probes are second captures of gallery persons, impostor
probes are persons outside the gallery. Per comparison: FMR(t) = share of impostor scores ≥ t,
FNMR(t) = share of genuine (mate) scores < t. Per search against the whole gallery: FPIR(t) =
share of impostor searches with any candidate ≥ t, FNIR(t) = share of genuine searches whose
mate is not the best candidate at or above t. Writes docs/registry_det.svg and prints JSON.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np

from migralex.registry.matcher import SyntheticPopulation
from migralex.registry.service import RegistryConfig

BINS = np.linspace(-1.0, 1.0, 4001)
COLOURS = {"fingerprint": "#1f5fa8", "face": "#c2571a"}


def rates(pop: SyntheticPopulation, modality: str, args: argparse.Namespace) -> dict:
    rng = np.random.default_rng([args.seed, len(modality)])
    gallery_ids = np.arange(args.gallery)
    gallery = pop.capture(modality, gallery_ids, rng)
    mates = rng.choice(args.gallery, size=args.genuine, replace=False)
    genuine_probes = pop.capture(modality, mates, rng)
    impostor_probes = pop.capture(
        modality, np.arange(args.gallery, args.gallery + args.impostors) + 10**7, rng
    )
    genuine = (genuine_probes * gallery[mates]).sum(1)
    hist = np.zeros(len(BINS) - 1, dtype=np.int64)
    best_impostor = np.empty(args.impostors, np.float32)
    for s in range(0, args.impostors, 250):
        block = impostor_probes[s : s + 250] @ gallery.T
        hist += np.histogram(block, bins=BINS)[0]
        best_impostor[s : s + 250] = block.max(1)
    best_other = np.empty(args.genuine, np.float32)
    for s in range(0, args.genuine, 250):
        block = genuine_probes[s : s + 250] @ gallery.T
        block[np.arange(block.shape[0]), mates[s : s + 250]] = -2.0
        best_other[s : s + 250] = block.max(1)
    impostor_tail = (
        np.cumsum(hist[::-1])[::-1] / hist.sum()
    )  # share of impostor scores >= each bin's left edge
    thresholds = BINS[:-1]
    fmr = impostor_tail
    fnmr = np.searchsorted(np.sort(genuine), thresholds, side="left") / len(genuine)
    return {
        "thresholds": thresholds,
        "fmr": fmr,
        "fnmr": fnmr,
        "genuine": genuine,
        "best_impostor": best_impostor,
        "best_other": best_other,
        "comparisons": int(hist.sum()),
    }


def at(r: dict, t: float) -> dict:
    i = int(np.searchsorted(r["thresholds"], t - 1e-9))
    fpir = float((r["best_impostor"] >= t).mean())
    fnir = float(((r["genuine"] < t) | (r["best_other"] > r["genuine"])).mean())
    return {
        "threshold": t,
        "fmr": float(r["fmr"][i]),
        "fnmr": float(r["fnmr"][i]),
        "fpir": fpir,
        "fnir": fnir,
        "fmr_resolution": 1 / r["comparisons"],
    }


def svg(curves: dict[str, dict], marks: dict[str, dict], path: Path) -> None:
    w, h, left, bottom, top, right = 640, 460, 70, 60, 30, 20
    xmin, xmax, ymin, ymax = -9, 0, -4, 0

    def px(x: float) -> float:
        return left + (np.log10(x) - xmin) / (xmax - xmin) * (w - left - right)

    def py(y: float) -> float:
        return top + (ymax - np.log10(y)) / (ymax - ymin) * (h - top - bottom)

    svg_open = f'<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}"'
    out = [
        svg_open + ' font-family="sans-serif" font-size="12">',
        f'<rect width="{w}" height="{h}" fill="white"/>',
    ]
    for e in range(xmin, xmax + 1):
        x = px(10.0**e)
        out.append(f'<line x1="{x:.1f}" y1="{top}" x2="{x:.1f}" y2="{h - bottom}" stroke="#ddd"/>')
        out.append(f'<text x="{x:.1f}" y="{h - bottom + 16}" text-anchor="middle">1e{e}</text>')
    for e in range(ymin, ymax + 1):
        y = py(10.0**e)
        out.append(f'<line x1="{left}" y1="{y:.1f}" x2="{w - right}" y2="{y:.1f}" stroke="#ddd"/>')
        out.append(f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end">1e{e}</text>')
    box = f'width="{w - left - right}" height="{h - top - bottom}"'
    out.append(f'<rect x="{left}" y="{top}" {box} fill="none" stroke="#333"/>')
    mid_x, mid_y = (w + left) / 2, (h - bottom + top) / 2
    out.append(
        f'<text x="{mid_x}" y="{h - 18}" text-anchor="middle">false match rate per comparison (FMR)</text>'
    )
    out.append(
        f'<text transform="translate(18,{mid_y}) rotate(-90)" text-anchor="middle">'
        "false non-match rate (FNMR)</text>"
    )
    title = "DET of the synthetic templates (128 dimensions, inner product)"
    out.append(f'<text x="{mid_x}" y="18" text-anchor="middle" font-weight="bold">{title}</text>')
    for k, (name, r) in enumerate(curves.items()):
        ok = (r["fmr"] > 0) & (r["fnmr"] > 0) & (r["fmr"] >= 10.0**xmin) & (r["fnmr"] >= 10.0**ymin)
        pts = " ".join(f"{px(x):.1f},{py(y):.1f}" for x, y in zip(r["fmr"][ok], r["fnmr"][ok], strict=True))
        out.append(f'<polyline points="{pts}" fill="none" stroke="{COLOURS[name]}" stroke-width="2"/>')
        m = marks[name]
        below = m["fmr"] == 0  # none observed: at most the resolution
        fmr = m["fmr_resolution"] if below else m["fmr"]
        if m["fnmr"] > 0:
            fill = "white" if below else COLOURS[name]
            out.append(
                f'<circle cx="{px(fmr):.1f}" cy="{py(m["fnmr"]):.1f}" r="5" fill="{fill}" '
                f'stroke="{COLOURS[name]}" stroke-width="2"/>'
            )
        less = "&lt; " if below else ""
        label = f"{name}: threshold {m['threshold']}, FNMR {m['fnmr']:.2%}, FMR {less}{fmr:.0e}"
        y = top + 18 + 20 * k
        out.append(
            f'<text x="{w - right - 10}" y="{y}" text-anchor="end" fill="{COLOURS[name]}">{label}</text>'
        )
    out.append("</svg>")
    path.write_text("\n".join(out) + "\n")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--gallery", type=int, default=100_000)
    parser.add_argument("--genuine", type=int, default=5_000)
    parser.add_argument("--impostors", type=int, default=2_000)
    parser.add_argument("--seed", type=int, default=1358)
    parser.add_argument(
        "--svg", default=str(Path(__file__).resolve().parents[1] / "docs" / "registry_det.svg")
    )
    args = parser.parse_args()
    pop = SyntheticPopulation(args.seed)
    thresholds = RegistryConfig().thresholds
    curves = {m: rates(pop, m, args) for m in ("fingerprint", "face")}
    marks = {m: at(curves[m], thresholds[m]) for m in curves}
    sweep = {m: [at(curves[m], t) for t in (0.40, 0.45, 0.50, 0.55, 0.60, 0.65)] for m in curves}
    svg(curves, marks, Path(args.svg))
    print(
        json.dumps(
            {
                "gallery": args.gallery,
                "genuine": args.genuine,
                "impostors": args.impostors,
                "at_threshold": marks,
                "sweep": sweep,
                "svg": args.svg,
            }
        )
    )


if __name__ == "__main__":
    main()
