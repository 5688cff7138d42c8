"""Helpers shared by the system tests (tests/system/test_*.py)."""

import os
import re
import shutil
import subprocess

from tcevisor_qemu import Machine, QemuError, compile_dts, pseries  # noqa: F401

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


class TestContext:
    """Per-test working directory and QEMU machines that are always killed."""

    def __init__(self, name, build):
        self.name = name
        self.build = build
        self.workdir = os.path.join(build, "tests", re.sub(r"[^A-Za-z0-9_.-]", "_", name))
        shutil.rmtree(self.workdir, ignore_errors=True)
        os.makedirs(self.workdir)
        self.machines = []

    def _add(self, make, **kw):
        kw.setdefault("workdir", os.path.join(self.workdir, "m%d" % len(self.machines)))
        m = make(**kw)
        self.machines.append(m)
        return m

    def machine(self, **kw):
        kw.setdefault("image", os.path.join(self.build, "tcevisor.bin"))
        return self._add(Machine, **kw)

    def pseries(self, append=None, **kw):
        """The test guest on QEMU pseries (tcevisor_qemu.pseries)."""
        return self._add(pseries, build=self.build, append=append, **kw)

    def config(self, dts_text, name="config"):
        """Compile a configuration DTS into a .dtb for Machine(config=...)."""
        return compile_dts(dts_text, os.path.join(self.workdir, name + ".dtb"),
                           include_dirs=[os.path.join(ROOT, "configs")])

    def cleanup(self):
        for m in self.machines:
            m.kill()


def guest_symbol(ctx, name):
    """The address of a symbol of the test guest (build/guest/testguest.elf)."""
    out = subprocess.run(["powerpc64le-linux-gnu-nm",
                          os.path.join(ctx.build, "guest", "testguest.elf")],
                         capture_output=True, text=True, check=True).stdout
    m = re.search(r"^([0-9a-f]+) \w %s$" % name, out, re.M)
    assert m, name
    return int(m.group(1), 16)


def boot_to_ready(m, timeout=30):
    """Start m and wait for the ready line; returns the console text so far."""
    m.start()
    m.expect(r"tcevisor: ready", timeout)
    return m.output


def poweroff(m, timeout=30):
    """Ask the debug shell to power off; assert QEMU exits with status 0.
    (The prompt may be long scrolled away by guest output: just type.)"""
    m.sendline("poweroff")
    rc = m.wait_exit(timeout)
    assert rc == 0, "QEMU exit status %s after poweroff" % rc


def expect_all(m, patterns, timeout=30):
    """Wait until every regex in patterns has appeared, in any order."""
    import time
    deadline = time.time() + timeout
    while True:
        out = m.output
        missing = [p for p in patterns if not re.search(p, out)]
        if not missing:
            return out
        if time.time() > deadline:
            raise AssertionError("never saw %r in:\n%s" % (missing, out[-3000:]))
        time.sleep(0.1)


def host_base(m, name, gid=r"\d+", mib=r"\d+"):
    """Where guest `name`'s RAM starts in host memory, from tcevisor's
    "guest NAME: id ID, N MiB at 0x..." boot line; gid and mib, if given,
    must match too."""
    return int(field(m.output, r"guest %s: id %s, %s MiB at (0x[0-9a-f]+)" % (name, gid, mib)),
               16)


def field(text, pattern):
    """The first group of pattern in text, or fail."""
    m = re.search(pattern, text)
    assert m, "no match for %r in:\n%s" % (pattern, text[-2000:])
    return m.group(1)
