#!/usr/bin/env python3
"""Run every tcevisor benchmark and print one table per benchmark.

usage: run.py [--build build] [--keep]

Benchmarks:
  iommu   the IOMMU core's update API (bench/iommu_bench.c, gcc -O2) under
          callgrind: instructions per call or per entry, and the kills the
          fake PHB counted, beside their targets.

Instruction counts come from callgrind, so they are exact and repeatable
on any machine, but they are x86-64 host instructions, not POWER ones.
"""

import argparse
import glob
import os
import re
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import hcalls  # noqa: E402
import nvme  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# ---- callgrind output ------------------------------------------------------------

NAME_LINE = re.compile(r"^(c?fn)=\((\d+)\)(?: (.*))?$")
COST_LINE = re.compile(r"^([+-]?\d+|\*)\s+(\d+)")


def call_costs(path):
    """{(caller, callee): inclusive Ir} of the call arcs in one dump.

    Call counts are not used: callgrind records arcs of calls made while
    collection is off too (with no cost), so the benchmark says how many
    calls it measured."""
    names, arcs = {}, {}
    fn = cfn = None
    pending = False
    with open(path) as f:
        for line in f:
            m = NAME_LINE.match(line.rstrip("\n"))
            if m:
                key, num, name = m.groups()
                if name is not None:
                    names[num] = name
                if key == "fn":
                    fn = names[num]
                else:
                    cfn = names[num]
                continue
            if line.startswith("calls="):
                pending = True
                continue
            m = COST_LINE.match(line)
            if m and pending:
                arcs[(fn, cfn)] = arcs.get((fn, cfn), 0) + int(m.group(2))
                pending = False
    return arcs


def dumps_by_trigger(outfile):
    """{client request name: dump path} for outfile.1, outfile.2, ..."""
    found = {}
    for path in glob.glob(outfile + ".*"):
        with open(path) as f:
            for line in f:
                if line.startswith("desc: Trigger: Client Request: "):
                    found[line.split(": ", 3)[3].strip()] = path
                    break
                if line.startswith("fn="):
                    break
    return found


# ---- the IOMMU benchmark ---------------------------------------------------------

class Measurement:
    def __init__(self, fields):
        (self.name, self.fn, calls, entries, self.phb, groups, pe, rng) = fields
        self.calls, self.entries, self.groups = int(calls), int(entries), int(groups)
        self.kills_pe, self.kills_range = int(pe), int(rng)
        self.instr = None               # per call

    def per_entry(self):
        return self.instr / self.entries

    def kills_per_group(self):
        """(PE kills, range kills) per call per linked group."""
        n = self.calls * self.groups
        return self.kills_pe / n, self.kills_range / n


def run_iommu(build, keep):
    exe = os.path.join(build, "bench", "iommu_bench")
    outdir = os.path.join(build, "bench", "callgrind")
    if not shutil.which("valgrind"):
        sys.exit("bench: valgrind is missing (scripts/setup.sh installs it)")
    if not os.access(exe, os.X_OK):
        sys.exit("bench: %s is missing (make bench builds it)" % exe)
    shutil.rmtree(outdir, ignore_errors=True)
    os.makedirs(outdir)
    outfile = os.path.join(outdir, "callgrind.out")
    # Collection only where the benchmark turns it on, and never inside the
    # fake PHB's kill functions.
    cmd = ["valgrind", "-q", "--tool=callgrind", "--collect-atstart=no",
           "--toggle-collect=bench_kill_*", "--callgrind-out-file=" + outfile, exe]
    p = subprocess.run(cmd, capture_output=True, text=True)
    if p.returncode != 0:
        sys.exit("bench: %s failed (%d):\n%s" % (" ".join(cmd), p.returncode, p.stderr))
    dumps = dumps_by_trigger(outfile)
    ms = {}
    for line in p.stdout.splitlines():
        if not line.startswith("M "):
            continue
        m = Measurement(line.split()[1:])
        arcs = call_costs(dumps[m.name])
        # the measured API function as the benchmark called it (not, say,
        # put_tce's own call to stuff)
        total = sum(ir for (caller, callee), ir in arcs.items()
                    if callee == m.fn and not caller.startswith("tce_table_"))
        leaked = sum(ir for (caller, callee), ir in arcs.items()
                     if callee.startswith("bench_kill_"))
        if leaked:
            sys.exit("bench: %s: %d instructions counted inside the fake kills" % (m.name, leaked))
        m.instr = total / m.calls
        ms[m.name] = m
    if not keep:
        shutil.rmtree(outdir, ignore_errors=True)
    return ms


