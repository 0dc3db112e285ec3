#!/bin/sh
# t0700 - the man page, --help and the bash completion name every option;
# make install and uninstall honour PREFIX and DESTDIR.
. tests/e2e/lib.sh

options() {	# every long option --help lists
	"$NGC" --help | grep -o -- '--[a-z][a-z-]*' | sort -u
}

man_page_and_completion_cover_options() {
	options >opts
	test "$(wc -l <opts)" -ge 14
	while read -r o; do
		grep -q -- "$(printf '%s' "$o" | sed 's/-/\\\\-/g')" "$top/docs/ngramcount.1" ||
			{ echo "man page lacks $o"; return 1; }
		grep -q -- "$o" "$top/scripts/ngramcount.bash" || { echo "completion lacks $o"; return 1; }
	done <opts
	for status in 0 1 2 3 130 143; do
		grep -q "^\\.B.* $status\\|^\\.B $status\\|^\\.BR $status" "$top/docs/ngramcount.1" ||
			{ echo "man page lacks exit status $status"; return 1; }
	done
	if command -v groff >/dev/null; then
		groff -man -Tutf8 -ww -z "$top/docs/ngramcount.1" 2>warn
		test ! -s warn
	fi
}
test_case "the man page and the completion name every option and exit status" man_page_and_completion_cover_options

completion_completes() {
	command -v bash >/dev/null || skip "no bash"
	bash -c '. "$1/scripts/ngramcount.bash"
		COMP_WORDS=(ngramcount --keep); COMP_CWORD=1; _ngramcount; echo "${COMPREPLY[*]}"
		COMP_WORDS=(ngramcount --inflate i); COMP_CWORD=2; _ngramcount; echo "${COMPREPLY[*]}"' _ "$top" >got
	printf '%s\n' --keep-going isal | cmp - got
}
test_case "bash completion completes options and their values" completion_completes

install_uninstall() {
	# -o: install the binary under test as it is; never relink it here
	# (with this make's flags, a sanitizer build would lose its runtime).
	make -s -C "$top" -o "$NGC" install B="$(dirname "$NGC")" DESTDIR="$TMP/root" \
		PREFIX=/opt/ngc >/dev/null
	test -x "$TMP/root/opt/ngc/bin/ngramcount"
	test -f "$TMP/root/opt/ngc/share/man/man1/ngramcount.1"
	test -f "$TMP/root/opt/ngc/share/bash-completion/completions/ngramcount"
	"$TMP/root/opt/ngc/bin/ngramcount" --version | grep -q "^ngramcount "
	make -s -C "$top" uninstall DESTDIR="$TMP/root" PREFIX=/opt/ngc
	test -z "$(find "$TMP/root" -type f)"
}
test_case "make install / uninstall with PREFIX and DESTDIR" install_uninstall

done_testing
