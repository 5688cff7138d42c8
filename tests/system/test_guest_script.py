"""The test guest's mode=script under tcevisor on powernv9: a script built
here drives TCE hypercalls, config space through RTAS, DMA by QEMU's edu
device and an NVMe controller through the guest's own TCEs, and an hcall
storm checked against the guest's model of its windows. What the devices
did is checked from outside: guest memory and the hypervisor's TCE tables
through QMP, the NVMe disk image on the host. Also mode=tcebench, on QEMU
pseries and on tcevisor.

The script format is in tests/guest/README.md.
"""

import os
import re
import struct

from tcevisor_qemu import (OP_CFGREAD, OP_CFGWRITE, OP_EDU, OP_HCALL, OP_NOTE, OP_NVME_INIT,
                           OP_NVME_READ, OP_NVME_WRITE, OP_STORM, OP_WRITE64, script_blob)
from testlib import field, host_base

# hypercalls, return codes
H_GET_TCE, H_PUT_TCE, H_STUFF_TCE, H_PUT_TCE_INDIRECT = 0x1C, 0x20, 0x138, 0x13C

MIB = 1 << 20
RAM = 64 * MIB
GUEST = "sc"
# 0x80000000 | id << 4 | window, the guest being the first of the config
L0, L1 = 0x80000010, 0x80000011
WIN1 = 1 << 59
# window 0: 256 MiB of 4K pages, 1 level; window 1: 16 GiB of 64K, 2 levels
WINDOWS = "".join("dma-window-%d { size = <0x%x 0x%x>; page-shift = <%d>; levels = <%d>; };\n"
                  % (i, size >> 32, size & 0xffffffff, shift, levels)
                  for i, (size, shift, levels) in enumerate([(256 * MIB, 12, 1),
                                                             (16 << 30, 16, 2)]))
EDU_DEV = "edu,bus=pcie.0,addr=0.0,dma_mask=0xffffffffffffffff"
NVME_DEV = "nvme,serial=tcevisor0,drive=nv0,bus=pcie.1"


class Script:
    """A tcevisor,script property built record by record (script_blob);
    add() returns the step's index."""

    def __init__(self):
        self.data = b""
        self.steps = 0

    def add(self, op, *args):
        self.data += script_blob([(op,) + args])
        self.steps += 1
        return self.steps - 1

    def raw(self, data):
        """Bytes as they are (a broken record)."""
        self.data += data
        self.steps += 1
        return self.steps - 1

    def dts(self):
        return "[%s]" % " ".join("%02x" % b for b in self.data)


def _config(ctx, script=None, bootargs="mode=script", devices=True, hv_bootargs="",
            windows=WINDOWS):
    extra = 'pci-devices = "0000:01:00.0", "0001:01:00.0";' if devices else ""
    if script:
        extra += " script = %s;" % script.dts()
    return ctx.config('/dts-v1/;\n/ { compatible = "tcevisor,config"; bootargs = "%s";\n'
                      'guests { %s { memory = <0x%x>; vcpus = <1>; image = "testguest"; '
                      'bootargs = "%s"; %s\n%s}; };\n};\n'
                      % (hv_bootargs, GUEST, RAM, bootargs, extra, windows))


def _machine(ctx, cfg, devices=True, disk=None):
    devs, extra = [], []
    if devices:
        if disk is None:
            disk = _disk(ctx)
        devs = [EDU_DEV, NVME_DEV]
        extra = ["-drive", "file=%s,if=none,id=nv0,format=raw" % disk]
    return ctx.machine(config=cfg, devices=devs, extra=extra)


def _disk(ctx, size=MIB):
    path = os.path.join(ctx.workdir, "disk.img")
    with open(path, "wb") as f:
        f.truncate(size)
    return path


def guest_lines(out, name=GUEST):
    """The guest's console lines without their "[name] " prefix. tcevisor
    splits a guest line every 128 bytes: a 128-byte piece is joined with
    the next one again."""
    lines, joining = [], False
    tag = "[%s] " % name
    for line in out.splitlines():
        at = line.find(tag)
        if at < 0:
            continue
        payload = line[at + len(tag):]
        if joining:
            lines[-1] += payload
        else:
            lines.append(payload)
        joining = len(payload) == 128
    return lines


