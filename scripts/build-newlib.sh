#!/bin/sh
# Build newlib's libc for bare-metal ppc64le once, from Debian's newlib-source.
#
# usage: build-newlib.sh PREFIX CROSS "CFLAGS"
# Installs PREFIX/include and PREFIX/lib, then touches PREFIX/.stamp.  The
# caller (the Makefile) puts a key in PREFIX's name that changes with the
# flags, this script and the package version, so a change rebuilds it.
# No newlib source is kept: the work tree is deleted after install.
set -eu
PREFIX=$1
CROSS=$2
CFLAGS_T=$3

TARBALL=$(ls /usr/src/newlib/newlib-*.tar.xz 2>/dev/null | head -n1)
[ -n "$TARBALL" ] || { echo "build-newlib: no newlib tarball; run scripts/setup.sh" >&2; exit 1; }

WORK=$PREFIX.work
rm -rf "$WORK" "$PREFIX"
mkdir -p "$WORK/src" "$WORK/build"
echo "  NEWLIB  $TARBALL -> $PREFIX (once; about a minute)"
# The tarball unpacks to newlib-salsa/, hence --strip-components.
tar -C "$WORK/src" --strip-components=1 -xf "$TARBALL"
cd "$WORK/build"
../src/configure --target=powerpc64le-unknown-elf --prefix="$WORK/inst" \
	CC_FOR_TARGET="${CROSS}gcc" AR_FOR_TARGET="${CROSS}ar" AS_FOR_TARGET="${CROSS}as" \
	LD_FOR_TARGET="${CROSS}ld" NM_FOR_TARGET="${CROSS}nm" RANLIB_FOR_TARGET="${CROSS}ranlib" \
	OBJDUMP_FOR_TARGET="${CROSS}objdump" READELF_FOR_TARGET="${CROSS}readelf" \
	STRIP_FOR_TARGET="${CROSS}strip" CFLAGS_FOR_TARGET="$CFLAGS_T" \
	--disable-multilib --disable-nls --disable-newlib-supplied-syscalls \
	--enable-newlib-nano-formatted-io --enable-newlib-nano-malloc \
	--disable-newlib-multithread --enable-newlib-global-atexit --enable-lite-exit \
	--disable-newlib-fvwrite-in-streamio --disable-newlib-wide-orient \
	--enable-newlib-io-long-long --disable-newlib-io-float --disable-newlib-iconv \
	>"$WORK/configure.log" 2>&1 || { tail -30 "$WORK/configure.log" >&2; exit 1; }
make -j"$(nproc)" all-target-newlib >"$WORK/make.log" 2>&1 || { tail -40 "$WORK/make.log" >&2; exit 1; }
make install-target-newlib >"$WORK/install.log" 2>&1 || { tail -20 "$WORK/install.log" >&2; exit 1; }
mkdir -p "$PREFIX"
mv "$WORK/inst/powerpc64le-unknown-elf/include" "$WORK/inst/powerpc64le-unknown-elf/lib" "$PREFIX/"
cd /
rm -rf "$WORK"
touch "$PREFIX/.stamp"
