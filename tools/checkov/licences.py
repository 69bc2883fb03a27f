"""Prints the licence of every package a requirements file pins, as installed in this interpreter's
environment: one line `name==version  licence` per package, sorted by name. The licence is the
package's License-Expression, else its "License ::" classifiers, else its License field (when it
is a name, not the licence text). tools/checkov/build.sh compares the output with licences.txt,
which test/tools/licences.test.ts reads.

    python licences.py requirements.txt
"""
import importlib.metadata as md
import re
import sys


def licence(dist: md.Distribution) -> str:
    m = dist.metadata
    expr = (m.get("License-Expression") or "").strip()
    if expr:
        return expr
    classifiers = [c.split("::")[-1].strip() for c in (m.get_all("Classifier") or []) if c.startswith("License ::")]
    if classifiers:
        return "; ".join(classifiers)
    field = (m.get("License") or "").strip()
    if field and "\n" not in field and len(field) <= 60:
        return field
    return "UNKNOWN"


def main(path: str) -> None:
    pins = []
    for line in open(path, encoding="utf-8"):
        line = line.split("#", 1)[0].strip()
        if line:
            name, version = line.split("==")
            pins.append((name, version))
    for name, version in sorted(pins, key=lambda p: re.sub(r"[-_.]+", "-", p[0]).lower()):
        dist = md.distribution(name)
        if dist.version != version:
            sys.exit(f"{name}: {dist.version} is installed, {version} is pinned")
        print(f"{name}=={version}  {licence(dist)}")


if __name__ == "__main__":
    main(sys.argv[1])
