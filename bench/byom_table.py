#!/usr/bin/env python3
"""The markdown table of bench/byom-cifar.sh's run folder: per method, its time (the receipt's) and the retrain comparison.

Usage: byom_table.py OUT_DIR
"""
import glob
import json
import os
import re
import sys


def main(out):
    print(open(os.path.join(out, "python-train.json")).read().strip())
    print(open(os.path.join(out, "times.txt")).read().strip())
    print()
    print("| model | time (s) | forget acc | retain acc | test acc | MIA AUC | avg gap to retrain |")
    print("|---|---|---|---|---|---|---|")
    rows = []
    for path in sorted(glob.glob(os.path.join(out, "eval-*.json"))):
        name = os.path.basename(path)[5:-5]
        c = json.load(open(path))["comparison"]
        seconds = ""
        text = os.path.join(out, f"unlearn-{name}.txt")
        if os.path.exists(text):
            m = re.search(r"matched, ([0-9.]+) s", open(text).read())
            seconds = m.group(1) if m else ""
        rows.append((name, seconds, c["model"], c["averageGap"]))
        reference = c["reference"]
    retrain = re.search(r"matched, ([0-9.]+) s", open(os.path.join(out, "retrain.txt")).read())
    rows.append(("retrain (reference)", retrain.group(1) if retrain else "", reference, 0.0))
    for name, seconds, m, gap in rows:
        print(f"| {name} | {seconds} | {m['forgetAccuracy']:.3f} | {m['retainAccuracy']:.3f} | {m['testAccuracy']:.3f} | "
              f"{m['miaAuc']:.3f} | {gap:.3f} |")


if __name__ == "__main__":
    main(sys.argv[1])