def run_script(ctx, script, devices=True, disk=None, timeout=60, stay=False):
    """Boot, wait for "script: done"; returns (machine, {step: line text}).
    stay: without exit-when-done, so the machine can be inspected after."""
    cfg = _config(ctx, script, devices=devices, hv_bootargs="" if stay else "exit-when-done")
    m = _machine(ctx, cfg, devices, disk)
    m.start()
    m.expect(r"\[%s\] script: done %d" % (GUEST, script.steps), timeout)
    if not stay:
        assert m.wait_exit(30) == 0
    steps = {}
    for line in guest_lines(m.output):
        s = re.match(r"S(\d+) (.*)$", line)
        if s:
            assert int(s.group(1)) not in steps, "step %s printed twice" % s.group(1)
            steps[int(s.group(1))] = s.group(2)
    assert sorted(steps) == list(range(script.steps)), (sorted(steps), m.output[-3000:])
    return m, steps


def hcall_line(rc, r4=None):
    return "hcall rc=%d r4=" % rc + ("" if r4 is None else "0x%x" % r4)


# --- hypercalls, WRITE64, config space -------------------------------------------


def test_script_hcalls_and_writes(ctx):
    """TCE hypercalls with tcevisor's return codes, WRITE64 building a TCE
    list for H_PUT_TCE_INDIRECT, the script reader's own answers."""
    s = Script()
    page_a, page_b, lst = 0x1100000, 0x1101000, 0x1000000
    fault = 0x123456789abcdef0          # permission bits 00, garbage elsewhere
    want = {}

    def hc(rc, r4, *regs):
        want[s.add(OP_HCALL, *regs)] = hcall_line(rc, r4)

    hc(0, None, H_PUT_TCE, L0, 0x1000, page_a | 3)
    hc(0, page_a | 3, H_GET_TCE, L0, 0x1000)
    hc(-4, None, H_PUT_TCE, 0x80000019, 0x1000, page_a | 3)          # no such window
    hc(-4, None, H_PUT_TCE, L0 | 1 << 32, 0x1000, page_a | 3)        # upper bits
    hc(-4, None, H_PUT_TCE, L0, 0x1008, page_a | 3)                  # misaligned IOBA
    hc(-4, None, H_PUT_TCE, L0, 256 * MIB, page_a | 3)               # past the window
    hc(-4, None, H_PUT_TCE, L0, 0x2000, RAM | 3)                     # outside RAM
    hc(0, None, H_PUT_TCE, L0, 0x2000, (RAM - 0x1000) | 1)           # last page
    hc(-4, None, H_PUT_TCE, L1, WIN1, (RAM - 0x1000) | 3)            # not 64K-aligned
    hc(0, None, H_PUT_TCE, L1, WIN1 + 0x10000, (RAM - 0x10000) | 2)
    hc(0, (RAM - 0x10000) | 2, H_GET_TCE, L1, WIN1 + 0x10000)
    hc(0, None, H_PUT_TCE, L0, 0x3000, fault)
    hc(0, fault, H_GET_TCE, L0, 0x3000)
    hc(0, 0, H_GET_TCE, L0, 0x4000)                                  # never written
    hc(-4, None, H_GET_TCE, L0, 256 * MIB)
    hc(-57, None, H_STUFF_TCE, L0, 0, 0, 513)
    hc(0, None, H_STUFF_TCE, L0, 0, 0, 0)
    hc(-4, None, H_STUFF_TCE, L0, 256 * MIB - 0x1000, 0, 2)          # past the end
    hc(-2, None, H_PUT_TCE_INDIRECT, -1, 0x10000, lst, 1)            # negative LIOBN
    want[s.add(OP_WRITE64, lst, page_a | 3, page_b | 1, 0)] = "write ok"
    hc(0, None, H_PUT_TCE_INDIRECT, L0, 0x10000, lst, 3)
    hc(0, page_b | 1, H_GET_TCE, L0, 0x11000)
    hc(0, 0, H_GET_TCE, L0, 0x12000)
    hc(-4, None, H_PUT_TCE_INDIRECT, L0, 0x10000, lst + 8, 1)        # misaligned list
    hc(-4, None, H_PUT_TCE_INDIRECT, L0, 0x10000, RAM, 1)            # list outside RAM
    hc(-4, None, H_PUT_TCE_INDIRECT, L0, 0x10000, lst, 513)
    want[s.add(OP_WRITE64, lst, RAM | 3)] = "write ok"
    hc(-4, None, H_PUT_TCE_INDIRECT, L0, 0x10000, lst, 1)            # a bad TCE in it
    hc(0, page_a | 3, H_GET_TCE, L0, 0x10000)                        # unchanged
    want[s.add(OP_WRITE64, 0x100, 1)] = "write bad-address"           # the image
    want[s.add(OP_WRITE64, RAM - 2 * MIB, 1)] = "write bad-address"   # the FDT
    want[s.add(OP_WRITE64, RAM - 3 * MIB, 1)] = "write bad-address"   # the driver area
    want[s.add(OP_WRITE64, RAM - 8, 1, 2)] = "write bad-address"      # crosses the end
    want[s.add(OP_NOTE)] = "note"
    want[s.add(OP_HCALL)] = "bad-args"
    want[s.add(99, 1, 2)] = "bad-op"
    want[s.raw(struct.pack(">QQ", OP_HCALL << 32 | 5, H_GET_TCE))] = "truncated"
    m, steps = run_script(ctx, s, devices=False)
    for i, text in want.items():
        assert steps[i].startswith(text), "S%d: %r, want %r" % (i, steps[i], text)
    assert "[sc] guest: tcevisor test guest, mode script, fdt at 0x%x" % (RAM - 2 * MIB) \
        in m.output, m.output


