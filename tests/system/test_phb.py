"""PHB4/PHB3 bring-up, PCI enumeration and DMA through the TCE tables.

The boot listing (format: hv/pci_report.c) is checked against QEMU's own
view, read over QMP: query-pci (bus numbers and windows of the root ports,
BAR addresses as the devices decode them) and `info mtree -f` (where the
PHB register spaces and the BARs sit in the CPU's address space).

The DMA self-test (selftest=dma, protocol: hv/selftest_dma.c) is checked
from outside too: memory through QMP pmemsave while the VM is stopped
(-no-shutdown turns the power-off into a stop), blocked DMA through QEMU's
guest_errors log, and TCE kills by decoding the PHB register writes in
QEMU's -trace memory_region_ops_write log. That trace also records every
byte written to the UART, in order with the PHB writes, so the test splits
the writes into the self-test's phases on the UART's "selftest: phase"
lines instead of trusting any count the hypervisor prints.
"""

import re
import time

from qemu_trace import DMARD_SYNC, TCE_KILL, events, kill_kind
from testlib import boot_to_ready, poweroff

EDU = "1234:11e8"
EDU_OPTS = "dma_mask=0xffffffffffffffff"
SELFTEST_DTS = '/dts-v1/;\n/ { bootargs = "selftest=dma"; };\n'
BYTES = 256

# QEMU's PHB3 register BARs (hw/pci-host/pnv_phb3_pbcq.c default BARs):
# every PHB3 region is called 'phb3-regs', so the address names the PHB.
P8_REGS = {0x3fffe40000000 + 0x400000 * chip + 0x100000 * idx: (chip, idx)
           for chip in range(2) for idx in range(3)}

IODA_ADDR = 0x220
IODA_DATA0 = 0x228

# --- the boot listing -------------------------------------------------------

PHB_RX = re.compile(r"^phb: (\d+):(\d+) (?:(phb[34]) version 0x([0-9a-f]{16}) pes (\d+) "
                    r"regs 0x([0-9a-f]+) m32 0x([0-9a-f]+)|absent(?: \((.*)\))?)\r?$", re.M)
DEV_RX = re.compile(r"^pci: ([0-9a-f]{4}):([0-9a-f]{2}):([0-9a-f]{2})\.([0-7]) "
                    r"([0-9a-f]{4}):([0-9a-f]{4}) class ([0-9a-f]{6}) "
                    r"(root-port|bridge|no-pe|pe (\d+))\r?$", re.M)
BAR_RX = re.compile(r"^pci: ([0-9a-f]{4}:[0-9a-f]{2}:[0-9a-f]{2}\.[0-7]) bar(\d) (mem32|mem64) "
                    r"(?:pci 0x([0-9a-f]+) cpu 0x([0-9a-f]+)|unassigned) size 0x([0-9a-f]+)"
                    r"\r?$", re.M)
SUMMARY_RX = re.compile(r"^pci: (\d+) PHB\(s\) present, (\d+) absent, (\d+) device\(s\), "
                        r"(\d+) PE\(s\)\r?$", re.M)


def parse_listing(out):
    """({(chip, idx): phb}, {bdf: function}, summary tuple) from the console."""
    phbs, devs = {}, {}
    for m in PHB_RX.finditer(out):
        key = (int(m.group(1)), int(m.group(2)))
        assert key not in phbs, "PHB %s listed twice" % (key,)
        if m.group(3):
            phbs[key] = dict(present=True, model=m.group(3), version=int(m.group(4), 16),
                             pes=int(m.group(5)), regs=int(m.group(6), 16),
                             m32=int(m.group(7), 16))
        else:
            phbs[key] = dict(present=False, reason=m.group(8))
    for m in DEV_RX.finditer(out):
        dom = int(m.group(1), 16)
        bdf = "%s:%s:%s.%s" % m.group(1, 2, 3, 4)
        devs[bdf] = dict(phb=(dom >> 4, dom & 0xf), bus=int(m.group(2), 16),
                         slot=int(m.group(3), 16), fn=int(m.group(4)),
                         id="%s:%s" % m.group(5, 6), cls=int(m.group(7), 16),
                         kind=m.group(8).split()[0],
                         pe=int(m.group(9)) if m.group(9) else None, bars={})
    for m in BAR_RX.finditer(out):
        assert m.group(1) in devs, "BAR line before its function: %s" % m.group(0)
        devs[m.group(1)]["bars"][int(m.group(2))] = dict(
            is64=m.group(3) == "mem64", size=int(m.group(6), 16),
            pci=int(m.group(4), 16) if m.group(4) else None,
            cpu=int(m.group(5), 16) if m.group(5) else None)
    s = SUMMARY_RX.search(out)
    assert s, "no summary line in:\n" + out[-3000:]
    return phbs, devs, tuple(int(x) for x in s.groups())


