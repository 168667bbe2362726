# Reads dfq-run --profile --json from stdin and prints what
# dfq-run-profile.mlir checks: the profile's consistency, not its times.
import json
import math
import sys

result = json.load(sys.stdin)
profile = result["profile"]
steps = profile["steps"]
print("batches", profile["batches"], end=", ")
print("steps equal to the model's:", steps[-1]["name"] == "outputs" and
      all(step["kind"] in ("kernel", "host loop", "conversion", "host op",
                           "outputs") for step in steps))
total = sum(step["ms"] for step in steps)
print("kinds sum to the total:",
      math.isclose(sum(profile["by_kind"].values()), total, rel_tol=1e-9) and
      math.isclose(profile["ms_per_batch"], total, rel_tol=1e-9))
print("every step timed:", all(step["ms"] > 0 for step in steps))
print("kernel steps:", " ".join(step["name"] for step in steps
                                if step["kind"] == "kernel"))
