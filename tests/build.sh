#!/bin/sh
# build.sh - the build tracks its flags: a tree built with ISAL=0, then
# built again plainly, is rebuilt with ISA-L (Makefile, $(B)/FLAGS).
# Run once by tests/run.sh, not per build.
. tests/e2e/lib.sh

isal_after_isal0() {
	pkg-config --exists libisal || skip "libisal-dev is not installed"
	b=$TMP/b
	make -s -C "$top" B="$b" CFLAGS=-O0 ISAL=0 "$b/ngramcount" >/dev/null
	"$b/ngramcount" --no-progress --stats "$DATA/v2" 2>stats >/dev/null
	grep -q "inflate          zlib$" stats
	make -s -C "$top" B="$b" CFLAGS=-O0 "$b/ngramcount" >/dev/null
	"$b/ngramcount" --no-progress --stats "$DATA/v2" 2>stats >/dev/null
	grep -q "inflate          isal$" stats
	# Nothing changed: nothing is rebuilt.
	test -z "$(make -C "$top" B="$b" CFLAGS=-O0 "$b/ngramcount" | grep -e '-c -o')"
}
test_case "built with ISAL=0, then plainly: the binary inflates with ISA-L" isal_after_isal0

done_testing
