"""NVMe sequential read inside a guest, through TCEs the guest maps per
I/O: MiB/s (guest timebase: wall time under TCG, a ratio only) and TCE
hypercalls per MiB, with 4 KiB and 64 KiB IOMMU pages, H_PUT_TCE per page
against H_PUT_TCE_INDIRECT. Each I/O of CHUNK bytes maps its buffer, reads,
and unmaps it with H_STUFF_TCE, as an OS driver does."""

import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "scripts"))
import tcevisor_qemu  # noqa: E402
from tcevisor_qemu import OP_NVME_BENCH, OP_NVME_INIT  # noqa: E402

TOTAL = 16 << 20
CHUNK = 128 << 10


def _blob(indirect):
    """NVMe init, then the benchmark: device 0, TOTAL bytes in CHUNK I/Os
    into a buffer at guest address 0x800000 (step_nvme_bench, tests/guest/nvme.c)."""
    return tcevisor_qemu.script_blob([(OP_NVME_INIT, 0),
                                      (OP_NVME_BENCH, 0, indirect, TOTAL, CHUNK, 0x800000)]).hex()


def _run(build, workdir, shift, indirect):
    name = "nvme-%d-%s" % (shift, "indirect" if indirect else "put")
    wd = os.path.join(workdir, name)
    os.makedirs(wd, exist_ok=True)
    disk = os.path.join(wd, "disk.img")
    with open(disk, "wb") as f:
        f.truncate(16 << 20)
    dts = ('/dts-v1/;\n/ { compatible = "tcevisor,config"; bootargs = "exit-when-done slice=0";\n'
           'guests { n { memory = <0x4000000>; image = "testguest"; bootargs = "mode=script";\n'
           'pci-devices = "0000:01:00.0"; script = [%s];\n'
           'dma-window-0 { size = <0x10000000>; page-shift = <%d>; }; }; }; };\n'
           % (_blob(indirect), shift))
    cfg = tcevisor_qemu.compile_dts(dts, os.path.join(wd, "cfg.dtb"))
    m = tcevisor_qemu.Machine(machine="powernv9", config=cfg, guest_errors=False,
                              devices=["nvme,serial=bench,drive=nv0,bus=pcie.0"],
                              extra=["-drive", "file=%s,if=none,id=nv0,format=raw" % disk],
                              workdir=os.path.join(wd, "qemu"),
                              image=os.path.join(build, "tcevisor.bin"))
    with m:
        rc = m.wait_exit(600)
    if rc != 0:
        raise RuntimeError("%s: QEMU exit status %s:\n%s" % (name, rc, m.output[-2000:]))
    r = re.search(r"nvme bench bytes=(\d+) ticks=(\d+) hcalls=(\d+)", m.output)
    if not r:
        raise RuntimeError("no nvme bench line:\n" + m.output[-2000:])
    nbytes, ticks, calls = (int(x) for x in r.groups())
    mib = nbytes / (1 << 20)
    return mib / (ticks / 512e6), calls / mib


def rows(build, workdir):
    out = []
    for shift in (12, 16):
        for indirect in (0, 1):
            mibs, per = _run(build, workdir, shift, indirect)
            out.append(("%s IOMMU pages, map with %s" % ("4 KiB" if shift == 12 else "64 KiB",
                                                         "H_PUT_TCE_INDIRECT" if indirect
                                                         else "H_PUT_TCE per page"),
                        "%.1f MiB/s" % mibs, "%.1f" % per))
    return out
