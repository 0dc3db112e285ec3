# bash completion for ngramcount; installed by `make install`. The options
# come from the program itself (--completion-helper: a line an option, its
# name, then <file>, <dir>, <value> or its choices), so they cannot drift.
_ngramcount()
{
	local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]}
	local mode="" line names=""
	local -a lines words
	if [[ $COMP_CWORD -eq 1 && $cur != -* ]]; then
		COMPREPLY=($(compgen -W "map reduce merge corpus" -- "$cur") $(compgen -f -- "$cur"))
		return
	fi
	case ${COMP_WORDS[1]} in map|reduce|merge|corpus) mode=${COMP_WORDS[1]} ;; esac
	mapfile -t lines < <("${COMP_WORDS[0]}" $mode --completion-helper 2>/dev/null)
	for line in "${lines[@]}"; do
		read -ra words <<<"$line"
		names+=" ${words[0]}"
		[[ ${words[0]} == "$prev" && ${#words[@]} -gt 1 ]] || continue
		case ${words[1]} in
		"<file>") COMPREPLY=($(compgen -f -- "$cur")) ;;
		"<dir>") COMPREPLY=($(compgen -d -- "$cur")) ;;
		"<value>") COMPREPLY=() ;;
		*) COMPREPLY=($(compgen -W "${words[*]:1}" -- "$cur")) ;;
		esac
		return
	done
	if [[ $cur == -* ]]; then
		COMPREPLY=($(compgen -W "$names" -- "$cur"))
		return
	fi
	COMPREPLY=($(compgen -f -- "$cur"))
}
complete -o filenames -F _ngramcount ngramcount