def test_script_config_space(ctx):
    """RTAS config space of both devices: IDs, the virtual BAR (a write does
    not move it, sizing works), a device that does not exist."""
    s = Script()
    ids = [s.add(OP_CFGREAD, 0, 0, 4), s.add(OP_CFGREAD, 1, 0, 4), s.add(OP_CFGREAD, 1, 0xa, 2)]
    bar = s.add(OP_CFGREAD, 0, 0x10, 4)
    wr = s.add(OP_CFGWRITE, 0, 0x10, 4, 0x12340000)
    after = s.add(OP_CFGREAD, 0, 0x10, 4)
    s.add(OP_CFGWRITE, 0, 0x10, 4, 0xffffffff)
    size = s.add(OP_CFGREAD, 0, 0x10, 4)
    s.add(OP_CFGWRITE, 0, 0x10, 4, 0x80000000)
    back = s.add(OP_CFGREAD, 0, 0x10, 4)
    nvme_bar = s.add(OP_CFGREAD, 1, 0x10, 4)
    missing = [s.add(OP_CFGREAD, 2, 0, 4), s.add(OP_CFGREAD, 30, 0, 4)]
    bad_wr = s.add(OP_CFGWRITE, 5, 0x4, 2, 0)
    _, steps = run_script(ctx, s)
    assert steps[ids[0]] == "cfg status=0 value=0x11e81234", steps
    assert steps[ids[1]] == "cfg status=0 value=0x101b36", steps
    assert steps[ids[2]] == "cfg status=0 value=0x108", steps        # class 0108
    assert steps[bar] == "cfg status=0 value=0x80000000", steps       # its guest PCI address
    assert steps[wr] == "cfg status=0", steps
    assert steps[after] == steps[bar], steps
    assert steps[size] == "cfg status=0 value=0xfff00000", steps     # 1 MiB
    assert steps[back] == steps[bar], steps
    assert steps[nvme_bar] == "cfg status=0 value=0x80100004", steps  # 64-bit, after edu
    for i in missing:
        assert steps[i] == "cfg status=-3 value=0xffffffff", steps
    assert steps[bad_wr] == "cfg status=-3", steps


# --- edu DMA ---------------------------------------------------------------------------


def test_script_edu_dma_through_tces(ctx):
    """edu copies 256 bytes RAM -> its buffer through a window-0 TCE and
    back to other RAM through a window-1 (64K) TCE, then a part of the
    buffer to an offset in that page; the bytes are read with QMP."""
    s = Script()
    src, dst = 0x1800000, 0x1810000          # dst 64K-aligned for window 1
    pattern = bytes((i * 7 + 3) & 0xff for i in range(256))
    words = struct.unpack(">32Q", pattern)
    s.add(OP_WRITE64, src, *words)
    s.add(OP_HCALL, H_PUT_TCE, L0, 0x200000, src | 1)                # device reads
    s.add(OP_HCALL, H_PUT_TCE, L1, WIN1 + 0x30000, dst | 2)          # device writes
    to_dev = s.add(OP_EDU, 0, 0, 0x200000, 256, 0)
    to_ram = s.add(OP_EDU, 0, 1, WIN1 + 0x30000, 256, 0)
    part = s.add(OP_EDU, 0, 1, WIN1 + 0x30000 + 0x1000, 0x80, 0x80)
    refused = [s.add(OP_EDU, 0, 0, 0x200000, 4096, 0),               # QEMU would abort
               s.add(OP_EDU, 0, 0, 0x200000, 0, 0),
               s.add(OP_EDU, 0, 0, 0x200000, 0x10, 0xff0)]
    ok_edge = s.add(OP_EDU, 0, 0, 0x200000, 0x10, 0xfef)             # ends at 0xfff
    bad_dev = [s.add(OP_EDU, 1, 0, 0x200000, 16, 0), s.add(OP_EDU, 7, 0, 0x200000, 16, 0)]
    m, steps = run_script(ctx, s, stay=True)
    for i in (to_dev, to_ram, part, ok_edge):
        assert steps[i] == "edu done", (i, steps)
    for i in refused:
        assert steps[i] == "edu bad-range", (i, steps)
    for i in bad_dev:
        assert steps[i] == "edu bad-device", (i, steps)
    base = host_base(m, GUEST)
    assert m.read_phys(base + dst, 256) == pattern
    assert m.read_phys(base + dst + 0x1000, 0x80) == pattern[0x80:]
    assert m.read_phys(base + dst + 0x1080, 0x80) == bytes(0x80)
    assert "EDU: clamping" not in m.output
    m.sendline("poweroff")
    assert m.wait_exit(30) == 0