def domain(chip, idx):
    return "%04x" % ((chip << 4) | idx)


# --- QEMU's view -------------------------------------------------------------

def qemu_functions(m):
    """Every PCI function QEMU has (query-pci), bridges walked into."""
    found = []

    def walk(devices):
        for d in devices:
            found.append(d)
            if d.get("pci_bridge"):
                walk(d["pci_bridge"].get("devices", []))

    for bus in m.qmp("query-pci"):
        walk(bus["devices"])
    return found


MTREE_RX = re.compile(r"([0-9a-f]{16})-([0-9a-f]{16}) \(prio -?\d+, [^)]+\): (\S+)")


def mtree(m):
    """{(start, end): name} of the flattened address spaces."""
    return {(int(a, 16), int(b, 16)): n for a, b, n in MTREE_RX.findall(m.hmp("info mtree -f"))}


def check_phbs(phbs, expect_present, model, version):
    for key, p in phbs.items():
        assert p["present"] == (key in expect_present), (key, p)
    for key in expect_present:
        p = phbs[key]
        assert p["model"] == model and p["version"] == version, (key, p)


def check_phb4_geometry(phbs):
    """PE counts and skiboot's phys-map addresses, chip n at n << 42."""
    for (chip, idx), p in phbs.items():
        if not p["present"]:
            continue
        base = chip << 42
        assert p["pes"] == (512 if idx in (0, 3) else 256), ((chip, idx), p)
        assert p["regs"] == base + 0x600c3c0000000 + idx * 0x100000, ((chip, idx), p)
        assert p["m32"] == base + 0x600c000000000 + idx * 0x80000000, ((chip, idx), p)


def check_regs_mapped(m, phbs):
    """QEMU maps each present PHB's registers where the listing says, and
    nothing for an absent one."""
    regions = mtree(m)
    names = {start: n for (start, _), n in regions.items()}
    for (chip, idx), p in phbs.items():
        want = "phb4-%d.%d-regs" % (chip, idx)
        if p.get("model") == "phb3":
            assert names.get(p["regs"]) == "phb3-regs", (chip, idx, p)
        elif p["present"]:
            assert names.get(p["regs"]) == want, (want, hex(p["regs"]))
        else:
            assert want not in names.values(), want


def check_root_ports(m, phbs, devs):
    """Every present PHB lists one root port at 00:00.0, and QEMU's root
    ports have the bus numbers and window the hypervisor programmed."""
    present = [k for k, p in phbs.items() if p["present"]]
    rps = [d for d in qemu_functions(m) if d["bus"] == 0 and d.get("pci_bridge")]
    assert len(rps) == len(present), (len(rps), present)
    for rp in rps:
        br = rp["pci_bridge"]["bus"]
        assert (br["number"], br["secondary"], br["subordinate"]) == (0, 1, 255), br
        assert (br["memory_range"]["base"], br["memory_range"]["limit"]) == \
            (0x80000000, 0xffffffff), br
    for chip, idx in present:
        bdf = "%s:00:00.0" % domain(chip, idx)
        assert devs[bdf]["kind"] == "root-port", devs.get(bdf)


def check_functions(m, devs, placed):
    """placed: {qdev id: (chip, idx)} for the -device functions. Each one is
    listed at QEMU's BDF on the right PHB, with the BARs QEMU decodes, at
    CPU addresses QEMU maps, and with a PE."""
    qdevs = {d["qdev_id"]: d for d in qemu_functions(m) if d.get("qdev_id")}
    regions = mtree(m)
    for qid, (chip, idx) in placed.items():
        q = qdevs[qid]
        bdf = "%s:%02x:%02x.%x" % (domain(chip, idx), q["bus"], q["slot"], q["function"])
        d = devs.get(bdf)
        assert d, "%s (%s) not listed" % (bdf, qid)
        assert d["id"] == "%04x:%04x" % (q["id"]["vendor"], q["id"]["device"]), (bdf, d)
        assert d["kind"] == "pe" and d["pe"] >= 1, (bdf, d)
        mem = [r for r in q["regions"] if r["type"] == "memory"]
        assert sorted(d["bars"]) == sorted(r["bar"] for r in mem), (bdf, d, mem)
        for r in mem:
            bar = d["bars"][r["bar"]]
            assert bar["pci"] == r["address"] and bar["size"] == r["size"], (bdf, bar, r)
            assert (bar["cpu"], bar["cpu"] + bar["size"] - 1) in regions, \
                "%s BAR%d not mapped at %#x" % (bdf, r["bar"], bar["cpu"])


