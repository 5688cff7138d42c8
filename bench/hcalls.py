"""Hypercall benchmarks: the same guest binary (tests/guest) on tcevisor
(QEMU powernv9) and on QEMU's own pseries machine, in one run.

Two kinds of numbers:
- timebase ticks per call, timed by the guest with mftb: wall time under
  TCG, so only the ratios between rows of one run mean anything;
- exact hypervisor instructions per call: QEMU -icount shift=0 with the
  hypervisor's pmu-gate option, so PMC6 counts only instructions executed
  in hypervisor state (measuring.md). pseries has no such count (QEMU
  itself serves its hcalls).
"""

import os
import re
import statistics
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "scripts"))
import tcevisor_qemu  # noqa: E402

EDU = ["edu,bus=pcie.0,addr=0.0,dma_mask=0xffffffffffffffff",
       "edu,bus=pcie.1,addr=0.0,dma_mask=0xffffffffffffffff"]
# Two functions of one slot on PHB0: two PEs on one PHB.
EDU_ONE_PHB = [("0000:01:00.0", "edu,bus=pcie.0,addr=0.0,multifunction=on,"
                "dma_mask=0xffffffffffffffff"),
               ("0000:01:00.1", "edu,bus=pcie.0,addr=0.1,dma_mask=0xffffffffffffffff")]
RUNS = 3


def _config(build, workdir, name, bootargs, devices=0, window=True, bdfs=None):
    devs = ", ".join('"%s"' % b for b in (bdfs or ["000%d:01:00.0" % i for i in range(devices)]))
    dts = ('/dts-v1/;\n/ { compatible = "tcevisor,config"; bootargs = "exit-when-done slice=0";\n'
           'guests { b { memory = <0x4000000>; image = "testguest"; bootargs = "%s";\n'
           '%s %s }; }; };\n'
           % (bootargs, 'pci-devices = %s;' % devs if devices else "",
              'dma-window-0 { size = <0x40000000>; page-shift = <12>; levels = <1>; };'
              if window else ""))
    return tcevisor_qemu.compile_dts(dts, os.path.join(workdir, name + ".dtb"))


def _tcevisor(build, workdir, bootargs, devices=0, icount=False, timeout=600, one_phb=False,
              hv_args=None):
    """devices: edu devices, one per PHB from PHB0 (one_phb: two on PHB0);
    hv_args: more hypervisor boot options."""
    os.makedirs(workdir, exist_ok=True)
    bdfs = [b for b, _ in EDU_ONE_PHB] if one_phb else None
    cfg = _config(build, workdir, "bench", bootargs, devices, bdfs=bdfs)
    m = tcevisor_qemu.Machine(machine="powernv9", config=cfg,
                              devices=[d for _, d in EDU_ONE_PHB] if one_phb else EDU[:devices],
                              append=" ".join(a for a in ("pmu-gate" if icount else None,
                                                          hv_args) if a) or None,
                              icount=icount,
                              guest_errors=False, workdir=os.path.join(workdir, "qemu"),
                              image=os.path.join(build, "tcevisor.bin"))
    return _output(m, timeout)


def _pseries(build, workdir, bootargs, timeout=600):
    return _output(tcevisor_qemu.pseries(build, bootargs, guest_errors=False,
                                         workdir=os.path.join(workdir, "pseries")), timeout)


def _output(m, timeout):
    """Run m to its exit; its console text. A run that does not end with
    status 0 is an error, not a number."""
    with m:
        rc = m.wait_exit(timeout)
    if rc != 0:
        raise RuntimeError("QEMU exit status %s (%s); console tail:\n%s"
                           % (rc, m.machine, m.output[-2000:]))
    return m.output


def _null(out):
    m = re.search(r"bench: null hcall=0x[0-9a-f]+ count=(\d+) ticks=(\d+) "
                  r"per_call_x100=(\d+) pmc6=(\d+)", out)
    if not m:
        raise RuntimeError("no nullbench line in:\n" + out[-2000:])
    count, ticks, x100, pmc = (int(x) for x in m.groups())
    return ticks / count, pmc / count