# --- NVMe ----------------------------------------------------------------------------------


def _map_pages(s, lst, ioba, pages, perm=3):
    """WRITE64 a TCE list at lst and H_PUT_TCE_INDIRECT it at ioba (window 0)."""
    s.add(OP_WRITE64, lst, *[p | perm for p in pages])
    return s.add(OP_HCALL, H_PUT_TCE_INDIRECT, L0, ioba, lst, len(pages))


def test_script_nvme_write_read(ctx):
    """NVMe init, a 24-block write (PRP list) from one buffer, read back into
    another at an offset in its first page; the pattern is in the disk image
    afterwards, nowhere else."""
    s = Script()
    init = s.add(OP_NVME_INIT, 1)
    wr_map = _map_pages(s, 0x1a00000, 0x400000, [0x2000000 + k * 0x1000 for k in range(3)])
    wr = s.add(OP_NVME_WRITE, 1, 8, 24, 0x5a, 0x400000)
    rd_map = _map_pages(s, 0x1a01000, 0x500000, [0x2100000 + k * 0x1000 for k in range(4)])
    rd = s.add(OP_NVME_READ, 1, 8, 24, 0x500200)
    other = s.add(OP_NVME_READ, 1, 100, 8, 0x500000)
    small = s.add(OP_NVME_WRITE, 1, 40, 1, 0xa5, 0x400000)
    small_rd = s.add(OP_NVME_READ, 1, 40, 1, 0x500000)
    unmapped = s.add(OP_NVME_WRITE, 1, 0, 8, 0x11, 0x600000)
    past = s.add(OP_NVME_READ, 1, 2047, 2, 0x500000)
    edu = s.add(OP_NVME_INIT, 0)
    disk = _disk(ctx)
    m, steps = run_script(ctx, s, disk=disk)
    assert steps[init] == "nvme init ok lba=512 blocks=2048", steps
    assert steps[wr_map].startswith("hcall rc=0 "), steps
    assert steps[rd_map].startswith("hcall rc=0 "), steps
    assert steps[wr] == "nvme write status=0x0", steps
    assert steps[rd] == "nvme read status=0x0 byte=0x5a uniform=1", steps
    assert steps[other] == "nvme read status=0x0 byte=0x0 uniform=1", steps
    assert steps[small] == "nvme write status=0x0", steps
    assert steps[small_rd] == "nvme read status=0x0 byte=0xa5 uniform=1", steps
    assert steps[unmapped] == "nvme unmapped", steps
    st = int(field(steps[past], r"nvme read status=(0x[0-9a-f]+)"), 16)
    assert st & 0xff == 0x80, steps[past]                  # LBA out of range
    assert steps[edu] == "nvme init fail bad-device", steps
    with open(disk, "rb") as f:
        img = f.read()
    assert img[8 * 512:32 * 512] == b"\x5a" * (24 * 512)
    assert img[40 * 512:41 * 512] == b"\xa5" * 512
    assert img[:8 * 512] == bytes(8 * 512)
    assert img[32 * 512:40 * 512] == bytes(8 * 512)
    assert img[41 * 512:] == bytes(len(img) - 41 * 512)


# --- the storm --------------------------------------------------------------------------------

