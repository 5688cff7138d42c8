"""Guest partitions: two guests with their own device trees, fault
isolation, fair scheduling, SMP guests, configuration errors, unknown
hcalls, console focus. Everything is read from the console from outside."""

import re

from testlib import boot_to_ready, expect_all, field, guest_symbol, poweroff


def guest_node(name, memory=0x4000000, bootargs="mode=demo", vcpus=1, extra="", windows=()):
    """DTS text of one /guests node; windows = [(size, page_shift, levels)]."""
    wins = "".join(
        "dma-window-%d { size = <0x%x 0x%x>; page-shift = <%d>; levels = <%d>; };\n"
        % (i, size >> 32, size & 0xffffffff, shift, levels)
        for i, (size, shift, levels) in enumerate(windows) if size)
    return ("%s { memory = <0x%x>; vcpus = <%d>; image = \"testguest\"; "
            "bootargs = \"%s\"; %s\n%s};\n" % (name, memory, vcpus, bootargs, extra, wins))


def config(ctx, nodes, bootargs="", name="config"):
    return ctx.config('/dts-v1/;\n/ { compatible = "tcevisor,config"; bootargs = "%s";\n'
                      "guests {\n%s};\n};\n" % (bootargs, "".join(nodes)), name)


def test_two_guests_print_their_trees(ctx):
    cfg = config(ctx, [
        guest_node("alpha", 0x4000000, windows=[(1 << 30, 12, 1)]),
        guest_node("beta", 0x6000000, windows=[(1 << 28, 16, 1), (1 << 34, 16, 2)]),
    ])
    m = ctx.machine(config=cfg)
    boot_to_ready(m)
    out = expect_all(m, [r"\[alpha\] demo: ready", r"\[beta\] demo: ready"])
    assert "[alpha] summary: name=alpha memory=0x4000000 cpus=1" in out, out
    assert "[alpha] summary: window 0 liobn=0x80000010 start=0x0 size=0x40000000 " \
           "page=0x1000" in out, out
    assert "[beta] summary: name=beta memory=0x6000000 cpus=1" in out, out
    assert "[beta] summary: window 0 liobn=0x80000020 start=0x0 size=0x10000000 " \
           "page=0x10000" in out, out
    assert "[beta] summary: window 1 liobn=0x80000021 start=0x800000000000000 " \
           "size=0x400000000 page=0x10000" in out, out
    # beta has no second window summary line for alpha
    assert "[alpha] summary: window 1" not in out
    poweroff(m)


def _hb_beats_after(m, marker, n=5, timeout=30):
    """Wait for marker, then n more heartbeat lines from guest hb."""
    m.expect(marker, timeout)
    for _ in range(n):
        m.expect(r"\[hb\] beat \d+", timeout)


def test_wild_guest_stopped_other_goes_on(ctx):
    cfg = config(ctx, [guest_node("wild", 0x4000000, "mode=wild"),
                       guest_node("hb", 0x2000000, "mode=heartbeat")])
    m = ctx.machine(config=cfg)
    boot_to_ready(m)
    _hb_beats_after(m, r"tcevisor: guest wild stopped: vcpu 0: data access outside its "
                       r"memory at 0x4010000")
    assert "wild: still alive" not in m.output
    m.sendline("guests")
    m.expect(r"guest 1 wild stopped .*data access outside", 10)
    m.expect(r"guest 2 hb running", 10)
    poweroff(m)


def test_illegal_instruction_stops_only_that_guest(ctx):
    cfg = config(ctx, [guest_node("bad", 0x2000000, "mode=illegal"),
                       guest_node("hb", 0x2000000, "mode=heartbeat")])
    m = ctx.machine(config=cfg)
    boot_to_ready(m)
    _hb_beats_after(m, r"tcevisor: guest bad stopped: vcpu 0: illegal instruction "
                       r"0x00000000 at 0x[0-9a-f]+")
    poweroff(m)


def test_spinning_guest_does_not_starve_the_other(ctx):
    """-smp 1: both guests share one CPU; the spinner never calls the
    hypervisor and has MSR[EE] = 0, only HDEC takes the CPU back."""
    cfg = config(ctx, [guest_node("spin", 0x2000000, "mode=spin"),
                       guest_node("hb", 0x2000000, "mode=heartbeat")])
    m = ctx.machine(config=cfg, smp=1)
    boot_to_ready(m)
    m.expect(r"\[spin\] spin: start", 20)
    start = len(m.output)
    for _ in range(20):
        m.expect(r"\[hb\] beat \d+", 30)
    beats = re.findall(r"\[hb\] beat (\d+)", m.output[start:])
    assert len(beats) >= 20, beats
    m.sendline("guests")
    m.expect(r"guest 1 spin running", 10)
    hdec = int(m.expect(r"vcpu 0 cpu 0 runnable exits \d+ hcalls \d+ hdec (\d+)", 10).group(1))
    assert hdec > 0, "the spinner was never preempted"
    poweroff(m)


