#!/bin/sh
# Fail if the image contains any floating-point, VMX or VSX instruction.
# usage: check-fp.sh OBJDUMP ELF
set -eu
OBJDUMP=$1
ELF=$2
bad=$("$OBJDUMP" -d --no-show-raw-insn "$ELF" |
	awk -F'\t' 'NF >= 2 && $1 ~ /^ *[0-9a-f]+:$/ { split($2, m, " "); print $1 " " m[1] }' |
	grep -E ' (lfs|lfd|stfs|stfd|lfiw|stfiw|mffs|mtfs|lv|stv|lx|stx|mfvsr|mtvsr|mfvscr|mtvscr|f[a-z]|v[a-z]|x[svx][a-z])[a-z0-9.]*$' |
	grep -Ev ' (mffscr|mtfscr)$' || true)
# (mffscr/mtfscr are objdump's names for mfspr/mtspr of the FSCR SPR, which
# the hypervisor switches for guests: not floating point.)
if [ -n "$bad" ]; then
	echo "check-fp: FP/VMX/VSX instructions in $ELF:" >&2
	echo "$bad" | head -20 >&2
	exit 1
fi
echo "  CHECK   no FP/VMX/VSX in $(basename "$ELF")"