GROUPS = (1, 2, 8, 64)


def verdict(value, limit):
    if value <= limit:
        return "meets"
    return "misses by %s (%.1fx)" % (fmt(value - limit), value / limit)


def fmt(v):
    return "%.0f" % v if v >= 100 else "%.1f" % v if v >= 10 else "%.2f" % v


def kill_value(ms, names):
    """'1/2/8/64 PE' from the measurements for 1, 2, 8, 64 groups."""
    parts, kinds = [], set()
    for n in names:
        m = ms[n]
        pe, rng = m.kills_pe / m.calls, m.kills_range / m.calls
        kinds.update(k for k, v in (("PE", pe), ("range", rng)) if v)
        parts.append(fmt_kills(pe, rng))
    if len(kinds) == 1 and all("+" not in p for p in parts):
        return "/".join(p.split()[0] for p in parts) + " " + kinds.pop()
    return ", ".join(parts)


def fmt_kills(pe, rng):
    if pe and rng:
        return "%g PE + %g range" % (pe, rng)
    return "%g %s" % (pe or rng, "PE" if pe else "range")


def kill_row(ms, label, names, want_pe, want_range, target):
    ok = all(ms[n].kills_per_group() == (want_pe, want_range) for n in names)
    return ("kills: " + label, kill_value(ms, names), target, "meets" if ok else "misses")


def iommu_rows(ms):
    rows = []
    put = {g: ms["put/phb4/%d" % g].instr for g in GROUPS}
    for g in GROUPS:
        limit = 150 + 20 * (g - 1)
        rows.append(("put_tce, %d group%s" % (g, "s" if g > 1 else ""), fmt(put[g]),
                     "<= %d" % limit, verdict(put[g], limit)))
    slope = (put[64] - put[1]) / 63
    rows.append(("put_tce, per extra group (1 -> 64)", fmt(slope), "<= 20", verdict(slope, 20)))
    rows.append(("put_tce, 1 group, PHB3-like", fmt(ms["put/phb3/1"].instr), "-", "(info)"))
    rows.append(("put_tce, 1 group, 2-level table", fmt(ms["put-2level/phb4/1"].instr), "-",
                 "(info)"))
    for name, label in (("stuff-map/phb4/1", "stuff 512 mapping, per entry"),
                        ("stuff-clear/phb4/1", "stuff 512 clearing, per entry")):
        v = ms[name].per_entry()
        rows.append((label, fmt(v), "<= 4", verdict(v, 4)))
    for name, label, note in (
            ("stuff-clear-clean/phb4/1", "stuff 512 clearing clear entries, per entry", "(info)"),
            ("stuff-map/phb3/1", "stuff 512 mapping, PHB3-like, per entry", "(info)"),
            ("list/phb4/1", "list 512, per entry", "(no target)"),
            ("list/phb3/1", "list 512, PHB3-like, per entry", "(info)")):
        rows.append((label, fmt(ms[name].per_entry()), "-", note))

    def names(kind, phb):
        return ["%s/%s/%d" % (kind, phb, g) for g in GROUPS]

    pe1 = "1 PE kill per group"
    rows.append(kill_row(ms, "put, PHB4-like", names("put", "phb4"), 1, 0, pe1))
    for kind, label in (("stuff-map", "512-stuff map"), ("stuff-clear", "512-stuff clear"),
                        ("list", "512-list"), ("list-4runs", "512-list, 4 runs")):
        rows.append(kill_row(ms, label + ", PHB4-like", names(kind, "phb4"), 1, 0, pe1))
    rows.append(kill_row(ms, "put, PHB3-like", names("put", "phb3"), 0, 1,
                         "1 range kill per group"))
    for kind, label in (("stuff-map", "512-stuff map"), ("stuff-clear", "512-stuff clear"),
                        ("list", "512-list")):
        rows.append(kill_row(ms, label + ", PHB3-like", names(kind, "phb3"), 1, 0,
                             pe1 + " (512 > 64)"))
    rows.append(kill_row(ms, "512-list, 4 runs of 16, PHB3-like", names("list-4runs", "phb3"),
                         0, 4, "4 range kills per group"))
    rows.append(kill_row(ms, "512-list, 17 runs of 8, PHB3-like", names("list-17runs", "phb3"),
                         1, 0, pe1 + " (> 16 runs)"))
    return rows