def test_two_vcpu_guest(ctx):
    """A guest with two vCPUs on -smp 3: the second is started with RTAS
    start-cpu, both run (on different host CPUs) and count together."""
    cfg = config(ctx, [guest_node("solo", 0x2000000, "mode=heartbeat"),
                       guest_node("duo", 0x4000000, "mode=smp", vcpus=2)])
    m = ctx.machine(config=cfg, smp=3)
    boot_to_ready(m)
    m.expect(r"\[duo\] smp: cpu 0 running", 30)
    m.expect(r"\[duo\] smp: both vcpus ran", 60)
    assert re.search(r"\[duo\] smp: cpu 1 running", m.output), m.output
    # `guests` answers once: ask only after duo has powered off
    m.expect(r"guest duo stopped: powered off", 30)
    m.sendline("guests")
    m.expect(r"guest 2 duo stopped vcpus 2 .*powered off", 10)
    v0 = int(m.expect(r"  vcpu 0 cpu (\d+)", 10).group(1))
    v1 = int(m.expect(r"  vcpu 1 cpu (\d+)", 10).group(1))
    assert v0 != v1, (v0, v1)
    poweroff(m)


def test_bad_configurations_are_reported_valid_guests_start(ctx):
    edu = "edu,bus=pcie.0,addr=0.0"
    nodes = [
        guest_node("good", 0x4000000, extra='host-address = <0x20000000>; '
                   'pci-devices = "0000:01:00.0";', windows=[(1 << 30, 12, 1)]),
        guest_node("badmem", 0x3000001),
        guest_node("overlap", 0x4000000, extra="host-address = <0x22000000>;"),
        guest_node("nodev", 0x4000000, extra='pci-devices = "0000:07:00.0";'),
        guest_node("twice", 0x4000000, extra='pci-devices = "0000:01:00.0";'),
        guest_node("badwin", 0x4000000, windows=[(3 << 20, 12, 1)]),
        guest_node("badlevels", 0x4000000, windows=[(1 << 31, 16, 2)]),
        guest_node("bigpage", 0x4000000, windows=[(1 << 30, 29, 1)]),
        guest_node("manycpu", 0x4000000, vcpus=9),
        guest_node("toobig", 0x40000000),
        guest_node("noimage", 0x4000000).replace('"testguest"', '"nosuch"'),
        guest_node("fine", 0x2000000),
    ]
    m = ctx.machine(config=config(ctx, nodes), devices=[edu])
    out = boot_to_ready(m)
    want = {
        "badmem": "memory 0x3000001: need a multiple of 2 MiB",
        "overlap": "host-address 0x22000000 size 0x4000000 overlaps memory already in use",
        "nodev": "pci-devices: no device 0000:07:00.0",
        "twice": "pci-devices: 0000:01:00.0 is already given to guest good",
        "badwin": "dma-window-0: size 0x300000 is not a power of two",
        "badlevels": "dma-window-0: 2^15 entries cannot make 2 equal levels",
        "bigpage": "dma-window-0: 2^1 entries cannot make 1 equal levels",
        "manycpu": "vcpus 9 not in 1..4",
        "toobig": "not enough free memory",
        "noimage": "image: unknown",
    }
    for node, reason in want.items():
        assert re.search(r"config: /guests/%s: %s.*; guest not started" % (node, re.escape(reason)),
                         out), "%s: %r not in\n%s" % (node, reason, out)
    assert field(out, r"guests: (\d+) started, 10 rejected") == "2"
    expect_all(m, [r"\[good\] summary: devices=1", r"\[fine\] demo: ready"])
    poweroff(m)


def test_unknown_hcalls_get_h_function(ctx):
    cfg = config(ctx, [guest_node("u", 0x2000000, "mode=unknown")], "exit-when-done")
    m = ctx.machine(config=cfg)
    m.start()
    assert m.wait_exit(60) == 0
    rcs = re.findall(r"\[u\] unknown: hcall (0x[0-9a-f]+) rc (-?\d+)", m.output)
    assert len(rcs) == 6, m.output
    assert all(rc == "-2" for _, rc in rcs), rcs
    assert "[u] unknown: done" in m.output
    assert "every guest has stopped" in m.output


def test_guest_takes_its_own_trap_little_endian(ctx):
    """A trap goes to the guest's own 0x700 vector, which runs little-endian
    because the guest asked for LE interrupts (H_SET_MODE) as its first
    hcall: the new LPCR[ILE] is in effect before that hcall returns, not
    only after the vCPU next passes through the run loop."""
    cfg = config(ctx, [guest_node("t", 0x2000000, "mode=trap")], "exit-when-done")
    m = ctx.machine(config=cfg)
    m.start()
    assert m.wait_exit(60) == 0
    out = m.output
    assert "[t] trap: trapping" in out, out
    addr = int(field(out, r"\[t\] guest: exception 0x700 at 0x([0-9a-f]+)"), 16)
    assert addr == guest_symbol(ctx, "trap_insn"), (hex(addr), out)
    assert "still alive" not in out and "illegal instruction" not in out, out


