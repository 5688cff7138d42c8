#!/usr/bin/env python3
"""Run every tcevisor test and print one summary line: "N passed, M failed".

Two tiers:
  host    build/host/test_* binaries (the portable core under ASan/UBSan,
          cmocka, TAP output: one "ok"/"not ok" line per test case)
  system  tests/system/test_*.py: each test_* function boots QEMU and checks
          what it sees from outside (console, QMP memory reads, QEMU logs)

usage: run.py [--build build] [--only SUBSTRING] [--jobs N] [--list]
"""

import argparse
import concurrent.futures
import glob
import importlib.util
import inspect
import os
import subprocess
import sys
import time
import traceback

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "scripts"))
sys.path.insert(0, os.path.join(ROOT, "tests"))


class Result:
    def __init__(self, name, ok, detail="", seconds=0.0):
        self.name, self.ok, self.detail, self.seconds = name, ok, detail, seconds


def run_host_binary(path):
    """One cmocka binary -> one Result per TAP line (a crash is a failure)."""
    name = os.path.basename(path)
    env = dict(os.environ, CMOCKA_MESSAGE_OUTPUT="TAP")
    t0 = time.time()
    try:
        p = subprocess.run([path], capture_output=True, text=True, timeout=600, env=env)
    except subprocess.TimeoutExpired:
        return [Result("host/%s" % name, False, "timed out")]
    out = p.stdout + p.stderr
    results = []
    for line in p.stdout.splitlines():
        if line.startswith("ok ") or line.startswith("not ok "):
            ok = line.startswith("ok ")
            case = line.split(" - ", 1)[1] if " - " in line else line
            results.append(Result("host/%s/%s" % (name, case.strip()), ok,
                                  "" if ok else out[-3000:]))
    if p.returncode != 0 and all(r.ok for r in results):
        results.append(Result("host/%s" % name, False,
                              "exit status %d\n%s" % (p.returncode, out[-3000:])))
    if not results:
        results.append(Result("host/%s" % name, False, "no test output\n" + out[-3000:]))
    dt = time.time() - t0
    for r in results:
        r.seconds = dt / len(results)
    return results


def load_system_tests():
    tests = []
    for path in sorted(glob.glob(os.path.join(ROOT, "tests", "system", "test_*.py"))):
        modname = "systest_" + os.path.basename(path)[5:-3]
        spec = importlib.util.spec_from_file_location(modname, path)
        mod = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(mod)
        for fname, fn in inspect.getmembers(mod, inspect.isfunction):
            if fname.startswith("test_") and fn.__module__ == modname:
                tests.append(("system/%s/%s" % (os.path.basename(path)[:-3], fname), fn))
    return tests


def run_system_test(name, fn, build):
    from testlib import TestContext
    ctx = TestContext(name, build)
    t0 = time.time()
    try:
        fn(ctx)
        return Result(name, True, seconds=time.time() - t0)
    except Exception as e:  # noqa: BLE001 - any failure is a test failure
        detail = "%s: %s\n%s" % (type(e).__name__, e, traceback.format_exc(limit=4))
        detail += "\n(artifacts in %s)" % ctx.workdir
        return Result(name, False, detail, time.time() - t0)
    finally:
        ctx.cleanup()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default=os.path.join(ROOT, "build"))
    ap.add_argument("--only", default="")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--list", action="store_true")
    a = ap.parse_args()
    build = os.path.abspath(a.build)

    host = sorted(p for p in glob.glob(os.path.join(build, "host", "test_*"))
                  if os.access(p, os.X_OK) and not p.endswith(".d"))
    system = load_system_tests()
    if a.only:
        host = [p for p in host if a.only in p]
        system = [(n, f) for n, f in system if a.only in n]
    if a.list:
        for p in host:
            print("host/%s" % os.path.basename(p))
        for n, _ in system:
            print(n)
        return 0

    results = []

    def report(rs):
        for r in rs:
            print("%s %s (%.1fs)" % ("PASS" if r.ok else "FAIL", r.name, r.seconds), flush=True)
            if not r.ok:
                print("    " + r.detail.replace("\n", "\n    "), flush=True)
        results.extend(rs)

    t0 = time.time()
    with concurrent.futures.ThreadPoolExecutor(max_workers=a.jobs) as pool:
        futs = [pool.submit(run_host_binary, p) for p in host]
        futs += [pool.submit(lambda n=n, f=f: [run_system_test(n, f, build)])
                 for n, f in system]
        for fut in concurrent.futures.as_completed(futs):
            report(fut.result())

    passed = sum(r.ok for r in results)
    failed = len(results) - passed
    print("tests took %.0fs" % (time.time() - t0))
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed or not results else 0


if __name__ == "__main__":
    sys.exit(main())
