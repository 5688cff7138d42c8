"""The debug shell over the serial socket: after a guest has set up its
tables and links (the conformance guest running a short script), every
command's output is checked against that state; then the line editor
(completion, history, over-long lines, errors), 1 MiB of random bytes, and
power-off."""

import random
import re

from tcevisor_qemu import OP_HCALL, script_blob
from testlib import boot_to_ready, expect_all, host_base

PUT, STUFF = 0x20, 0x138
LIOBN0, LIOBN1 = 0x80000010, 0x80000011
W1 = 1 << 59


def start(ctx, smp=2):
    blob = script_blob((OP_HCALL,) + c for c in (
        (PUT, LIOBN0, 0x1000, 0x100003), (PUT, LIOBN0, 0x2000, 0x101001),
        (PUT, LIOBN0, 0x3000, 0x102002), (PUT, LIOBN1, W1 + 0x10000, 0x200003),
        (STUFF, LIOBN0, 0x10000, 0x300003, 5)))
    dts = ('/dts-v1/;\n/ { compatible = "tcevisor,config";\nguests {\n'
           'conf { memory = <0x10000000>; image = "testguest"; bootargs = "mode=script";\n'
           'pci-devices = "0000:01:00.0", "0001:01:00.0"; script = [%s];\n'
           'dma-window-0 { size = <0x10000000>; page-shift = <12>; };\n'
           'dma-window-1 { size = <0x4 0x0>; page-shift = <16>; levels = <2>; }; };\n'
           'demo { memory = <0x2000000>; image = "testguest"; bootargs = "mode=demo";\n'
           'dma-window-0 { size = <0x200000>; page-shift = <12>; }; };\n'
           '}; };\n' % blob.hex())
    m = ctx.machine(config=ctx.config(dts), smp=smp,
                    devices=["edu,bus=pcie.0,addr=0.0", "edu,bus=pcie.1,addr=0.0"])
    boot_to_ready(m)
    expect_all(m, [r"tcevisor: guest conf stopped: powered off", r"\[demo\] demo: ready"])
    base = host_base(m, "conf", gid=1, mib=256)
    return m, base


def cmd(m, line, pattern, timeout=10):
    """Type a command; wait for pattern and the rest of its line; return
    the output since typing."""
    begin = len(m.output)
    m.sendline(line)
    m.expect("(?:%s)[^\n]*\n" % pattern, timeout)
    return m.output[begin:]


def test_shell_commands_match_state(ctx):
    m, base = start(ctx)
    assert re.search(r"tcevisor \d+\.\d+\.\d+ \(", cmd(m, "version", r"tcevisor \d"))
    out = cmd(m, "cpus", r"cpu 1 pir \d+ vcpus \d+")
    assert "cpu 0 pir" in out
    out = cmd(m, "mem", r"tce-pool \d+ KiB used of 65536 KiB")
    assert "ram 1024 MiB" in out
    out = cmd(m, "tables", r"table 2 liobn 0x80000020 guest demo[^\n]*\n")
    assert re.search(r"pool \d+ KiB used of 65536 KiB, 3 table\(s\), 4 link\(s\)", out), out
    assert re.search(r"table 0 liobn 0x80000010 guest conf bus 0x0 size 0x10000000 page 4K "
                     r"hw 4K levels 1 at 0x[0-9a-f]+ valid 8 groups [01],[01] updates 4 ", out), out
    assert re.search(r"table 1 liobn 0x80000011 guest conf bus 0x800000000000000 size "
                     r"0x400000000 page 64K hw 64K levels 2 at 0x[0-9a-f]+ valid 1 groups [01],[01] updates 1",
                     out), out
    assert re.search(r"table 2 liobn 0x80000020 guest demo .* valid 0 groups - ", out), out
    out = cmd(m, "groups", r"group 1 [^\n]*\n")
    assert re.search(r"group 0 phb0:0 pe 1 dev 0000:01:00.0 window0 table 0 window1 table 1 "
                     r"updates 5 kills pe 7 range 0 errors 0", out), out
    assert re.search(r"group 1 phb0:1 pe 1 dev 0001:01:00.0 window0 table 0 window1 table 1",
                     out), out
    out = cmd(m, "links", r"\d+ link\(s\)")
    assert len(re.findall(r"^link table [01] -> group [01] \(phb0:[01] pe 1\) window [01]\r?$",
                          out, re.M)) == 4, out
    out = cmd(m, "phb", r"phb0:5 [^\n]*\n")
    assert len(re.findall(r"^phb0:\d phb4 pes \d+ kill-threshold 0", out, re.M)) == 6, out
    assert re.search(r"pe 1 group 0 dev 0000:01:00.0 1234:11e8 window0 table 0 window1 table 1",
                     out), out
    out = cmd(m, "tce 0x80000010 0x1000 3", r"ioba 0x3000 [^\n]*\n")
    for ioba, gpa, perm, name in ((0x1000, 0x100000, 3, "RW"), (0x2000, 0x101000, 1, "R-"),
                                  (0x3000, 0x102000, 2, "-W")):
        assert "tce table 0 ioba 0x%x guest 0x%x hw 0x%x %s" % (
            ioba, gpa | perm, (base + gpa) | perm, name) in out, out
    out = cmd(m, "tce 1 0x800000000010000", r"ioba [^\n]*\n")
    assert "guest 0x200003 hw 0x%x RW" % ((base + 0x200000) | 3) in out, out
    out = cmd(m, "guests", r"guest 2 demo running[^\n]*\n")
    assert re.search(r"guest 1 conf stopped vcpus 1 mem 256 MiB .*: powered off", out), out
    out = cmd(m, "stats", r"kills group 1 [^\n]*\n")
    assert re.search(r"hcall 0x20 H_PUT_TCE calls 4 success 4 ", out), out
    assert re.search(r"hcall 0x138 H_STUFF_TCE calls 1 success 1 ", out), out
    out = cmd(m, "log", r"event\(s\) logged")
    assert "guest conf started" in out and "guest conf stopped: powered off" in out, out
    m.sendline("poweroff")
    assert m.wait_exit(30) == 0


