"""Reading QEMU's `-trace memory_region_ops_write` log.

The log holds every MMIO write in order: the UART's data register (each
console byte) as well as the PHBs' registers. Replaying the UART bytes
rebuilds the console text, so writes to other registers can be placed
between console lines, whatever QEMU's own buffering of its log.
"""

import re

TRACE_RX = re.compile(r"^memory_region_ops_write cpu \d+ mr 0x[0-9a-f]+ addr 0x([0-9a-f]+) "
                      r"value 0x([0-9a-f]+) size (\d+) name '([^']*)'", re.M)

UART_DATA = 0x3f8
TCE_KILL = 0x210
DMARD_SYNC = 0x200      # PHB4: the write that starts a kill's completion handshake


def is_tce_kill(addr, name):
    """A write to a PHB's TCE_KILL register: PHB4 regions are named
    phb4-<chip>.<index>-regs and 1 MiB apart; every PHB3 is phb3-regs,
    4 KiB of registers each."""
    if re.match(r"phb4-\d+\.\d+-regs$", name):
        return (addr & 0xfffff) == TCE_KILL
    if name == "phb3-regs":
        return (addr & 0xfff) == TCE_KILL
    return False


def is_dmard_sync(addr, name):
    """A write to a PHB4's DMARD_SYNC register (PHB3 has none: its
    completion is a read, which the write trace does not show)."""
    return bool(re.match(r"phb4-\d+\.\d+-regs$", name)) and (addr & 0xfffff) == DMARD_SYNC


def kill_kind(value):
    return {4: "all", 2: "pe", 1: "one"}.get(value >> 61, "bad")


def events(log, syncs=False, writes=False):
    """Yield ("line", text) for each console line and ("kill", (name, addr,
    value)) for each TCE kill write, in the order they happened; with
    syncs, also ("sync", (name, addr, value)) for each PHB4 DMARD_SYNC
    write; with writes, also ("write", (name, addr, value)) for every other
    write (any register of any region but the UART's data)."""
    line = []
    for a, v, _, name in TRACE_RX.findall(log):
        addr, val = int(a, 16), int(v, 16)
        if name == "serial" and addr == UART_DATA:
            if val == 0x0a:
                yield "line", "".join(line).rstrip("\r")
                line = []
            else:
                line.append(chr(val & 0x7f))
        elif is_tce_kill(addr, name):
            yield "kill", (name, addr, val)
        elif syncs and is_dmard_sync(addr, name):
            yield "sync", (name, addr, val)
        elif writes:
            yield "write", (name, addr, val)
