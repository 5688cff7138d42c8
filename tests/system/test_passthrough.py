"""PCI passthrough, observed from outside: a guest drives real (QEMU) edu
and NVMe devices through the TCEs it maps itself; after it unmaps them the
same DMA is blocked (QEMU's TCE access fault, guest RAM and the disk image
unchanged); two devices on two PHBs share one table (QEMU's trace shows one
PE kill per linked PE per update); and a guest cannot aim its device at
another guest's memory."""

import os
import re
import struct

import qemu_trace
from tcevisor_qemu import (OP_EDU, OP_HCALL, OP_NOTE, OP_NVME_INIT, OP_NVME_RAW,
                           OP_NVME_READ, OP_NVME_WRITE, OP_WRITE64, script_blob)
from testlib import host_base

PUT, STUFF, GET = 0x20, 0x138, 0x1c
LIOBN0 = 0x80000010
TO_DEVICE, TO_RAM = 0, 1
EDU0 = "edu,bus=pcie.0,addr=0.0,dma_mask=0xffffffffffffffff"
EDU1 = "edu,bus=pcie.1,addr=0.0,dma_mask=0xffffffffffffffff"


def blob(*steps):
    return script_blob(steps).hex()


def guest(name, script, devices=(), mem=0x10000000, window=0x10000000):
    devs = "pci-devices = %s;" % ", ".join('"%s"' % d for d in devices) if devices else ""
    return ('%s { memory = <0x%x>; image = "testguest"; bootargs = "mode=script"; %s\n'
            'script = [%s];\ndma-window-0 { size = <0x%x>; page-shift = <12>; }; };\n'
            % (name, mem, devs, script, window))


def boot(ctx, nodes, devices, extra=(), trace=False):
    """Boot, run the guests' scripts to the end; QEMU stays up after the
    power-off (-no-shutdown) so that memory can still be read."""
    cfg = ctx.config('/dts-v1/;\n/ { compatible = "tcevisor,config"; bootargs = '
                     '"exit-when-done"; guests {\n%s}; };\n' % "".join(nodes))
    m = ctx.machine(config=cfg, devices=devices, extra=["-no-shutdown"] + list(extra),
                    trace=trace)
    m.start()
    m.expect(r"tcevisor: powering off", 120)
    return m


def results(m, name):
    return dict(re.findall(r"\[%s\] S(\d+) ([^\r\n]*)" % name, m.output))


def test_edu_dma_two_phbs_one_table(ctx):
    pattern = bytes((i * 7 + 3) & 0xff for i in range(256))
    words = struct.unpack(">32Q", pattern)
    buf = 0x800000
    script = blob(
        (OP_WRITE64, buf) + words,                    # the source data
        (OP_HCALL, PUT, LIOBN0, 0x1000, buf | 1),     # read-only source
        (OP_HCALL, PUT, LIOBN0, 0x2000, (buf + 0x1000) | 2),
        (OP_HCALL, PUT, LIOBN0, 0x3000, (buf + 0x2000) | 2),
        (OP_NOTE,),
        (OP_EDU, 0, TO_DEVICE, 0x1000, 256, 0), (OP_EDU, 0, TO_RAM, 0x2000, 256, 0),
        (OP_EDU, 1, TO_DEVICE, 0x1000, 256, 0x100), (OP_EDU, 1, TO_RAM, 0x3000, 256, 0x100),
        (OP_NOTE,),
        (OP_HCALL, PUT, LIOBN0, 0x3000, (buf + 0x2000) | 2),  # no change
        (OP_NOTE,),
        (OP_HCALL, STUFF, LIOBN0, 0x2000, 0, 2),           # one update, two entries
        (OP_NOTE,))
    m = boot(ctx, [guest("g", script, ["0000:01:00.0", "0001:01:00.0"])], [EDU0, EDU1],
             trace=True)
    r = results(m, "g")
    assert all(r[str(i)] == "edu done" for i in range(5, 9)), r
    base = host_base(m, "g")
    assert m.read_phys(base + buf + 0x1000, 256) == pattern, "edu on PHB0 did not DMA"
    assert m.read_phys(base + buf + 0x2000, 256) == pattern, "edu on PHB1 did not DMA"
    m.qmp("quit")
    m.wait_exit(30)
    # kills per step, from QEMU's trace: each PUT and the STUFF changed
    # entries (2 PE kills each, one per PHB), the unchanged PUT none. Each
    # PHB given a kill is synced (DMARD_SYNC) after its last kill, before
    # the step's hcall returns (its console line).
    kills, per, unsynced = [], [], []
    pending = set()
    for kind, data in qemu_trace.events(m.log(), syncs=True):
        if kind == "kill":
            per.append(data)
            pending.add(data[0])
        elif kind == "sync":
            pending.discard(data[0])
        elif data.startswith("[g] script:"):
            per = []            # the kills of linking the PEs at boot
            pending = set()
        elif re.match(r"\[g\] S\d+ ", data):
            kills.append(per)
            unsynced.append(sorted(pending))
            per = []
            pending = set()
    started = [i for i, line in enumerate(re.findall(r"\[g\] S(\d+)", m.output))]
    assert len(kills) == len(started) == 14, (len(kills), len(started))

    def pe_kills(step):
        return sorted((name, qemu_trace.kill_kind(v), v & 0x1ff) for name, _, v in kills[step])
    two = [("phb4-0.0-regs", "pe", 1), ("phb4-0.1-regs", "pe", 1)]
    for step in (1, 2, 3, 12):
        assert pe_kills(step) == two, (step, pe_kills(step))
    for step, phbs in enumerate(unsynced):
        assert phbs == [], "step %d: no sync after the last kill on %s" % (step, phbs)
    for step in (0, 4, 5, 6, 7, 8, 9, 10, 11, 13):
        assert kills[step] == [], (step, kills[step])