def test_guest_registers_survive_exits(ctx):
    """Every register a guest owns comes back as it left it: two guests
    share one CPU under a 1 ms time slice, each spinning with random values
    in all GPRs, CR, XER, LR and its own SPRs (SRR0/1, SPRG0-3, DAR, DSISR,
    AMR, UAMOR, DSCR, TAR, PPR) while the hypervisor preempts it and runs
    the other; then each makes hcalls down each path (table, H_PUT_TCE fast
    path, H_CEDE through the run loop) and checks everything but r3, cr0
    and SRR0/1. The guests compare; the hypervisor's shell counts the
    exits."""
    cfg = config(ctx, [guest_node("r", 0x2000000, "mode=regs seed=1"),
                       guest_node("s", 0x2000000, "mode=regs seed=2")], "slice=1000")
    m = ctx.machine(config=cfg)
    boot_to_ready(m)
    expect_all(m, [r"guest r stopped: powered off", r"guest s stopped: powered off"], 120)
    m.sendline("guests")
    out = m.output
    for name in ("r", "s"):
        v = m.expect(r"guest \d+ %s stopped.*\n  vcpu 0 cpu 0 \S+ exits (\d+) hcalls (\d+) "
                     r"hdec (\d+) irq (\d+)" % name, 10)
        exits, hcalls, hdec, irq = (int(x) for x in v.groups())
        unasked = exits - hcalls
        assert unasked == hdec + irq, v.group(0)  # nothing else made it exit
        # 16 rounds of ~4 ms under 1 ms slices: the spins were preempted
        # (on a loaded host other exits come first and restart the slice)
        assert unasked >= 16 and hdec >= 1, (v.group(0), out)
        spin = re.search(r"\[%s\] regs: spin rounds=16 spins=\d+ ticks=\d+ mismatches=(\d+)"
                         % name, out)
        assert spin and spin.group(1) == "0", out
        for kind in ("unknown", "put-tce", "cede"):
            assert "[%s] regs: hcall %s rounds=8 mismatches=0" % (name, kind) in out, out
        assert "[%s] regs: done mismatches=0" % name in out, out
    poweroff(m)


def test_console_focus_moves_between_guest_and_shell(ctx):
    cfg = config(ctx, [guest_node("alpha", 0x2000000)])
    m = ctx.machine(config=cfg)
    boot_to_ready(m)
    m.expect(r"\[alpha\] demo: ready", 20)
    m.send("\x1d")
    m.expect(r"\[focus: alpha\]", 10)
    m.sendline("hello there")
    m.expect(r"\[alpha\] demo: you typed 'hello there'", 20)
    m.send("\x1d")
    m.expect(r"\[focus: hypervisor", 10)
    m.sendline("version")
    m.expect(r"tcevisor \d+\.\d+\.\d+", 10)
    poweroff(m)


def test_console_input_waits_for_a_reading_guest_not_for_a_deaf_one(ctx):
    """Input for a guest that reads its console is never dropped, however
    fast it comes (the UART holds it back: 303 bytes arrive whole); a guest that never reads
    (heartbeat) cannot hold the console: after a second its input is
    dropped and counted, and Ctrl-] still moves the focus away."""
    cfg = config(ctx, [guest_node("deaf", 0x2000000, "mode=heartbeat"),
                       guest_node("echo", 0x2000000)])
    m = ctx.machine(config=cfg)
    boot_to_ready(m)
    expect_all(m, [r"\[deaf\] heartbeat: start", r"\[echo\] demo: ready"])
    m.send("\x1d")
    m.expect(r"\[focus: deaf\]", 10)
    m.send(b"x" * 300 + b"\x1d")          # far more than its 64-byte ring
    m.expect(r"\[focus: echo\]", 20)
    # 3 lines of 100 digits (the guest keeps up to 128 a line), 303 bytes
    # sent at once: far more than the 64-byte ring.
    lines = ["".join("%03d" % (i + 100 * k) for i in range(34))[:100] for k in range(3)]
    m.send("".join(l + "\r" for l in lines))
    for _ in lines:     # each expect consumes one whole echoed line
        m.expect(r"\[echo\] demo: you typed '[^'\n]*'", 20)
    typed = re.findall(r"\[echo\] demo: you typed '([^'\n]*)'", m.output)
    assert typed == lines, "echo lost input: %r" % typed
    m.send("\x1d")
    m.expect(r"\[focus: hypervisor", 10)
    m.sendline("guests")
    m.expect(r"guest 2 echo [^\n]*\n", 10)
    out = m.output
    deaf = int(field(out, r"guest 1 deaf running [^\n]* input-dropped (\d+)"))
    echo = int(field(out, r"guest 2 echo running [^\n]* input-dropped (\d+)"))
    assert deaf == 300 - 64, "deaf guest dropped %d bytes, not 236" % deaf
    assert echo == 0, "echo guest dropped %d bytes" % echo
    poweroff(m)
