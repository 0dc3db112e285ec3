# bash completion for ngramcount; installed by `make install`.
_ngramcount()
{
	local cur prev
	cur=${COMP_WORDS[COMP_CWORD]}
	prev=${COMP_WORDS[COMP_CWORD-1]}
	if [[ $COMP_CWORD -eq 1 && $cur != -* ]]; then
		COMPREPLY=($(compgen -W "map reduce merge" -- "$cur") $(compgen -f -- "$cur"))
		return
	fi
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
	--format)
		COMPREPLY=($(compgen -W "auto v1 v2 v3 text" -- "$cur"))
		return ;;
	--field)
		COMPREPLY=($(compgen -W "match volume page" -- "$cur"))
		return ;;
	--pos)
		COMPREPLY=($(compgen -W "keep drop only" -- "$cur"))
		return ;;
	--sort)
		COMPREPLY=($(compgen -W "count key none" -- "$cur"))
		return ;;
	--output-format)
		COMPREPLY=($(compgen -W "tsv csv json ndjson" -- "$cur"))
		return ;;
	-j|--workers|--queue-depth|--partition-size|--buffer-memory|--task-timeout|-n|--ngram|--years|--word|--min-count|--top|--memory)
		return ;;
	--tmpdir)
		COMPREPLY=($(compgen -d -- "$cur"))
		return ;;
	-o|--output|--trace|--words)
		COMPREPLY=($(compgen -f -- "$cur"))
		return ;;
	esac
	if [[ $cur == -* ]]; then
		COMPREPLY=($(compgen -W "--format -n --ngram --field --years --pos --ignore-case
			--word --words --per-year --totals --min-count --top --sort --output-format
			--memory --tmpdir --hadoop-counters --sorted
			-o --output -j --workers --io --queue-depth
			--inflate --partition-size --direct --buffer-memory --order --progress --no-progress --stats
			--trace --strict --keep-going --task-timeout -h --help -V --version" -- "$cur"))
		return
	fi
	COMPREPLY=($(compgen -f -- "$cur"))
}
complete -o filenames -F _ngramcount ngramcount
