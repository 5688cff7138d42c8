"""The test guest (tests/guest) on QEMU's own pseries machine, which serves
the same hypercalls and RTAS calls tcevisor will: the guest ABI checked on
the reference implementation. Each run boots build/guest/testguest.bin
with -bios; bootargs reach /chosen through -append, which QEMU only takes
with a -kernel ELF (build/guest/dummy-kernel.elf, never run).

mode=spin, wild and heartbeat are meant for tcevisor; here they only get
what pseries can show (wild just stores to nothing, the others are killed)."""

import os
import re
import struct
import subprocess
import time

from testlib import compile_dts, field, guest_symbol, ROOT


def _run(ctx, append, smp=1, timeout=30):
    """Boot, wait for the guest's power-off; returns the console text."""
    m = ctx.pseries(append, smp=smp)
    m.start()
    rc = m.wait_exit(timeout)
    out = m.output
    assert rc == 0, "QEMU exit status %s; console:\n%s" % (rc, out)
    return out


def test_guest_image_layout(ctx):
    """Flat image <= 4 MiB (BSS included), BE stub at 0x100, LE entry at
    0x1000, no FP/VMX/VSX."""
    path = os.path.join(ctx.build, "guest", "testguest.bin")
    with open(path, "rb") as f:
        img = f.read()
    assert len(img) <= 4 << 20
    assert guest_symbol(ctx, "_end") <= 4 << 20
    assert guest_symbol(ctx, "guest_entry") == 0x1000
    assert img[0x100:0x104] == bytes.fromhex("7d6000a6"), "mfmsr r11, big-endian"
    p = subprocess.run([os.path.join(ROOT, "scripts", "check-fp.sh"),
                        "powerpc64le-linux-gnu-objdump",
                        os.path.join(ctx.build, "guest", "testguest.elf")],
                       capture_output=True, text=True)
    assert p.returncode == 0, p.stderr


def test_guest_demo_summary(ctx):
    """No mode= at all: demo. The summary of pseries' tree: 1 GiB, one CPU,
    the default PHB's 32-bit window (LIOBN 0x80000000, 1 GiB, 4K pages)."""
    m = ctx.pseries()
    m.start()
    m.expect(r"demo: ready", 20)
    out = m.output
    assert "summary: name=pseries memory=0x40000000 cpus=1\n" in out, out
    windows = re.findall(r"summary: window .*", out)
    assert windows == ["summary: window 0 liobn=0x80000000 start=0x0 "
                       "size=0x40000000 page=0x1000"], out
    assert "summary: devices=0\n" in out, out
    m.sendline("quit")
    assert m.wait_exit(20) == 0


# A tree shaped like tcevisor's: its own name, two memory nodes, two PHBs
# with different DMA cell counts and page shifts. The hcalls are still
# pseries', so the vty and the power-off token are QEMU's.
TCEVISOR_LIKE_DTS = """/dts-v1/;
/ {
	#address-cells = <2>; #size-cells = <2>;
	tcevisor,name = "testbox";
	chosen { bootargs = "mode=demo"; stdout-path = "/vdevice/vty@71000000"; };
	rtas { power-off = <0x2003>; };
	cpus {
		#address-cells = <1>; #size-cells = <0>;
		cpu@0 { device_type = "cpu"; reg = <0>; timebase-frequency = <512000000>; };
	};
	memory@0 { device_type = "memory"; reg = <0 0 0 0x10000000>; };
	memory@40000000 { device_type = "memory"; reg = <0 0x40000000 0 0x8000000>; };
	vdevice {
		#address-cells = <1>; #size-cells = <0>;
		vty@71000000 { reg = <0x71000000>; };
	};
	pci@1 {
		device_type = "pci";
		ibm,dma-window = <0x100 0 0 0 0x40000000  0x101 0x8000000 0 1 0>;
		tcevisor,dma-page-shift = <12 16>;
		a@1 { }; b@2 { };
	};
	pci@2 {
		device_type = "pci";
		ibm,#dma-address-cells = <1>; ibm,#dma-size-cells = <1>;
		ibm,dma-window = <0x200 0x1000 0x20000>;
		c@1 { };
	};
};
"""