def check_pes(devs, phbs):
    """PEs count from 1 per PHB, never the reserved (last) one."""
    per_phb = {}
    for bdf, d in devs.items():
        if d["kind"] == "pe":
            per_phb.setdefault(d["phb"], []).append(d["pe"])
    for key, pes in per_phb.items():
        assert sorted(pes) == list(range(1, len(pes) + 1)), (key, pes)
        assert max(pes) < phbs[key]["pes"] - 1, (key, pes)


def edu(bus, addr, qid, extra=""):
    return "edu,bus=%s,addr=%s,id=%s,%s%s" % (bus, addr, qid, EDU_OPTS, extra)


def test_listing_powernv9_defaults(ctx):
    m = ctx.machine(machine="powernv9")
    out = boot_to_ready(m)
    phbs, devs, summary = parse_listing(out)
    assert sorted(phbs) == [(0, i) for i in range(6)], phbs
    check_phbs(phbs, [(0, i) for i in range(6)], "phb4", 0x000000a400000002)
    check_phb4_geometry(phbs)
    assert summary == (6, 0, 0, 0), summary
    assert all(d["kind"] == "root-port" and d["id"] == "1014:04c1" for d in devs.values()), devs
    check_regs_mapped(m, phbs)
    check_root_ports(m, phbs, devs)
    poweroff(m)


def test_listing_powernv9_edu_on_two_phbs(ctx):
    placed = {"e0": (0, 0), "e1": (0, 0), "e2": (0, 1)}
    m = ctx.machine(machine="powernv9", devices=[
        edu("pcie.0", "0.0", "e0", ",multifunction=on"), edu("pcie.0", "0.1", "e1"),
        edu("pcie.1", "0.0", "e2")])
    out = boot_to_ready(m)
    phbs, devs, summary = parse_listing(out)
    assert summary == (6, 0, 3, 3), summary
    check_functions(m, devs, placed)
    check_pes(devs, phbs)
    assert devs["0000:01:00.0"]["pe"] == 1 and devs["0000:01:00.1"]["pe"] == 2, devs
    assert devs["0001:01:00.0"]["pe"] == 1, devs
    assert all(devs[b]["id"] == EDU for b in ("0000:01:00.0", "0000:01:00.1", "0001:01:00.0"))
    # BARs from the bottom of each PHB's window, through its own M32
    assert devs["0000:01:00.0"]["bars"][0]["pci"] == 0x80000000
    assert devs["0000:01:00.1"]["bars"][0]["pci"] == 0x80100000
    assert devs["0001:01:00.0"]["bars"][0]["cpu"] == phbs[(0, 1)]["m32"]
    check_root_ports(m, phbs, devs)
    poweroff(m)


def test_listing_powernv9_nodefaults_some_phbs(ctx):
    """-nodefaults: only the PHBs created on the command line exist (the FDT
    still names all six); the others are probed and reported absent. Machine
    always passes -serial, which brings the console back. PHB4 has no root
    port: its PHB is listed with nothing behind it. No BMC either, so the
    machine is not powered off but killed."""
    devices = []
    for idx, rp in ((0, True), (3, True), (4, False)):
        devices.append("pnv-phb,chip-id=0,index=%d,id=phb%d" % (idx, idx))
        if rp:
            devices.append("pnv-phb-root-port,id=rp%d,bus=phb%d" % (idx, idx))
    devices.append(edu("rp3", "0.0", "e0"))
    m = ctx.machine(machine="powernv9", devices=devices, extra=["-nodefaults"])
    out = boot_to_ready(m)
    phbs, devs, summary = parse_listing(out)
    assert sorted(phbs) == [(0, i) for i in range(6)], phbs
    check_phbs(phbs, [(0, 0), (0, 3), (0, 4)], "phb4", 0x000000a400000002)
    for idx in (1, 2, 5):
        assert phbs[(0, idx)]["reason"] is None, phbs[(0, idx)]
    check_phb4_geometry(phbs)
    assert summary == (3, 3, 1, 1), summary
    assert "0004:00:00.0" not in devs, devs
    check_regs_mapped(m, phbs)
    check_functions(m, devs, {"e0": (0, 3)})
    # the hypervisor is still alive
    m.sendline("help")
    m.expect(r"poweroff +power the machine off", 10)


