#!/bin/sh
# Install tcevisor's build and test dependencies from Debian's packages.
#
#   setup.sh          what make, make test and make bench need
#   setup.sh --fuzz   the same, plus clang-14 and its libFuzzer runtime
#                     (make fuzz)
#
# Idempotent: when everything is present it only runs dpkg-query and returns
# in well under a second.  Otherwise it adds the ppc64el foreign architecture,
# refreshes the package index (tolerating a partial index failure, which
# apt-get reports as exit 100) and installs only what is missing, without
# recommends (qemu-system-ppc would otherwise pull in a GUI stack).
set -eu

PKGS="gcc-powerpc64le-linux-gnu binutils-powerpc64le-linux-gnu libfdt-dev:ppc64el
newlib-source device-tree-compiler qemu-system-ppc make gcc libc6-dev xz-utils
libcmocka-dev python3 valgrind"
# clang-14 only recommends libclang-rt-14-dev, which holds the fuzzer, ASan
# and UBSan runtimes that -fsanitize=fuzzer,address,undefined links.
FUZZ_PKGS="clang-14 libclang-rt-14-dev"

fuzz=0
for a in "$@"; do
	case "$a" in
	--fuzz) fuzz=1 ;;
	*) echo "usage: $0 [--fuzz]" >&2; exit 2 ;;
	esac
done
[ $fuzz = 0 ] || PKGS="$PKGS $FUZZ_PKGS"

missing=""
for p in $PKGS; do
	st=$(dpkg-query -W -f='${db:Status-Abbrev}' "$p" 2>/dev/null || true)
	case "$st" in
	ii*) ;;
	*) missing="$missing $p" ;;
	esac
done

check() {
	ok=1
	for f in /usr/bin/powerpc64le-linux-gnu-gcc /usr/lib/powerpc64le-linux-gnu/libfdt.a \
		/usr/include/libfdt.h /usr/bin/qemu-system-ppc64 /usr/bin/dtc /usr/bin/python3; do
		[ -e "$f" ] || { echo "setup: missing $f" >&2; ok=0; }
	done
	ls /usr/src/newlib/newlib-*.tar.xz >/dev/null 2>&1 ||
		{ echo "setup: missing /usr/src/newlib/newlib-*.tar.xz" >&2; ok=0; }
	for f in /usr/bin/valgrind /usr/include/valgrind/callgrind.h; do
		[ -e "$f" ] || { echo "setup: missing $f" >&2; ok=0; }
	done
	if [ $fuzz = 1 ]; then
		[ -e /usr/bin/clang-14 ] || { echo "setup: missing /usr/bin/clang-14" >&2; ok=0; }
		ls /usr/lib/llvm-14/lib/clang/*/lib/linux/libclang_rt.fuzzer-x86_64.a \
			>/dev/null 2>&1 ||
			{ echo "setup: missing clang-14's libclang_rt.fuzzer" >&2; ok=0; }
	fi
	[ $ok = 1 ]
}

if [ -z "$missing" ]; then
	check && exit 0
	echo "setup: packages are installed but files are missing; reinstalling" >&2
	missing="$PKGS"
fi

SUDO=""
[ "$(id -u)" = 0 ] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive

echo "setup: installing:$missing" >&2
if ! dpkg --print-foreign-architectures | grep -qx ppc64el; then
	$SUDO dpkg --add-architecture ppc64el
fi
# A partial index failure (e.g. a mirror mid-sync) exits 100; what was fetched
# is still usable, so carry on and let the install step decide.
$SUDO apt-get update -q || echo "setup: apt-get update reported errors; continuing" >&2
# shellcheck disable=SC2086
$SUDO apt-get install -y -q --no-install-recommends $missing
check || { echo "setup: dependencies still missing after install" >&2; exit 1; }
echo "setup: done" >&2
