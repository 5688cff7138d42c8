"""Start tcevisor under QEMU powernv and talk to it from outside.

Used by `make run` (scripts/run-qemu), the system tests (tests/system) and
the benchmarks (bench/). Only Python's standard library.

The serial console is a Unix socket with server=on,wait=on: QEMU does not
start the machine until we are connected, so no early byte is lost
(boot-and-guest.md §2.2). QMP is a second socket, for reading guest memory
from outside (`xp`, `pmemsave`). QEMU's own logs (-d guest_errors and
-trace memory_region_ops_write) go to a file the test reads afterwards.
"""

import json
import os
import re
import shutil
import signal
import socket
import struct
import subprocess
import tempfile
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
QEMU = "qemu-system-ppc64"
DEFAULT_IMAGE = os.path.join(ROOT, "build", "tcevisor.bin")


def compile_dts(dts_text, out_path, include_dirs=()):
    """Compile DTS source text to a .dtb with dtc; returns out_path."""
    src = out_path + ".dts"
    with open(src, "w") as f:
        f.write(dts_text)
    cmd = ["dtc", "-q", "-I", "dts", "-O", "dtb", "-o", out_path, src]
    for d in include_dirs:
        cmd[1:1] = ["-i", d]
    subprocess.run(cmd, check=True)
    return out_path


class QemuError(Exception):
    pass


# The test guest's script ops (mode=script; tests/guest/script.c is the
# authority, the format is in tests/guest/README.md).
(OP_HCALL, OP_WRITE64, OP_NOTE, OP_EDU, OP_NVME_WRITE, OP_NVME_READ, OP_NVME_INIT,
 OP_STORM, OP_CFGREAD, OP_CFGWRITE, OP_NVME_RAW, OP_NVME_BENCH) = range(1, 13)


def script_blob(records):
    """The bytes of a /chosen/tcevisor,script property: for each record
    (op, arg, ...) a header word op << 32 | number of args, then the args;
    every word a big-endian u64 (negative values wrap)."""
    words = []
    for op, *args in records:
        words.append(op << 32 | len(args))
        words.extend(args)
    return b"".join(struct.pack(">Q", w & 0xffffffffffffffff) for w in words)


def nvme_disk(path, size=16 << 20, bus="pcie.2", serial="tcevisor0"):
    """(devices, extra) adding an NVMe controller on `bus` backed by a raw
    disk image at path, created (sparse, zero) if it does not exist."""
    if not os.path.exists(path):
        os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
        with open(path, "wb") as f:
            f.truncate(size)
    return (["nvme,serial=%s,drive=nv0,bus=%s" % (serial, bus)],
            ["-drive", "file=%s,if=none,id=nv0,format=raw" % path])


def pseries(build, append=None, image=None, **kw):
    """A Machine for the test guest (build/guest) on QEMU's own pseries:
    the guest as -bios, bootargs through -append (QEMU only takes that with
    a -kernel ELF: the never-run dummy-kernel.elf). kw: further Machine
    arguments (smp, devices, workdir, guest_errors, ...)."""
    g = os.path.join(build, "guest")
    return Machine(machine="pseries", nodefaults=True,
                   image=image or os.path.join(g, "testguest.bin"),
                   config=os.path.join(g, "dummy-kernel.elf"), append=append, **kw)


