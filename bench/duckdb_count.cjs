// duckdb_count.cjs - the peer row of `make bench`: DuckDB sums the match
// counts of v2 files by ngram (GROUP BY), most frequent first, on THREADS
// threads, and writes the rows as ngramcount does. Needs @duckdb/node-api
// (bench.sh installs it with npm into build/duckdb; NODE_PATH finds it).
// usage: node bench/duckdb_count.cjs THREADS FILE...
const { DuckDBInstance } = require('@duckdb/node-api');

async function main() {
	const [threads, ...files] = process.argv.slice(2);
	const db = await DuckDBInstance.create(':memory:', { threads: String(threads) });
	const con = await db.connect();
	const list = files.map((f) => `'${f.replaceAll("'", "''")}'`).join(', ');
	// DuckDB writes the rows itself: 20 M of them do not fit the JS heap.
	await con.run(`
		COPY (SELECT ngram, sum(match)::UBIGINT AS total
		      FROM read_csv([${list}], delim = '\t', header = false, quote = '', escape = '',
			columns = {'ngram': 'VARCHAR', 'year': 'INTEGER', 'match': 'UBIGINT',
				   'volume': 'UBIGINT'})
		      GROUP BY ngram ORDER BY total DESC, ngram)
		TO '/dev/stdout' (FORMAT csv, HEADER false, DELIMITER '\t', QUOTE '')`);
}

main().catch((e) => {
	console.error(`duckdb_count: ${e.message}`);
	process.exit(1);
});