def _le_entry_image(ctx, fdt_addr):
    """The guest entered the way tcevisor enters it: at 0x1000, little-
    endian, r3 = fdt_addr. A copy of the image whose word after the BE stub
    (0x12c, already little-endian) becomes lis/ori r3 + `ba 0x1000`."""
    with open(os.path.join(ctx.build, "guest", "testguest.bin"), "rb") as f:
        img = bytearray(f.read())
    assert img[0x130:0x140] == bytes(16), "0x12c-0x13f no longer free"
    img[0x12c:0x138] = struct.pack("<III", 0x3C600000 | fdt_addr >> 16,
                                   0x60630000 | fdt_addr & 0xffff, 0x48001002)
    path = os.path.join(ctx.workdir, "le-entry.bin")
    with open(path, "wb") as f:
        f.write(img)
    return path


def test_guest_le_entry_own_tree(ctx):
    """tcevisor's entry at 0x1000 with a tree of its shape, placed inside
    the guest's BSS (0x20000): the guest moves it above its image before
    clearing BSS, then summarises it."""
    dtb = compile_dts(TCEVISOR_LIKE_DTS, os.path.join(ctx.workdir, "tree.dtb"))
    m = ctx.pseries(image=_le_entry_image(ctx, 0x20000),
                    devices=["loader,file=%s,addr=0x20000,force-raw=on" % dtb])
    m.start()
    m.expect(r"demo: ready\n", 20)
    out = m.output
    assert "guest: fdt moved from 0x20000" in out, out
    assert re.findall(r"summary: .*", out) == [
        "summary: name=testbox memory=0x18000000 cpus=1",
        "summary: window 0 liobn=0x100 start=0x0 size=0x40000000 page=0x1000",
        "summary: window 1 liobn=0x101 start=0x800000000000000 size=0x100000000 "
        "page=0x10000",
        "summary: window 0 liobn=0x200 start=0x1000 size=0x20000 page=0x1000",
        "summary: devices=3"], out
    m.sendline("quit")
    assert m.wait_exit(20) == 0


def test_guest_demo_summary_smp2_device(ctx):
    """Two CPU nodes and one PCI device below the PHB."""
    m = ctx.pseries("mode=demo", smp=2, devices=["edu"])
    m.start()
    m.expect(r"demo: ready", 20)
    out = m.output
    assert field(out, r"summary: name=pseries memory=(0x[0-9a-f]+) cpus=2\n") == "0x40000000"
    assert field(out, r"summary: devices=(\d+)\n") == "1", out
    m.sendline("quit")
    assert m.wait_exit(20) == 0


def test_guest_demo_echo(ctx):
    """Lines echoed (CR, LF and CRLF each end one line), a tick after ~5 s
    of timebase (the idle loop cedes through decrementer interrupts), and
    `quit` powers off."""
    m = ctx.pseries("mode=demo")
    m.start()
    m.expect(r"demo: ready\n", 20)
    m.sendline("hello")
    m.expect(r"demo: you typed 'hello'\n", 10)
    m.send("one\r\ntwo\nthree\r")
    m.expect(r"demo: you typed 'one'\ndemo: you typed 'two'\ndemo: you typed 'three'\n", 10)
    m.expect(r"demo: tick 1\n", 15)
    m.sendline("quit")
    m.expect(r"demo: you typed 'quit'\n", 10)
    assert m.wait_exit(20) == 0
    assert "you typed ''" not in m.output, m.output


def test_guest_smp(ctx):
    """RTAS start-cpu of the second vCPU (QEMU enters it big-endian); both
    print their own line and count on one counter concurrently."""
    out = _run(ctx, "mode=smp", smp=2)
    ids = sorted(re.findall(r"smp: cpu (\d+) running\n", out))
    assert ids == ["0", "1"], out
    assert "smp: counter 400000 " in out, out
    assert out.rstrip().endswith("smp: both vcpus ran"), out


def test_guest_smp_one_cpu(ctx):
    out = _run(ctx, "mode=smp")
    assert "smp: needs 2 cpus and start-cpu (cpus=1)" in out, out
    assert "both vcpus ran" not in out, out


