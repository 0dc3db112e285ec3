#!/bin/sh
# t0700 - the man page, --help and the bash completion name every option;
# make install and uninstall honour PREFIX and DESTDIR.
. tests/e2e/lib.sh

options() {	# every long option --help lists
	"$NGC" --help | grep -o -- '--[a-z][a-z-]*' | sort -u
}

man_page_covers_options() {
	options >opts
	test "$(wc -l <opts)" -ge 14
	while read -r o; do
		grep -q -- "$(printf '%s' "$o" | sed 's/-/\\\\-/g')" "$top/docs/ngramcount.1" ||
			{ echo "man page lacks $o"; return 1; }
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
test_case "the man page names every option and exit status" man_page_covers_options

# complete WORDS...: what the bash completion offers for the last word.
complete() {
	bash -c '. "$1/scripts/ngramcount.bash"; shift
		COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _ngramcount
		printf "%s\n" "${COMPREPLY[@]}"' _ "$top" "$NGC" "$@"
}

completion_completes() {
	command -v bash >/dev/null || skip "no bash"
	printf '%s\n' --keep-going | cmp - "$(complete --keep >got; echo got)"
	printf '%s\n' isal | cmp - "$(complete --inflate i >got; echo got)"
	# Every option --help lists is offered, and nothing else.
	complete - >all
	grep -- '^--' all | grep -v -e --sorted -e --hadoop-counters | sort >got
	options | grep -v -e --sorted -e --hadoop-counters | cmp - got
	# A subcommand is offered only the options it takes.
	complete map - >map
	grep -q -- --format map
	! grep -q -e --workers -e --top map
	complete merge - >merge
	grep -q -- --sorted merge
	! grep -q -- --format merge
}
test_case "bash completion: every option from the program itself, a subcommand's own only" completion_completes

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
