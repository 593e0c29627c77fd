#!/usr/bin/env python3
"""Summarize the .trx files `dotnet test --logger trx` wrote: every skipped test with its reason, every failed test,
then one closing line "tests: N passed, N failed, N skipped" summed over the test assemblies.

Usage: test-summary.py RESULTS_DIR
"""
import glob
import os
import sys
import xml.etree.ElementTree as ET

NS = {"t": "http://microsoft.com/schemas/VisualStudio/TeamTest/2010"}


def message(result):
    node = result.find("t:Output/t:ErrorInfo/t:Message", NS)
    text = (node.text or "").strip() if node is not None else ""
    return " ".join(text.split()) or "(no reason given)"


def main(results_dir):
    files = sorted(glob.glob(os.path.join(results_dir, "**", "*.trx"), recursive=True))
    passed, failed, skipped = [], [], []
    for path in files:
        for result in ET.parse(path).getroot().iterfind(".//t:UnitTestResult", NS):
            name, outcome = result.get("testName", "?"), result.get("outcome", "")
            if outcome == "Passed":
                passed.append(name)
            elif outcome == "NotExecuted":
                skipped.append((name, message(result)))
            else:
                failed.append((name, outcome))

    if not files:
        print("no test results were written (the build or the test run stopped before any test ran)")
    for name, reason in sorted(skipped):
        print(f"skipped: {name} \u2014 {reason}")
    for name, outcome in sorted(failed):
        print(f"failed: {name} ({outcome.lower()})")
    print(f"tests: {len(passed)} passed, {len(failed)} failed, {len(skipped)} skipped")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(sys.argv[1])