def test_guest_unknown_hcalls(ctx):
    out = _run(ctx, "mode=unknown")
    got = re.findall(r"unknown: hcall (0x[0-9a-f]+) rc (-?\d+)\n", out)
    assert got == [(n, "-2") for n in
                   ("0x1f0", "0x1f4", "0x0", "0x10004", "0x1234", "0x1f1")], out
    assert out.rstrip().endswith("unknown: done"), out


def test_guest_nullbench(ctx):
    out = _run(ctx, "mode=nullbench count=20000")
    m = re.search(r"bench: null hcall=0x1f0 count=(\d+) ticks=(\d+) "
                  r"per_call_x100=(\d+) pmc6=\d+\n", out)
    assert m, out
    count, ticks, x100 = (int(x) for x in m.groups())
    assert count == 20000 and ticks > 0, out
    assert x100 == ticks * 100 // count, out


def test_guest_nullbench_options(ctx):
    """hcall= and count= are taken from the bootargs."""
    out = _run(ctx, "mode=nullbench count=100 hcall=0x1f4")
    assert re.search(r"bench: null hcall=0x1f4 count=100 ticks=\d+ ", out), out


def test_guest_illegal(ctx):
    """`.long 0` reaches the guest's own 0x700 vector, which reports the
    faulting address and powers off."""
    out = _run(ctx, "mode=illegal")
    assert "illegal: executing 0\n" in out, out
    addr = int(field(out, r"guest: exception 0x700 at 0x([0-9a-f]+)\n"), 16)
    assert addr == guest_symbol(ctx, "illegal_insn"), out
    assert "still alive" not in out, out


def test_guest_regs(ctx):
    """Mode regs' expectations hold on the reference too: across these
    hcalls nothing but r3, cr0 and SRR0/1 changes. (No hypervisor preempts
    a pseries guest, so there the spin rounds check only the mode itself.)"""
    out = _run(ctx, "mode=regs rounds=4 hrounds=4", timeout=60)
    assert re.search(r"regs: spin rounds=4 spins=\d+ ticks=\d+ mismatches=0\n", out), out
    for kind in ("unknown", "put-tce", "cede"):
        assert "regs: hcall %s rounds=4 mismatches=0\n" % kind in out, out
    assert "regs: done mismatches=0\n" in out, out


def test_guest_wild(ctx):
    """pseries has nothing past RAM and ignores the store (under tcevisor
    the guest stops before "still alive")."""
    m = ctx.pseries("mode=wild")
    m.start()
    assert m.wait_exit(30) == 0
    out = m.output
    assert "wild: storing outside memory\nwild: still alive\n" in out, out
    # 1 GiB + 0x10000, rejected by QEMU (-d guest_errors)
    assert "Invalid write at addr 0x40010000" in m.log(), m.log()


def test_guest_heartbeat(ctx):
    """Beats at ~50 ms of timebase: 9 intervals take about 0.45 s (loose
    bounds: the console is read from a loaded host)."""
    m = ctx.pseries("mode=heartbeat")
    m.start()
    m.expect(r"heartbeat: start\nbeat 1\n", 20)
    t0 = time.time()
    m.expect(r"beat 2\nbeat 3\n(beat \d+\n)*beat 10\n", 10)
    assert 0.2 < time.time() - t0 < 5, time.time() - t0
    m.kill()


def test_guest_spin(ctx):
    """After `spin: start` the guest stays in its loop, MSR[EE] = 0."""
    m = ctx.pseries("mode=spin")
    m.start()
    m.expect(r"spin: start\n", 20)
    lo = guest_symbol(ctx, "mode_spin")
    for _ in range(3):
        regs = m.hmp("info registers")
        nip = int(field(regs, r"NIP ([0-9a-f]+)"), 16)
        msr = int(field(regs, r"MSR ([0-9a-f]+)"), 16)
        assert lo <= nip < lo + 0x100, "NIP %#x outside mode_spin (%#x)" % (nip, lo)
        assert not msr & 0x8000, "MSR[EE] set: %#x" % msr
        time.sleep(0.2)
    assert m.output.rstrip().endswith("spin: start"), m.output
    m.kill()