def test_listing_powernv9_two_chips(ctx):
    m = ctx.machine(machine="powernv9", extra=["-smp", "2,cores=1,threads=1"],
                    devices=[edu("pcie.7", "0.0", "e0"), edu("pcie.0", "0.0", "e1")])
    out = boot_to_ready(m)
    phbs, devs, summary = parse_listing(out)
    every = [(c, i) for c in range(2) for i in range(6)]
    assert sorted(phbs) == every, sorted(phbs)
    check_phbs(phbs, every, "phb4", 0x000000a400000002)
    check_phb4_geometry(phbs)
    assert summary == (12, 0, 2, 2), summary
    check_regs_mapped(m, phbs)
    check_root_ports(m, phbs, devs)
    check_functions(m, devs, {"e0": (1, 1), "e1": (0, 0)})
    assert devs["0011:01:00.0"]["bars"][0]["cpu"] == (1 << 42) + 0x600c080000000
    poweroff(m)


def test_listing_bridge_and_full_window(ctx):
    """A PCI bridge behind PHB2 gets bus 2 and a window over its children;
    on PHB0 a 2 GiB 64-bit BAR no longer fits the 2 GiB window once edu has
    taken the bottom: it is left unassigned and the function's memory
    decode stays off, so QEMU maps none of its BARs."""
    devices = [edu("pcie.0", "0.0", "e0", ",multifunction=on"),
               "ivshmem-plain,bus=pcie.0,addr=0.1,memdev=shm,id=big",
               "pcie-pci-bridge,bus=pcie.2,addr=0.0,id=br",
               edu("br", "1.0", "e1"), edu("br", "2.0", "e2")]
    m = ctx.machine(machine="powernv9", devices=devices,
                    extra=["-object", "memory-backend-ram,id=shm,size=2G"])
    out = boot_to_ready(m)
    phbs, devs, summary = parse_listing(out)
    assert summary == (6, 0, 5, 4), summary
    check_functions(m, devs, {"e0": (0, 0), "e1": (0, 2), "e2": (0, 2)})
    big = devs["0000:01:00.1"]
    assert big["id"] == "1af4:1110" and big["pe"] == 2, big
    assert big["bars"][2] == dict(is64=True, size=0x80000000, pci=None, cpu=None), big
    qbig = [d for d in qemu_functions(m) if d.get("qdev_id") == "big"][0]
    assert all(r["address"] == -1 for r in qbig["regions"]), qbig["regions"]   # unmapped
    br = devs["0002:01:00.0"]
    assert br["kind"] == "bridge", br
    qbr = [d for d in qemu_functions(m) if d.get("qdev_id") == "br"][0]["pci_bridge"]["bus"]
    assert (qbr["number"], qbr["secondary"], qbr["subordinate"]) == (1, 2, 2), qbr
    # its own BAR first, then a 1 MiB-aligned window over the two edus
    assert (qbr["memory_range"]["base"], qbr["memory_range"]["limit"]) == \
        (0x80100000, 0x802fffff), qbr
    poweroff(m)


def test_listing_powernv8(ctx):
    m = ctx.machine(machine="powernv8", devices=[edu("pcie.1", "0.0", "e0")])
    out = boot_to_ready(m)
    phbs, devs, summary = parse_listing(out)
    assert sorted(phbs) == [(0, i) for i in range(3)], phbs
    check_phbs(phbs, [(0, i) for i in range(3)], "phb3", 0x000000a300000005)
    assert all(p["pes"] == 256 for p in phbs.values()), phbs
    assert summary == (3, 0, 1, 1), summary
    for (chip, idx), p in phbs.items():
        assert P8_REGS[p["regs"]] == (chip, idx), p
    check_regs_mapped(m, phbs)
    check_root_ports(m, phbs, devs)
    assert all(devs["%s:00:00.0" % domain(0, i)]["id"] == "1014:03dc" for i in range(3))
    check_functions(m, devs, {"e0": (0, 1)})
    poweroff(m)