def test_shell_link_unlink_kill(ctx):
    m, base = start(ctx)
    out = cmd(m, "link 2 0 0", r"error: [^\n]*\n")
    assert "table 2 belongs to running guest demo; add 'force'" in out, out
    out = cmd(m, "link 2 0 0 force", r"error: [^\n]*\n")
    assert "error: link: busy" in out, out
    # conf has stopped: its tables may be rearranged
    out = cmd(m, "unlink 0 1", r"unlinked table 0 from group 1|error")
    assert "unlinked table 0 from group 1" in out, out
    assert "3 link(s)" in cmd(m, "links", r"\d+ link\(s\)")
    assert "linked table 0 to group 1 window 0" in cmd(m, "link 0 1 0", r"linked|error")
    assert "4 link(s)" in cmd(m, "links", r"\d+ link\(s\)")
    assert "killed group 0" in cmd(m, "kill 0", r"killed|error")
    out = cmd(m, "unlink 7 0", r"error: [^\n]*\n")
    assert "error: no table 7 (a table id or a LIOBN: see tables)" in out, out
    out = cmd(m, "kill 99", r"error: [^\n]*\n")
    assert "error: no group 99 (see groups)" in out, out
    out = cmd(m, "link 0", r"error: [^\n]*\n")
    assert "error: missing GROUP" in out, out
    m.sendline("poweroff")
    assert m.wait_exit(30) == 0


def test_shell_line_editing_and_errors(ctx):
    m, _ = start(ctx, smp=1)
    assert "error: unknown command 'frobnicate' (try help)" in cmd(m, "frobnicate", r"error")
    assert "error: bad number 'zz' for IOBA" in cmd(m, "tce 0 zz", r"error[^\n]*\n")
    assert "error: line longer than 127 characters; ignored" in \
        cmd(m, "x" * 300, r"error: line longer[^\n]*\n")
    out = cmd(m, "help tce", r"decoded TCEs")
    assert "TABLE|LIOBN IOBA [COUNT]" in out
    # completion: a unique prefix completes, an ambiguous one lists
    begin = len(m.output)
    m.send("vers\t\r")
    m.expect(r"tcevisor \d+\.\d+\.\d+ \(", 10)
    m.send("t\t")
    m.expect(r"tables tce", 10)
    m.send("\x15")          # Ctrl-U drops the half-typed line
    # history: up arrow brings back "version"
    m.send("\x1b[A\r")
    m.expect(r"tcevisor \d+\.\d+\.\d+ \(", 10)
    # Ctrl-C abandons a line
    m.send("poweroff\x03")
    m.expect(r"\^C", 10)
    assert m.proc.poll() is None
    assert "tcevisor" in m.output[begin:]
    m.sendline("poweroff")
    assert m.wait_exit(30) == 0


def test_shell_survives_random_bytes(ctx):
    m, _ = start(ctx, smp=1)
    rnd = random.Random(20261121)
    junk = bytes(rnd.getrandbits(8) for _ in range(1 << 20))
    for i in range(0, len(junk), 4096):
        m.send(junk[i:i + 4096])
    # Ctrl-] (0x1d) is in the junk too: each one moves the console focus.
    # A marker line tells when the junk is used up and who has the focus:
    # the shell says it is an unknown command, the demo guest echoes it.
    m.send("\x03MARKER7731\r")
    who = m.expect(r"(unknown command 'MARKER7731'|you typed '[^\n]*MARKER7731)", 300).group(1)
    if who.startswith("you typed"):
        m.send("\x1d")
        m.expect(r"\[focus: hypervisor", 30)
    m.send("\x03")
    m.sendline("version")
    m.expect(r"tcevisor \d+\.\d+\.\d+ \(", 30)
    m.sendline("guests")
    m.expect(r"guest 2 demo (running|stopped)", 30)
    m.sendline("poweroff")
    assert m.wait_exit(60) == 0
