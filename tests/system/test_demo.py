"""What `make run` shows: the demo configuration (configs/demo.dts) with the
NVMe controller scripts/run-qemu adds. Two demo guests print on their
consoles and echo what they are sent; gamma writes and reads NVMe blocks
through its own TCEs and sees an unmapped read blocked. Checked from
outside: the disk image holds the blocks gamma wrote, QEMU logged the
blocked read's TCE fault, and the console focus moves with Ctrl-]."""

import os
import re

from testlib import expect_all, poweroff

import tcevisor_qemu


def boot_demo(ctx):
    disk = os.path.join(ctx.workdir, "disk.img")
    devices, extra = tcevisor_qemu.nvme_disk(disk)
    m = ctx.machine(config=os.path.join(ctx.build, "configs", "demo.dtb"),
                    devices=devices, extra=extra)
    m.start()
    return m, disk


def test_demo_guests_and_nvme(ctx):
    m, disk = boot_demo(ctx)
    m.expect(r"guests: 3 started, 0 rejected", 30)
    expect_all(m, [r"\[alpha\] demo: ready", r"\[beta\] demo: ready",
                   r"\[gamma\] nvmedemo: done (ok|FAILED)", r"\[gamma\] demo: ready"], 60)
    out = m.output
    assert "[gamma] nvmedemo: done ok" in out, out[-2000:]
    assert re.search(r"\[gamma\] S3 nvme read status=0x0 byte=0x5a uniform=1", out)
    assert re.search(r"\[gamma\] S5 nvme read status=0x0 byte=0xc3 uniform=1", out)

    # Ctrl-] moves the focus from hv> to alpha; what we type reaches alpha only.
    m.send("\x1d")
    m.expect(r"\[focus: alpha\]", 10)
    m.sendline("hello alpha")
    m.expect(r"\[alpha\] demo: you typed 'hello alpha'", 10)
    assert "[beta] demo: you typed" not in m.output
    for nxt in ("beta", "gamma", r"hypervisor \(hv>\)"):
        m.send("\x1d")
        m.expect(r"\[focus: %s\]" % nxt, 10)
    poweroff(m)

    # From outside: the blocks are on the disk, the blocked read faulted.
    with open(disk, "rb") as f:
        img = f.read()
    assert img[16 * 512:24 * 512] == b"\x5a" * 4096, "LBA 16-23 not 0x5a on disk"
    assert img[64 * 512:96 * 512] == b"\xc3" * 16384, "LBA 64-95 not 0xc3 on disk"
    assert img[24 * 512:64 * 512] == bytes(40 * 512), "blocks around them changed"
    assert re.search(r"phb4\[0:2\]: TCE access fault", m.log()), "no TCE fault logged"


def test_demo_without_nvme_refuses_gamma(ctx, machine="powernv9"):
    """No NVMe: gamma is refused with a reason, the other two still run."""
    m = ctx.machine(machine=machine, config=os.path.join(ctx.build, "configs", "demo.dtb"))
    m.start()
    m.expect(r"guests: 2 started, 1 rejected", 30)
    assert re.search(r"config: /guests/gamma: [^\n]*0002:01:00\.0[^\n]*; guest not started",
                     m.output), m.output[-2000:]
    expect_all(m, [r"\[alpha\] demo: ready", r"\[beta\] demo: ready"], 30)
    m.send("\x1d")
    m.expect(r"\[focus: alpha\]", 10)
    m.sendline("ping")
    m.expect(r"\[alpha\] demo: you typed 'ping'", 10)
    m.send("\x1d\x1d")
    m.expect(r"\[focus: hypervisor", 10)
    poweroff(m)


def test_demo_guests_on_powernv10(ctx):
    """POWER10 runs the same guests (its PHB5s are not driven: no NVMe)."""
    test_demo_without_nvme_refuses_gamma(ctx, machine="powernv10")