# --- the DMA self-test ----------------------------------------------------------

EDU_LINE_RX = re.compile(r"^selftest: edu (\S+) pe (\d+) src 0x([0-9a-f]+) dst 0x([0-9a-f]+) "
                         r"bytes (\d+) (\w+)\r?$", re.M)
BLOCKED_RX = re.compile(r"^selftest: edu (\S+) pe (\d+) unmapped dst 0x([0-9a-f]+) "
                        r"bus 0x([0-9a-f]+) bytes (\d+) (\w+)\r?$", re.M)
TABLE_RX = re.compile(r"^selftest: dma table 0x([0-9a-f]+) entries 512 page 0x1000 edus (\d+)",
                      re.M)


def run_selftest(ctx, machine, devices, trace=False):
    """Boot with selftest=dma; once it has powered off (VM stopped, thanks to
    -no-shutdown), read every buffer it names, then let QEMU exit so that
    its log is complete. Returns (console, {addr: bytes}, log, memory tree)."""
    cfg = ctx.config(SELFTEST_DTS, "selftest")
    m = ctx.machine(machine=machine, config=cfg, devices=devices, trace=trace,
                    extra=["-no-shutdown"])
    m.start()
    m.expect(r"selftest: done", 60)
    m.expect(r"tcevisor: powering off", 10)
    deadline = time.time() + 10
    while m.qmp("query-status")["status"] != "shutdown":
        assert time.time() < deadline, "the self-test did not power off"
        time.sleep(0.05)
    out = m.output
    mem = {}
    for rx, groups in ((EDU_LINE_RX, (3, 4)), (BLOCKED_RX, (3,))):
        for line in rx.finditer(out):
            for g in groups:
                addr = int(line.group(g), 16)
                mem[addr] = m.read_phys(addr, BYTES)
    regions = mtree(m)
    assert m.quit() == 0
    return out, mem, m.log(), regions


def pattern(k):
    return bytes((0x5a + 0x35 * k + 7 * i) & 0xff for i in range(BYTES))


def check_dma(out, mem, expect_bdfs):
    """Each edu copied its pattern RAM -> device -> RAM through its TCEs,
    and its unmapped destination stayed all zero."""
    lines = EDU_LINE_RX.findall(out)
    assert [l[0] for l in lines] == expect_bdfs, lines
    for k, (bdf, pe, src, dst, nbytes, verdict) in enumerate(lines):
        src, dst = int(src, 16), int(dst, 16)
        assert int(nbytes) == BYTES and verdict == "ok", (bdf, verdict)
        assert mem[src] == pattern(k), "%s: source is not the pattern" % bdf
        assert mem[dst] == mem[src], "%s: destination differs from the source" % bdf
    blocked = BLOCKED_RX.findall(out)
    assert [b[0] for b in blocked] == expect_bdfs, blocked
    for bdf, pe, dst2, bus, nbytes, verdict in blocked:
        assert verdict == "issued", (bdf, verdict)
        assert mem[int(dst2, 16)] == bytes(BYTES), "%s: unmapped destination written" % bdf
    return lines, blocked


def check_faults(log, prefix, table, blocked):
    """QEMU refused the blocked writes: a TCE access fault on exactly the
    cleared entries, for the unmapped bus addresses, and no other fault."""
    faults = set(re.findall(r"%s\[\d+:\d+\]: TCE access fault at 0x([0-9a-f]+)" % prefix, log))
    want = {"%x" % (table + 8 * (int(bus, 16) >> 12)) for _, _, _, bus, _, _ in blocked}
    assert faults == want, (faults, want)
    for _, _, _, bus, _, _ in blocked:
        assert re.search(r"xlate %x:W TVE=" % int(bus, 16), log), bus


def phase_writes(log, phb_of):
    """Split the PHB register writes of the trace into the self-test's
    phases, on the UART writes of its "selftest: phase <name>" lines.
    phb_of(addr, name) -> ((chip, idx), offset) or None.
    Returns {phase: [(phb, offset, value)]}; None is before any phase."""
    phases, phase = {None: []}, None
    for kind, data in events(log, syncs=True, writes=True):
        if kind == "line":
            ph = re.match(r"selftest: (?:phase (\w+)|(done))$", data)
            if ph:
                phase = ph.group(1) or ph.group(2)
                phases.setdefault(phase, [])
            continue
        name, addr, val = data
        hit = phb_of(addr, name)
        if hit:
            phases[phase].append((hit[0], hit[1], val))
    return phases


