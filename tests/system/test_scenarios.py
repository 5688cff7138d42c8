"""The TCE conformance suite: every tests/scenarios/*.scn file through the
scenario runner (scripts/run-scenario), which judges every step from the
guest's own report and counts kills from QEMU's trace."""

import glob
import os
import re
import subprocess

from testlib import ROOT


def _run(ctx, path):
    p = subprocess.run([os.path.join(ROOT, "scripts", "run-scenario"), path,
                        "--build", ctx.build, "--workdir", os.path.join(ctx.workdir, "run")],
                       capture_output=True, text=True, timeout=600)
    summary = re.search(r"^(\d+) passed, (\d+) failed$", p.stdout, re.M)
    assert summary, p.stdout + p.stderr
    assert p.returncode == 0 and summary.group(2) == "0", p.stdout + p.stderr
    assert int(summary.group(1)) > 0, p.stdout


def _make(path):
    def test(ctx):
        _run(ctx, path)
    return test


for _path in sorted(glob.glob(os.path.join(ROOT, "tests", "scenarios", "*.scn"))):
    _name = "test_" + re.sub(r"\W", "_", os.path.basename(_path)[:-4])
    globals()[_name] = _make(_path)
    globals()[_name].__name__ = _name