def null_rows(build, workdir, count=200000):
    args = "mode=nullbench count=%d hcall=%s"
    full, floor, pss = [], [], []
    for _ in range(RUNS):  # interleaved, as in tce_rows
        full.append(_null(_tcevisor(build, workdir, args % (count, "0x1f0")))[0])
        floor.append(_null(_tcevisor(build, workdir, args % (count, "0xf00c")))[0])
        pss.append(_null(_pseries(build, workdir, args % (count, "0x1f0")))[0])
    full, floor, ps = (statistics.median(x) for x in (full, floor, pss))
    instr = _null(_tcevisor(build, workdir, args % (20000, "0x1f0"), icount=True))[1]
    return [
        ("null hcall, tcevisor (save/restore + C dispatch)", "%.0f ticks" % full,
         "-", "%.2fx pseries" % (full / ps)),
        ("null hcall, tcevisor floor (4 instructions in the 0xc00 vector)", "%.0f ticks" % floor,
         "-", "%.2fx pseries" % (floor / ps)),
        ("null hcall, QEMU pseries (QEMU serves it)", "%.0f ticks" % ps, "-", "1.00x"),
        ("null hcall, tcevisor hypervisor instructions", "%.0f" % instr, "<= 150",
         "meets" if instr <= 150 else "misses by %.0f" % (instr - 150)),
    ]


def _tce(out):
    m = re.search(r"bench: tce put_x100=(\d+) stuff512_x100=(\d+) indirect512_x100=(\d+) "
                  r"pmc6_put=(\d+) pmc6_stuff512=(\d+) pmc6_indirect512=(\d+)", out)
    if not m:
        raise RuntimeError("no tcebench line in:\n" + out[-2000:])
    v = [int(x) for x in m.groups()]
    return {"put": v[0] / 100, "stuff": v[1] / 100, "indirect": v[2] / 100,
            "i_put": v[3], "i_stuff": v[4], "i_indirect": v[5]}


def _phb(out):
    """The hypervisor's phb-bench line: kill_pes and sync ticks per call,
    and the instructions of one kill_pes call with its loop."""
    m = re.search(r"bench: phb \S+ kill_pes_x100=(\d+) sync_x100=(\d+) "
                  r"kill_pes_instr_x100=(\d+)", out)
    if not m:
        raise RuntimeError("no phb-bench line in:\n" + out[-2000:])
    return tuple(int(x) / 100 for x in m.groups())