TABLE_RX = re.compile(r"table (\d+) liobn (0x[0-9a-f]+) guest (\S+) bus (0x[0-9a-f]+) "
                      r"size (0x[0-9a-f]+) page (\w+) hw (\w+) levels (\d+) at (0x[0-9a-f]+) "
                      r"valid (\d+)")


def _shift(page):
    unit = {"K": 10, "M": 20, "G": 30}[page[-1]]
    return unit + int(page[:-1]).bit_length() - 1


def _leaves(m, top, levels, level_shift):
    """Every leaf entry of a table, read from outside: (index, value)."""
    n = 1 << level_shift
    if levels == 1:
        data = m.read_phys(top, 8 * n)
        return list(enumerate(struct.unpack(">%dQ" % n, data)))
    out = []
    for i, e in enumerate(struct.unpack(">%dQ" % n, m.read_phys(top, 8 * n))):
        if e & 3:
            out += [(i << (level_shift * (levels - 1)) | j, v)
                    for j, v in _leaves(m, e & ~0xfff, levels - 1, level_shift)]
    return out


def test_script_storm(ctx):
    """100000 TCE hcalls, valid and invalid mixed, every rc as the guest's
    model predicts and every entry as the model says at the end; then, from
    outside, no valid hardware TCE of the guest's tables points outside its
    memory, and the count matches the hypervisor's."""
    s = Script()
    storm = s.add(OP_STORM, 0x5eed, 100000)
    m, steps = run_script(ctx, s, stay=True, timeout=120)
    assert steps[storm] == "storm calls=100000 mismatches=0 checked=327680", \
        "\n".join(guest_lines(m.output))
    rcs = field(m.output, r"storm: rc (success=.*)")
    counts = dict((k, int(v)) for k, v in re.findall(r"(\w+)=(\d+)", rcs))
    assert counts["other"] == 0 and all(counts[k] > 500 for k in
                                        ("success", "parameter", "p4", "function")), counts
    base = host_base(m, GUEST)
    m.sendline("tables")
    m.expect(r"table \d+ liobn 0x80000011 .*\n", 10)
    tables = [t for t in TABLE_RX.finditer(m.output) if t.group(3) == GUEST]
    assert len(tables) == 2, m.output[-2000:]
    for t in tables:
        size, levels, top = int(t.group(5), 16), int(t.group(8)), int(t.group(9), 16)
        hw = _shift(t.group(7))
        level_shift = ((size.bit_length() - 1) - hw) // levels
        valid = [(i, v) for i, v in _leaves(m, top, levels, level_shift) if v & 3]
        bad = [(i, v) for i, v in valid
               if not base <= v & ~0xfff <= base + RAM - (1 << hw)]
        assert not bad, "table %s: %d entries outside guest memory, e.g. %s" % (
            t.group(1), len(bad), ["%#x: %#x" % e for e in bad[:4]])
        assert len(valid) == int(t.group(10)), (t.group(0), len(valid))
        assert len(valid) > 1000, t.group(0)
    m.sendline("poweroff")
    assert m.wait_exit(30) == 0


# --- tcebench --------------------------------------------------------------------------------

BENCH_RX = re.compile(r"bench: tce put_x100=(\d+) stuff512_x100=(\d+) indirect512_x100=(\d+) "
                      r"pmc6_put=(\d+) pmc6_stuff512=(\d+) pmc6_indirect512=(\d+) count=(\d+)$")


def _bench_values(lines):
    found = [BENCH_RX.match(line) for line in lines]
    found = [f for f in found if f]
    assert len(found) == 1, lines
    return [int(x) for x in found[0].groups()]


def test_tcebench_pseries(ctx):
    m = ctx.pseries("mode=tcebench count=2000")
    m.start()
    assert m.wait_exit(60) == 0
    put, stuff, ind, _, _, _, count = _bench_values(m.output.splitlines())
    assert count == 2000 and put > 0 and stuff > 0 and ind > 0, m.output


def test_tcebench_tcevisor(ctx):
    win0 = "dma-window-0 { size = <0 0x10000000>; page-shift = <12>; levels = <1>; };\n"
    cfg = _config(ctx, bootargs="mode=tcebench count=2000", devices=False,
                  hv_bootargs="exit-when-done", windows=win0)
    m = ctx.machine(config=cfg)
    m.start()
    assert m.wait_exit(60) == 0
    put, stuff, ind, _, _, _, count = _bench_values(guest_lines(m.output))
    assert count == 2000 and put > 0 and stuff > 0 and ind > 0, m.output
    assert "bench: tce failed" not in m.output
