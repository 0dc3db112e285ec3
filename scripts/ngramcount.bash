# bash completion for ngramcount; installed by `make install`.
_ngramcount()
{
	local cur prev
	cur=${COMP_WORDS[COMP_CWORD]}
	prev=${COMP_WORDS[COMP_CWORD-1]}
	case $prev in
	--io)
		COMPREPLY=($(compgen -W "uring sync" -- "$cur"))
		return ;;
	--inflate)
		COMPREPLY=($(compgen -W "auto zlib isal" -- "$cur"))
		return ;;
	--order)
		COMPREPLY=($(compgen -W "completion submission" -- "$cur"))
		return ;;
	-j|--workers|--queue-depth|--partition-size|--buffer-memory|--task-timeout)
		return ;;
	-o|--output|--trace)
		COMPREPLY=($(compgen -f -- "$cur"))
		return ;;
	esac
	if [[ $cur == -* ]]; then
		COMPREPLY=($(compgen -W "-o --output -j --workers --io --queue-depth
			--inflate --partition-size --direct --buffer-memory --order --progress --no-progress --stats
			--trace --strict --keep-going --task-timeout -h --help -V --version" -- "$cur"))
		return
	fi
	COMPREPLY=($(compgen -f -- "$cur"))
}
complete -o filenames -F _ngramcount ngramcount