class Machine:
    """One QEMU run: tcevisor on powernv, or any -bios image on another
    machine (the test guest on pseries: machine="pseries", image=the guest,
    nodefaults=True, config=an ELF).

    machine:   powernv8 | powernv9 | powernv10 | pseries (-M)
    image:     the -bios image
    config:    path passed with -kernel (a .dtb for tcevisor; pseries needs
               an ELF there), or None
    append:    boot options (-append; needs a config, as QEMU needs -kernel)
    nodefaults: add -nodefaults (no default devices: pseries would add a
               VGA, USB and a network card)
    devices:   list of -device argument strings
    extra:     further QEMU arguments
    trace:     record -trace memory_region_ops_write in the log
    icount:    run with -icount shift=0 (exact instruction counts)
    """

    def __init__(self, machine="powernv9", smp=1, mem="1G", config=None,
                 append=None, devices=(), extra=(), trace=False,
                 guest_errors=True, icount=False, image=DEFAULT_IMAGE,
                 workdir=None, name="run", nodefaults=False):
        self.machine = machine
        self.nodefaults = nodefaults
        self.smp = smp
        self.mem = mem
        self.config = config
        self.append = append
        self.devices = list(devices)
        self.extra = list(extra)
        self.trace = trace
        self.guest_errors = guest_errors
        self.icount = icount
        self.image = image
        self.name = name
        self._own_workdir = workdir is None
        self.workdir = workdir or tempfile.mkdtemp(prefix="tcevisor-")
        os.makedirs(self.workdir, exist_ok=True)
        # Unix socket paths are limited to ~108 bytes: keep them short.
        self._sockdir = tempfile.mkdtemp(prefix="tv-")
        self.serial_path = os.path.join(self._sockdir, "s")
        self.qmp_path = os.path.join(self._sockdir, "q")
        self.log_path = os.path.join(self.workdir, "qemu.log")
        self.console_path = os.path.join(self.workdir, "console.log")
        self.proc = None
        self.sock = None
        self.qmp_sock = None
        self._qmp_buf = b""
        self._buf = bytearray()
        self._pos = 0
        self._cv = threading.Condition()
        self._reader = None
        self._eof = False
        self.returncode = None

    # -- command line ----------------------------------------------------
    def command(self, serial=None):
        cmd = [QEMU, "-M", self.machine, "-m", self.mem,
               "-bios", self.image, "-display", "none", "-no-reboot"]
        if self.nodefaults:
            cmd += ["-nodefaults"]
        if self.smp > 1:
            cmd += ["-smp", "%d,threads=1" % self.smp]
        if serial is None:
            cmd += ["-monitor", "none",
                    "-serial", "unix:%s,server=on,wait=on" % self.serial_path,
                    "-qmp", "unix:%s,server=on,wait=off" % self.qmp_path]
        else:
            cmd += serial
        if self.config:
            cmd += ["-kernel", self.config]
            if self.append:
                cmd += ["-append", self.append]
        for d in self.devices:
            cmd += ["-device", d]
        dflags = []
        if self.guest_errors:
            dflags.append("guest_errors")
        if dflags or self.trace:
            cmd += ["-D", self.log_path]
        if dflags:
            cmd += ["-d", ",".join(dflags)]
        if self.trace:
            cmd += ["-trace", "memory_region_ops_write"]
        if self.icount:
            cmd += ["-icount", "shift=0"]
        return cmd + self.extra

    # -- lifetime ----------------------------------------------------------
    def start(self, timeout=20):
        cmd = self.command()
        with open(os.path.join(self.workdir, "cmdline"), "w") as f:
            f.write(" ".join(cmd) + "\n")
        self._stderr = open(os.path.join(self.workdir, "qemu.stderr"), "w+")
        self.proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL,
                                     stdout=self._stderr, stderr=self._stderr,
                                     start_new_session=True)
        deadline = time.time() + timeout
        while True:
            try:
                s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                s.connect(self.serial_path)
                self.sock = s
                break
            except OSError:
                s.close()
                if self.proc.poll() is not None:
                    raise QemuError("QEMU exited at start: %s" % self.stderr())
                if time.time() > deadline:
                    raise QemuError("QEMU serial socket never appeared")
                time.sleep(0.02)
        self._reader = threading.Thread(target=self._read_loop, daemon=True)
        self._reader.start()
        return self

    def _read_loop(self):
        with open(self.console_path, "wb") as log:
            while True:
                try:
                    data = self.sock.recv(65536)
                except OSError:
                    data = b""
                if not data:
                    with self._cv:
                        self._eof = True
                        self._cv.notify_all()
                    return
                log.write(data)
                log.flush()
                with self._cv:
                    self._buf += data
                    self._cv.notify_all()

    def stderr(self):
        try:
            self._stderr.seek(0)
            return self._stderr.read()
        except (OSError, AttributeError, ValueError):
            return ""

    def kill(self):
        if self.proc and self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            self.proc.wait()
        self.returncode = self.proc.returncode if self.proc else None
        self.close()

    def close(self):
        for s in (self.sock, self.qmp_sock):
            if s:
                try:
                    s.close()
                except OSError:
                    pass
        self.sock = self.qmp_sock = None
        shutil.rmtree(self._sockdir, ignore_errors=True)

    def wait_exit(self, timeout=30):
        """Wait for QEMU to exit on its own; returns its status. On timeout
        QEMU is killed and QemuError raised."""
        try:
            self.returncode = self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.kill()
            raise QemuError("QEMU did not exit within %ss" % timeout)
        if self._reader:
            self._reader.join(timeout=2)
        self.close()
        return self.returncode

    def __enter__(self):
        """with Machine(...) as m: started, and killed on the way out (also
        when start() itself fails with QEMU already running)."""
        try:
            return self.start()
        except BaseException:
            self.kill()
            raise

    def __exit__(self, *exc):
        self.kill()
        return False

    # -- console -------------------------------------------------------------
    @property
    def output(self):
        with self._cv:
            return self._buf.decode("utf-8", "replace")

    def expect(self, pattern, timeout=30):
        """Wait until `pattern` (a regex) matches console output after the
        previous match; returns the match. Raises QemuError on timeout or
        if QEMU exits first."""
        rx = re.compile(pattern.encode() if isinstance(pattern, str) else pattern)
        deadline = time.time() + timeout
        with self._cv:
            while True:
                m = rx.search(self._buf, self._pos)
                if m:
                    self._pos = m.end()
                    return _TextMatch(m)
                left = deadline - time.time()
                if left <= 0 or self._eof:
                    tail = self._buf[-600:].decode("utf-8", "replace")
                    why = "QEMU exited" if self._eof else "timeout"
                    raise QemuError("%s waiting for %r; console tail:\n%s"
                                    % (why, pattern, tail))
                self._cv.wait(min(left, 0.5))

    def send(self, data):
        if isinstance(data, str):
            data = data.encode()
        self.sock.sendall(data)

    def sendline(self, line):
        self.send(line + "\r")

    # -- QMP -------------------------------------------------------------------
    def _qmp_connect(self):
        if self.qmp_sock:
            return
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.settimeout(30)
        s.connect(self.qmp_path)
        self.qmp_sock = s
        self._qmp_recv()                          # greeting
        self.qmp("qmp_capabilities")

    def _qmp_recv(self):
        while b"\n" not in self._qmp_buf:
            data = self.qmp_sock.recv(65536)
            if not data:
                raise QemuError("QMP connection closed")
            self._qmp_buf += data
        line, self._qmp_buf = self._qmp_buf.split(b"\n", 1)
        return json.loads(line)

    def qmp(self, command, **args):
        self._qmp_connect()
        msg = {"execute": command}
        if args:
            msg["arguments"] = args
        self.qmp_sock.sendall(json.dumps(msg).encode() + b"\n")
        while True:
            reply = self._qmp_recv()
            if "return" in reply:
                return reply["return"]
            if "error" in reply:
                raise QemuError("QMP %s: %s" % (command, reply["error"]))
            # an asynchronous event: ignore

    def hmp(self, command_line):
        return self.qmp("human-monitor-command", **{"command-line": command_line})

    def read_phys(self, addr, length):
        """Bytes of guest-physical (machine) memory, read by QEMU itself."""
        path = os.path.join(self.workdir, "pmem-%x.bin" % addr)
        self.qmp("pmemsave", val=addr, size=length, filename=path)
        with open(path, "rb") as f:
            data = f.read()
        os.unlink(path)
        return data

    def quit(self, timeout=10):
        """Ask QEMU to exit through QMP (useful with -no-shutdown, where a
        guest power-off only stops the VM) and wait for it: QEMU's log is
        complete once it has exited. Returns the exit status."""
        try:
            self.qmp("quit")
        except (QemuError, OSError):
            pass                                  # QEMU may close first
        return self.wait_exit(timeout)

    def log(self):
        """QEMU's -d/-trace log so far."""
        try:
            with open(self.log_path, errors="replace") as f:
                return f.read()
        except FileNotFoundError:
            return ""


class _TextMatch:
    """A bytes regex match with str groups."""

    def __init__(self, m):
        self._m = m

    def group(self, *i):
        g = self._m.group(*i)
        if isinstance(g, tuple):
            return tuple(x.decode("utf-8", "replace") if x is not None else None for x in g)
        return g.decode("utf-8", "replace") if g is not None else None

    def groups(self):
        return tuple(x.decode("utf-8", "replace") if x is not None else None
                     for x in self._m.groups())