def test_nvme_write_read_then_blocked(ctx):
    buf = 0x800000
    script = blob(
        (OP_NVME_INIT, 0),
        (OP_HCALL, PUT, LIOBN0, 0x100000, buf | 3),
        (OP_NVME_WRITE, 0, 8, 8, 0x5a, 0x100000),       # pattern 0x5a to LBA 8
        (OP_NVME_READ, 0, 8, 8, 0x100000),              # clear the buffer, read back
        (OP_HCALL, PUT, LIOBN0, 0x200000, (buf + 0x1000) | 3),
        (OP_NVME_WRITE, 0, 64, 8, 0xa5, 0x200000),      # 0xa5 to LBA 64 from another page
        (OP_HCALL, STUFF, LIOBN0, 0x100000, 0, 1),      # unmap the first buffer
        (OP_NVME_RAW, 0, 0, 64, 8, 0x100000),           # read LBA 64 (0xa5) into it: blocked
        (OP_NVME_RAW, 0, 1, 128, 8, 0x100000))          # write LBA 128 from it: reads fail
    disk = os.path.join(ctx.workdir, "disk.img")
    with open(disk, "wb") as f:
        f.write(b"\x11" * (16 << 20))
    m = boot(ctx, [guest("n", script, ["0000:01:00.0"])],
             ["nvme,serial=tv1,drive=nv0,bus=pcie.0"],
             extra=["-drive", "file=%s,if=none,id=nv0,format=raw" % disk])
    r = results(m, "n")
    assert r["0"].startswith("nvme init ok"), r
    assert r["3"] == "nvme read status=0x0 byte=0x5a uniform=1", r
    assert r["7"].startswith("nvme raw status="), r
    base = host_base(m, "n")
    # the blocked read left the guest's buffer as it was: 0x5a, not 0xa5
    assert m.read_phys(base + buf, 4096) == b"\x5a" * 4096
    m.qmp("quit")
    m.wait_exit(30)
    with open(disk, "rb") as f:
        data = f.read()
    assert data[8 * 512:16 * 512] == b"\x5a" * 4096, "the first write missed the disk"
    assert data[64 * 512:72 * 512] == b"\xa5" * 4096
    # the blocked write carried no data of the guest's: the device read zeros
    assert data[128 * 512:136 * 512] == bytes(4096), data[128 * 512:128 * 512 + 16]
    faults = re.findall(r"phb4\[0:0\]: TCE access fault at 0x[0-9a-f]+", m.log())
    assert faults, "QEMU reported no TCE access fault"
    assert re.search(r"xlate 100000:W TVE=", m.log()), "no refused device write"
    assert re.search(r"xlate 100000:R TVE=", m.log()), "no refused device read"


def test_guest_cannot_aim_its_device_at_another_guest(ctx):
    """Guest a owns the edu; guest b's RAM follows a's in host memory. No
    TCE of a's can name memory outside a's RAM, nor can a use b's LIOBN:
    every such call fails, and a DMA aimed there lands nowhere. Read from
    outside, b's RAM holds no byte of the data a's device carried."""
    ram, buf = 0x2000000, 0x800000
    pattern = bytes((0xc0 + i * 13) & 0xff for i in range(256))
    script = blob(
        (OP_WRITE64, buf) + struct.unpack(">32Q", pattern),
        (OP_HCALL, PUT, LIOBN0, 0x1000, buf | 1),
        (OP_EDU, 0, TO_DEVICE, 0x1000, 256, 0),              # the device holds the pattern
        (OP_HCALL, PUT, LIOBN0, 0x2000, ram | 3),            # just past a's RAM: b's
        (OP_HCALL, PUT, LIOBN0, 0x2000, (ram + 0x1000) | 3),
        (OP_HCALL, PUT, LIOBN0, 0x2000, (2 * ram - 0x1000) | 3),
        (OP_HCALL, STUFF, LIOBN0, 0x2000, ram | 2, 4),
        (OP_HCALL, PUT, 0x80000020, 0x2000, buf | 3),        # b's window
        (OP_HCALL, PUT, 0x80000020, 0, 0x1000 | 3),
        (OP_EDU, 0, TO_RAM, 0x2000, 256, 0),                 # through no TCE: dropped
        (OP_HCALL, GET, LIOBN0, 0x2000),
        (OP_HCALL, STUFF, LIOBN0, 0x3000, (ram - 0x1000) | 3, 1))  # a's last page is fine
    nodes = [guest("a", script, ["0000:01:00.0"], mem=ram, window=0x200000),
             guest("b", blob((OP_NOTE,)), mem=ram, window=0x200000)]
    m = boot(ctx, nodes, [EDU0])
    r = results(m, "a")
    assert r["2"] == "edu done", r
    for i in range(3, 9):
        assert r[str(i)].startswith("hcall rc=-4 "), (i, r)
    assert r["9"] == "edu done", r
    assert r["10"] == "hcall rc=0 r4=0x0", r
    assert r["11"].startswith("hcall rc=0 "), r
    base_a, base_b = host_base(m, "a"), host_base(m, "b")
    assert base_b >= base_a + ram, (hex(base_a), hex(base_b))
    b_ram = m.read_phys(base_b, ram)
    assert pattern not in b_ram, "a's device wrote into b's memory"
    assert m.read_phys(base_a + buf, 256) == pattern
    m.qmp("quit")
    m.wait_exit(30)