def p9_phb_of(regs):
    """regs: {name: base} from QEMU's memory tree."""
    def phb_of(addr, name):
        m = re.match(r"phb4-(\d+)\.(\d+)-regs$", name)
        if m:
            return (int(m.group(1)), int(m.group(2))), addr - regs[name]
        return None
    return phb_of


def p8_phb_of(addr, name):
    if name != "phb3-regs":
        return None
    base = addr & ~0xfff
    return P8_REGS[base], addr - base


def kills(writes, pe_bits):
    """TCE_KILL writes decoded: (phb, kind, pe, bus)."""
    found = []
    for phb, off, val in writes:
        if off == TCE_KILL:
            kind = kill_kind(val)
            found.append((phb, "bad %#x" % val if kind == "bad" else kind,
                          val & ((1 << pe_bits) - 1), val & 0x0ffffffffffff000))
    return found


def tve_writes(writes, index_bits):
    """TVT entries written (IODA table 9): {(phb, index): tve}."""
    tves, sel = {}, {}
    for phb, off, val in writes:
        if off == IODA_ADDR:
            sel[phb] = ((val >> 48) & 0x1f, val & ((1 << index_bits) - 1), val >> 63)
        elif off == IODA_DATA0 and phb in sel:
            table, index, autoinc = sel[phb]
            if table == 9:
                tves[(phb, index)] = val
            if autoinc:
                sel[phb] = (table, (index + 1) & ((1 << index_bits) - 1), autoinc)
    return tves


def check_kills(phases, linked, pe_bits, want_map=None, want_update=None):
    """PHB4: one PE kill per linked PE after the mapping and after the
    update (HW560152: never page kills). PHB3: the wanted page kills.
    Nothing at all for the update that changed nothing, nor while DMA runs."""
    pe_kills = sorted((phb, "pe", pe, 0) for phb, pe in linked)
    for phase, want in (("map", want_map), ("update", want_update)):
        got = sorted(kills(phases[phase], pe_bits))
        want = pe_kills if want is None else sorted(want)
        assert got == want, "%s phase kills %s, want %s" % (phase, got, want)
    assert kills(phases["nochange"], pe_bits) == [], phases["nochange"]
    assert kills(phases["dma"], pe_bits) == [] and kills(phases["blocked"], pe_bits) == []


def check_syncs(phases, linked):
    """PHB4: the map and the update are one hcall-like update each: every
    PHB that got kills gets exactly one DMARD_SYNC (the completion
    handshake), after its last kill; no other PHB gets one."""
    for phase in ("map", "update"):
        writes = phases[phase]
        for phb in sorted(set(p for p, _ in linked)):
            offs = [off for p, off, _ in writes if p == phb and off in (TCE_KILL, DMARD_SYNC)]
            assert offs.count(DMARD_SYNC) == 1, "%s phase, phb %s: syncs %s" % (phase, phb, offs)
            assert offs[-1] == DMARD_SYNC, "%s phase, phb %s: kill after the sync %s" % (
                phase, phb, offs)
        others = [p for p, off, _ in writes if off == DMARD_SYNC and p not in dict(linked)]
        assert others == [], "%s phase: syncs on unlinked PHBs %s" % (phase, others)


def check_tves(phases, linked, table, index_bits):
    """Every linked PE's TVE #0 points at the one table: 4 KiB pages, one
    level of 4 KiB."""
    tves = tve_writes(phases["link"], index_bits)
    want = {(phb, pe * 2): (table >> 12 << 16) | 0x100 | 1 for phb, pe in linked}
    assert tves == want, ({k: hex(v) for k, v in tves.items()}, want)


def linked_pes(lines):
    return [((int(bdf[:4], 16) >> 4, int(bdf[:4], 16) & 0xf), int(pe))
            for bdf, pe, *_ in lines]


def test_dma_selftest_powernv9(ctx):
    out, mem, log, _ = run_selftest(ctx, "powernv9", [edu("pcie.0", "0.0", "e0")])
    table = int(TABLE_RX.search(out).group(1), 16)
    lines, blocked = check_dma(out, mem, ["0000:01:00.0"])
    check_faults(log, "phb4", table, blocked)


