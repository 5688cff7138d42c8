"""Helpers shared by the system tests (tests/system/test_*.py)."""

import os
import re
import shutil

from tcevisor_qemu import Machine, QemuError, compile_dts  # noqa: F401

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

    def machine(self, **kw):
        n = len(self.machines)
        kw.setdefault("workdir", os.path.join(self.workdir, "m%d" % n))
        kw.setdefault("image", os.path.join(self.build, "tcevisor.bin"))
        m = Machine(**kw)
        self.machines.append(m)
        return m

    def config(self, dts_text, name="config"):
        """Compile a configuration DTS into a .dtb for Machine(config=...)."""
        return compile_dts(dts_text, os.path.join(self.workdir, name + ".dtb"),
                           include_dirs=[os.path.join(ROOT, "configs")])

    def cleanup(self):
        for m in self.machines:
            m.kill()


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


def field(text, pattern):
    """The first group of pattern in text, or fail."""
    m = re.search(pattern, text)
    assert m, "no match for %r in:\n%s" % (pattern, text[-2000:])
    return m.group(1)
