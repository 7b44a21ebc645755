"""A bounded number of scripts/partitions schedules (2 short ones, fixed seeds) in network
namespaces, single-sentinel or HA mode (the argument): every history must satisfy the
invariants of history_checker. Exits 77 when not root, without `ip netns`, or (--ha) with
a sentinel that has no [coordination] yet."""
import sys

import partition_runner
from dnsd_harness import SKIP_EXIT, require
from netns_harness import available

SEEDS = 1  # schedules SEEDS, SEEDS + 1


def main():
    mode = sys.argv[1].lstrip("-") if len(sys.argv) > 1 else "single"
    require(["ip"] + (["etcd", "etcdctl"] if mode == "ha" else []), root=True)
    why = available()
    if why:
        print("SKIP: network namespaces need " + why, flush=True)
        sys.exit(SKIP_EXIT)
    try:
        totals, results = partition_runner.run_schedules(2, mode, SEEDS, steps=4, settle=6.0, keep=False,
                                                          jobs=2)
    except partition_runner.Unsupported as e:
        print("SKIP: %s" % e, flush=True)
        sys.exit(SKIP_EXIT)
    ok = True
    for r in results:
        s = r["summary"]
        print("seed %d: %s -> %d failover(s), %d false" % (r["seed"], "; ".join(r["plan"]),
                                                           s["failovers"], s["false_failovers"]))
    # The recording itself must have worked, or the invariants hold vacuously.
    for r in results:
        if not r.get("observed_all"):
            print("FAIL: seed %d: not every dnsd was observed after the final heal" % r["seed"])
            ok = False
    if totals["not_run"] or len(results) != 2:
        print("FAIL: schedule(s) could not be set up: seeds %s" % totals["not_run"])
        ok = False
    if totals["sanitizer"]:
        print("FAIL: sanitizer reports in " + ", ".join(totals["sanitizer"]))
        ok = False
    if totals["violations"]:
        print("FAIL: %d invariant violation(s): %s" % (totals["violations"], totals["by_invariant"]))
        ok = False
    print("%s: %d schedule(s), %d failover(s), %d false failover(s) (%d cut(s) of one sentinel "
          "from the master), %d violation(s)" % (
              mode, totals["schedules"], totals["failovers"], totals["false_failovers"],
              totals["minority_cuts"], totals["violations"]), flush=True)
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