def tce_rows(build, workdir, count=20000):
    args = "mode=tcebench count=%d" % count
    # Interleaved (tcevisor, then pseries, RUNS times) so that a slow
    # stretch of the host hits both sides; each ratio is of one pair, and
    # the row gives their median and range.
    ours, ps, one_pe, handshake, floor = [], [], [], [], []
    for _ in range(RUNS):
        ours.append(_tce(_tcevisor(build, workdir, args, devices=2)))
        ps.append(_tce(_pseries(build, workdir, args)))
        out = _tcevisor(build, workdir, args, devices=1, hv_args="phb-bench=20000")
        one_pe.append(_tce(out)["put"])
        handshake.append(_phb(out)[0])
        floor.append(_null(_tcevisor(build, workdir, "mode=nullbench count=200000 hcall=0xf00c"))[0])
    med = {k: statistics.median(r[k] for r in ours) for k in ("put", "stuff", "indirect")}
    pmed = {k: statistics.median(r[k] for r in ps) for k in ("put", "stuff", "indirect")}
    ratios = {k: sorted(o[k] / p[k] for o, p in zip(ours, ps)) for k in ("put", "stuff", "indirect")}
    null_i = _null(_tcevisor(build, workdir, "mode=nullbench count=20000", icount=True))[1]
    out = _tcevisor(build, workdir, "mode=tcebench count=2000", devices=1, icount=True,
                    hv_args="phb-bench=2000")
    one, handshake_i = _tce(out), _phb(out)[2]
    two = _tce(_tcevisor(build, workdir, "mode=tcebench count=2000", devices=2, icount=True))
    same = _tce(_tcevisor(build, workdir, "mode=tcebench count=2000", devices=2, icount=True,
                          one_phb=True))
    rows = []
    for k, name, target in (("put", "H_PUT_TCE", 1.5), ("stuff", "H_STUFF_TCE of 512", 1.0),
                            ("indirect", "H_PUT_TCE_INDIRECT of 512", 1.0)):
        ratio = statistics.median(ratios[k])
        rows.append(("%s, tcevisor (2 linked PEs) vs pseries" % name,
                     "%.0f vs %.0f ticks" % (med[k], pmed[k]), "<= %.1fx" % target,
                     "%.2fx (%.2f-%.2f): %s" % (ratio, ratios[k][0], ratios[k][-1],
                                               "meets" if ratio <= target else "misses")))
    rows.append(("H_PUT_TCE, tcevisor, 1 linked PE (one PHB's kill handshake less)",
                 "%.0f ticks" % statistics.median(one_pe), "-",
                 "%.2fx pseries" % (statistics.median(one_pe) / pmed["put"])))
    # What the platform allows: the cheapest possible hcall round trip (the
    # 4-instruction floor in the 0xc00 vector) plus each linked PHB's kill
    # handshake, timed by the hypervisor itself (phb-bench).
    hs, fl = statistics.median(handshake), statistics.median(floor)
    rows += [
        ("PHB4 kill handshake per PHB (PE kill + DMA-read sync: 5 register accesses)",
         "%.0f ticks" % hs, "-", "%.2fx a pseries H_PUT_TCE" % (hs / pmed["put"])),
        ("H_PUT_TCE lower bound here, 2 PHBs: hcall floor + 2 handshakes",
         "%.0f ticks" % (fl + 2 * hs), "<= 1.5x = %.0f" % (1.5 * pmed["put"]),
         "%.2fx: the target is below this bound" % ((fl + 2 * hs) / pmed["put"])
         if fl + 2 * hs > 1.5 * pmed["put"] else "%.2fx" % ((fl + 2 * hs) / pmed["put"])),
    ]
    put1, put2 = one["i_put"], two["i_put"]
    per_entry = (one["i_stuff"] - one["i_put"]) / 511
    rows += [
        ("H_PUT_TCE instructions, 1 linked PE (kill MMIO included)", "%d" % put1,
         "<= null + 150 = %.0f" % (null_i + 150),
         "meets" if put1 <= null_i + 150 else "misses by %.0f" % (put1 - null_i - 150)),
        ("H_PUT_TCE instructions, 2 linked PEs on one PHB", "%d" % same["i_put"],
         "+25 per PE", "+%d: %s" % (same["i_put"] - put1,
                                   "meets" if same["i_put"] - put1 <= 25 else "misses")),
        ("H_PUT_TCE instructions, 2 linked PEs on two PHBs", "%d" % put2, "+25 per PE",
         "+%d: %s (a second PHB: its own kill and sync)"
         % (put2 - put1, "meets" if put2 - put1 <= 25 else "misses")),
        ("PHB4 kill handshake of one PE, instructions (kill_pes call in a loop)",
         "%.0f" % handshake_i, "-", "what a PE on another PHB adds at least"),
        ("H_STUFF_TCE of 512 instructions, 1 linked PE", "%d" % one["i_stuff"], "-", "(info)"),
        ("H_STUFF_TCE per entry beyond its fixed cost", "%.2f" % per_entry, "<= 4",
         "meets" if per_entry <= 4 else "misses by %.2f" % (per_entry - 4)),
        ("H_PUT_TCE_INDIRECT of 512 instructions, 1 linked PE", "%d" % one["i_indirect"], "-",
         "%.1f per entry" % (one["i_indirect"] / 512)),
    ]
    return rows
