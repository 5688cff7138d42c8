"""Foundation: boot on powernv8/9/10, the startup report, parking, clean
power-off, and the exception dump. Everything is checked from outside:
console text, QEMU's exit status and QMP's view of the CPUs."""

import os
import re
import subprocess

from testlib import boot_to_ready, field, poweroff, ROOT


def test_powernv9_report(ctx):
    m = ctx.machine(machine="powernv9", smp=2, mem="2G")
    out = boot_to_ready(m)
    assert re.search(r"tcevisor \d+\.\d+\.\d+ \(", out), out
    assert field(out, r"machine: .*\[(qemu,powernv9)\]")
    assert field(out, r"cpu: (POWER9) \(PVR 0x004e") == "POWER9"
    assert field(out, r"(\d+) CPUs in the device tree") == "2"
    assert field(out, r"memory: (\d+) MiB") == "2048"
    assert field(out, r"timebase: (\d+) Hz") == "512000000"
    # UART address translated from the FDT, reached by MMIO on POWER9
    assert field(out, r"console: uart16550 at LPC I/O (0x3f8) \(mmio\)")
    assert field(out, r"secondaries: (\d+) parked") == "1"
    poweroff(m)


def test_powernv9_cpu_counts(ctx):
    """-smp 1/2/4 (threads=1): the report counts the CPUs of the FDT and
    every thread but the boot one is parked."""
    for n in (1, 2, 4):
        m = ctx.machine(machine="powernv9", smp=n)
        out = boot_to_ready(m)
        assert field(out, r"(\d+) CPUs in the device tree") == str(n), out
        assert field(out, r"secondaries: (\d+) parked") == str(n - 1), out
        poweroff(m)


def test_powernv9_two_chips(ctx):
    m = ctx.machine(machine="powernv9", smp=2, extra=["-smp", "2,cores=1,threads=1"])
    out = boot_to_ready(m)
    assert field(out, r"(\d+) chip\(s\)") == "2", out
    assert field(out, r"memory: (\d+) MiB in (?:\d+)") == "1024"
    poweroff(m)


def test_powernv10_boots(ctx):
    m = ctx.machine(machine="powernv10")
    out = boot_to_ready(m)
    assert field(out, r"cpu: (POWER10)") == "POWER10"
    poweroff(m)


def test_powernv8_boots(ctx):
    m = ctx.machine(machine="powernv8")
    out = boot_to_ready(m)
    assert field(out, r"cpu: (POWER8)") == "POWER8"
    # POWER8 has no LPC MMIO window: the UART is reached through XSCOM.
    assert field(out, r"console: uart16550 at LPC I/O 0x3f8 \((xscom-eccb)\)")
    poweroff(m)


def _symbol(ctx, name):
    out = subprocess.run(["powerpc64le-linux-gnu-nm", os.path.join(ctx.build, "tcevisor.elf")],
                         capture_output=True, text=True, check=True).stdout
    m = re.search(r"^([0-9a-f]+) \w %s$" % name, out, re.M)
    assert m, name
    return int(m.group(1), 16)


def test_secondaries_parked_in_stop(ctx):
    """Parked threads sleep in `stop` (QEMU shows their NIP just past it,
    in arch_stop, every time we look), they do not spin."""
    m = ctx.machine(machine="powernv9", smp=4)
    out = boot_to_ready(m)
    assert field(out, r"secondaries: (\d+) parked") == "3"
    boot_pir = int(field(out, r"boot CPU PIR (\d+)"))
    stop_lo = _symbol(ctx, "arch_stop")
    for _ in range(3):
        regs = m.hmp("info registers -a")
        nips = {int(c): int(n, 16) for n, c in
                re.findall(r"NIP ([0-9a-f]+) .*CPU#(\d+)", regs)}
        assert len(nips) == 4, regs
        for n, nip in nips.items():
            if n << 2 == boot_pir:       # POWER9: PIR = core << 2
                continue
            assert stop_lo <= nip < stop_lo + 0x20, \
                "CPU#%d NIP %#x not in arch_stop (%#x)" % (n, nip, stop_lo)
    poweroff(m)


def _crash(ctx, how):
    cfg = ctx.config('/dts-v1/;\n/ { bootargs = "crash=%s"; };\n' % how, "crash-" + how)
    m = ctx.machine(machine="powernv9", config=cfg)
    m.start()
    rc = m.wait_exit(30)
    out = m.output
    assert rc == 0, "QEMU status %s (expected a power-off)" % rc
    assert "unexpected exception in hypervisor" in out, out
    for f in (r"NIA  [0-9a-f]{16}", r"MSR   [0-9a-f]{16}", r"LR   [0-9a-f]{16}",
              r"r0   [0-9a-f]{16}", r"r28  [0-9a-f]{16}", r"DAR  [0-9a-f]{16}",
              r"HDAR [0-9a-f]{16}", r"powering off"):
        assert re.search(f, out), "missing %r in dump:\n%s" % (f, out)
    return out


def test_exception_dump_trap(ctx):
    out = _crash(ctx, "trap")
    assert "vector 0x700 (program): trap" in out, out


def test_exception_dump_illegal(ctx):
    out = _crash(ctx, "illegal")
    assert "vector 0xe40 (hypervisor emulation assistance)" in out, out


def test_exception_dump_alignment(ctx):
    out = _crash(ctx, "align")
    assert "vector 0x600 (alignment)" in out, out
    assert field(out, r"DAR  ([0-9a-f]{16})") == "0000000000001003"


def test_options_from_append(ctx):
    """-append words follow the configuration's bootargs and win."""
    cfg = ctx.config('/dts-v1/;\n/ { bootargs = "a=1 b=2"; };\n')
    m = ctx.machine(machine="powernv9", config=cfg, append="b=3")
    out = boot_to_ready(m)
    assert field(out, r'options: "([^"]*)"') == "a=1 b=2 b=3"
    poweroff(m)


def test_check_fp_rejects_fp(ctx):
    """The build's FP/VMX/VSX scan must fail on an image that has FP code."""
    src = os.path.join(ctx.workdir, "fp.c")
    obj = os.path.join(ctx.workdir, "fp.o")
    with open(src, "w") as f:
        f.write("double f(double a, double b) { return a * b; }\n")
    subprocess.run(["powerpc64le-linux-gnu-gcc", "-O2", "-c", src, "-o", obj], check=True)
    p = subprocess.run([os.path.join(ROOT, "scripts", "check-fp.sh"),
                        "powerpc64le-linux-gnu-objdump", obj],
                       capture_output=True, text=True)
    assert p.returncode != 0, p.stdout + p.stderr
    assert "fmul" in p.stderr, p.stderr
    p = subprocess.run([os.path.join(ROOT, "scripts", "check-fp.sh"),
                        "powerpc64le-linux-gnu-objdump",
                        os.path.join(ctx.build, "tcevisor.elf")],
                       capture_output=True, text=True)
    assert p.returncode == 0, p.stderr


def test_setup_is_idempotent(ctx):
    """With everything installed, setup does nothing and says nothing."""
    p = subprocess.run([os.path.join(ROOT, "scripts", "setup.sh")],
                       capture_output=True, text=True, timeout=60)
    assert p.returncode == 0 and p.stdout == "" and p.stderr == "", p.stdout + p.stderr