def print_table(title, notes, header, rows):
    widths = [max(len(str(r[i])) for r in rows + [header]) for i in range(len(header))]
    right = (False, True, True, False)

    def line(cells):
        return "| " + " | ".join(
            str(c).rjust(w) if r else str(c).ljust(w)
            for c, w, r in zip(cells, widths, right)) + " |"

    print(title)
    for n in notes:
        print(n)
    print()
    print(line(header))
    print("|" + "|".join(("-" * (w + 1) + ":") if r else ("-" * (w + 2))
                         for w, r in zip(widths, right)) + "|")
    for r in rows:
        print(line(r))
    print()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default=os.path.join(ROOT, "build"))
    ap.add_argument("--keep", action="store_true", help="keep the callgrind dumps")
    ap.add_argument("--only", choices=("iommu", "null", "tce", "nvme"), help="one benchmark")
    a = ap.parse_args()
    build = os.path.abspath(a.build)
    workdir = os.path.join(build, "bench", "runs")

    if a.only in (None, "null"):
        print_table("Null hypercall: the same guest binary on tcevisor (powernv9) and on QEMU",
                    ["pseries, %d runs of each, interleaved (medians). Ticks: timebase (512 MHz) per"
                     % hcalls.RUNS,
                     "call timed in the guest: wall time under TCG, compare ratios only.",
                     "Instructions: exact, QEMU -icount with PMC6 gated to hypervisor state."],
                    ("measurement", "value", "target", "verdict"),
                    hcalls.null_rows(build, workdir))
        print()
    if a.only in (None, "tce"):
        print_table("TCE hypercalls: tcevisor (window 0 linked to 2 edu PEs on PHB0 and PHB1)",
                    ["against QEMU pseries serving the same calls to the same guest binary: %d runs"
                     % hcalls.RUNS,
                     "of each, interleaved; a ratio is the median of the runs' pairwise ratios, their",
                     "range in brackets. Instructions: exact hypervisor instructions per call",
                     "(-icount, PMC6 gated), PE kill MMIO and its handshake included."],
                    ("measurement", "value", "target", "verdict"),
                    hcalls.tce_rows(build, workdir))
        print()
    if a.only in (None, "nvme"):
        print_table("NVMe sequential read in a guest through its own TCEs (%d MiB in %d KiB "
                    "I/Os;" % (nvme.TOTAL >> 20, nvme.CHUNK >> 10),
                    ["each I/O maps its buffer, reads, unmaps it with H_STUFF_TCE). MiB/s from",
                     "the guest's timebase: wall time under TCG, compare rows only."],
                    ("configuration", "throughput", "TCE hcalls per MiB"),
                    nvme.rows(build, workdir))
        print()
    if a.only not in (None, "iommu"):
        return 0
    ms = run_iommu(build, a.keep)
    print_table(
        "IOMMU core: instructions per call, counted by callgrind (x86-64 host instructions",
        ["of the core built with gcc -O2, not POWER instructions). Counted: the core's own",
         "instructions and its calls to the fake PHB's kills, not the kills' bodies.",
         "Table: window 0, 2 GiB of 4 KiB pages, one level; groups: PEs linked to it, on",
         "the PHB4-like fake (kill threshold 0) unless PHB3-like (threshold 64) is said.",
         "Kill rows: kills per call the fake counted, with 1/2/8/64 groups linked."],
        ("measurement", "value", "target", "verdict"), iommu_rows(ms))
    return 0


if __name__ == "__main__":
    sys.exit(main())