def test_dma_selftest_shared_table(ctx):
    """One table linked to two PEs of PHB0 (a multifunction edu) and one PE
    of PHB1: all three DMA through it, the update is followed by exactly one
    PE kill per linked PE, the unchanged update by none."""
    devices = [edu("pcie.0", "0.0", "e0", ",multifunction=on"), edu("pcie.0", "0.1", "e1"),
               edu("pcie.1", "0.0", "e2")]
    out, mem, log, regions = run_selftest(ctx, "powernv9", devices, trace=True)
    regs = {n: start for (start, _), n in regions.items() if n.startswith("phb4-")}
    table = int(TABLE_RX.search(out).group(1), 16)
    bdfs = ["0000:01:00.0", "0000:01:00.1", "0001:01:00.0"]
    lines, blocked = check_dma(out, mem, bdfs)
    check_faults(log, "phb4", table, blocked)
    linked = linked_pes(lines)
    assert linked == [((0, 0), 1), ((0, 0), 2), ((0, 1), 1)], linked
    phases = phase_writes(log, p9_phb_of(regs))
    check_kills(phases, linked, 9)
    check_syncs(phases, linked)
    check_tves(phases, linked, table, 10)


def test_dma_selftest_powernv8(ctx):
    """The same through PHB3, with the table shared by PHB0 and PHB2. PHB3
    kills page by page (KILL_ONE | bus address | PE) up to its threshold:
    the mapping (entries 1..6, one range) is one page write per page for
    each PE, the update (entries 3 and 6, two ranges) one per cleared page."""
    devices = [edu("pcie.0", "0.0", "e0"), edu("pcie.2", "0.0", "e1")]
    out, mem, log, _ = run_selftest(ctx, "powernv8", devices, trace=True)
    table = int(TABLE_RX.search(out).group(1), 16)
    lines, blocked = check_dma(out, mem, ["0000:01:00.0", "0002:01:00.0"])
    check_faults(log, "phb3", table, blocked)
    linked = linked_pes(lines)
    assert linked == [((0, 0), 1), ((0, 2), 1)], linked
    phases = phase_writes(log, p8_phb_of)
    want_map = [(phb, "one", pe, i << 12) for phb, pe in linked for i in range(1, 7)]
    want_update = [(phb, "one", pe, int(bus, 16)) for phb, pe in linked
                   for _, _, _, bus, _, _ in blocked]
    check_kills(phases, linked, 8, want_map, want_update)
    check_tves(phases, linked, table, 9)


PHB_BENCH_RX = re.compile(r"^bench: phb phb0:0 kill_pes_x100=(\d+) sync_x100=(\d+) "
                          r"kill_pes_instr_x100=(\d+) count=(\d+)\r?$", re.M)


def test_phb_bench_kills_reserved_pe(ctx):
    """phb-bench=N (the benchmarks' handshake timing): N timed and N
    counted PE kills of PHB0's reserved PE, each followed by a DMA-read
    sync, then N syncs alone. QEMU's trace shows exactly those writes and
    no other kill or sync; the hypervisor reports positive times."""
    n = 40
    cfg = ctx.config('/dts-v1/;\n/ { bootargs = "phb-bench=%d"; };\n' % n, "phbbench")
    m = ctx.machine(machine="powernv9", config=cfg, trace=True)
    out = boot_to_ready(m)
    phbs, _, _ = parse_listing(out)
    reserved = phbs[(0, 0)]["pes"] - 1
    line = PHB_BENCH_RX.search(out)
    assert line, out[-2000:]
    assert int(line.group(1)) > 0 and int(line.group(2)) > 0 and int(line.group(4)) == n, \
        line.group(0)
    poweroff(m)
    kills, syncs, inside = [], [], False
    for kind, data in events(m.log(), syncs=True):
        if kind == "line":
            if inside and data.startswith("bench: phb"):
                break
            inside = inside or bool(re.match(r"pci: \d+ PHB\(s\) present", data))
        elif inside:
            (kills if kind == "kill" else syncs).append(data)
    assert len(kills) == 2 * n and len(syncs) == 3 * n, (len(kills), len(syncs))
    assert all(name == "phb4-0.0-regs" for name, _, _ in kills + syncs), kills[:2] + syncs[:2]
    assert all(kill_kind(v) == "pe" and (v & 0x1ff) == reserved for _, _, v in kills), \
        [hex(v) for _, _, v in kills[:4]]
