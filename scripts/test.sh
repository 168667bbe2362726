#!/usr/bin/env bash
# Installs what dfq needs, builds it, and runs every test suite:
#   - lit + FileCheck regression tests (test/)
#   - GoogleTest unit tests (unittests/, run through lit)
# Ends with one summary line "dfq: N passed, M failed".
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="${DFQ_BUILD_DIR:-$root/build}"

if [ -z "${DFQ_SKIP_SETUP:-}" ]; then
  bash "$root/scripts/setup.sh"
fi
bash "$root/scripts/build.sh"

results="$build/test-results.xml"
status=0
/usr/lib/llvm-22/bin/lit -sv --xunit-xml-output "$results" \
  "$build/test" "$build/test/Unit" || status=$?

python3 - "$results" <<'PY'
import sys
import xml.etree.ElementTree as ET

root = ET.parse(sys.argv[1]).getroot()
suites = [root] if root.tag == "testsuite" else root.findall("testsuite")
tests = sum(int(s.get("tests", 0)) for s in suites)
failed = sum(int(s.get("failures", 0)) + int(s.get("errors", 0)) for s in suites)
skipped = sum(int(s.get("skipped", 0)) for s in suites)
passed = tests - failed - skipped
line = f"dfq: {passed} passed, {failed} failed"
if skipped:
    line += f", {skipped} skipped"
print(line)
PY
exit $status
