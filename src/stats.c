/*
 * stats.c - the --stats summary (stats.h): the same facts as text lines or
 * as one JSON object on one line.
 */
#include <stdlib.h>
#include <string.h>

#include "ngramcount/gz.h"
#include "ngramcount/parse.h"
#include "ngramcount/stats.h"
#include "ngramcount/util.h"

static const char *run_state(const struct stats_end *end)
{
	if (end->signal)
		return "interrupted";
	return end->status == NGC_EXIT_FAIL ? "failed" : "complete";
}

static void print_text(FILE *f, const struct config *c, const struct run_stats *st,
		       const struct spill *sp, const struct stats_end *end)
{
	char b[32], b2[32];
	double text = (double)(st->bytes_read - st->bytes_gzip + st->bytes_inflated);
	double wall = st->wall > 0 ? st->wall : 1e-9;

	fprintf(f, "ngramcount: stats\n");
	if (end->signal)
		fprintf(f, "  run              interrupted by signal %d: what follows is "
			"what was done until then\n", end->signal);
	else if (end->status == NGC_EXIT_FAIL)
		fprintf(f, "  run              failed: what follows is what was done until "
			"then\n");
	fprintf(f, "  files            %u\n", st->files);
	fprintf(f, "  formats         ");
	for (int i = FMT_V1; i < FMT_COUNT; i++)
		if (st->formats[i])
			fprintf(f, " %s=%u", format_name((enum ngc_format)i), st->formats[i]);
	fprintf(f, "\n");
	if (st->passed_over)
		fprintf(f, "  passed over      %u %s (first: %s)\n", st->passed_over,
			c->map.totals ? "ngram files: --totals counts totalcounts files only"
				      : "totalcounts files: --totals counts them", st->passed_over_path);
	fprintf(f, "  skipped files    %u\n", st->nskipped);
	for (unsigned i = 0; i < st->nskipped; i++)
		fprintf(f, "    %s\n", st->skipped[i]);
	if (st->urls) {
		const struct fetch_stats *n = &st->net;
		fprintf(f, "  downloads        %u URLs, %llu bytes (%s) in %llu requests: %llu "
			"retries, %llu resumed from a byte past 0, %llu answered whole (Range "
			"ignored); cache %llu files, %llu bytes of earlier runs' parts; %u absent "
			"as the catalog allows\n", st->urls, (unsigned long long)n->bytes,
			fmt_bytes(b, sizeof(b), (double)n->bytes), (unsigned long long)n->requests,
			(unsigned long long)n->retries, (unsigned long long)n->resumes,
			(unsigned long long)n->restarts, (unsigned long long)n->cache_hits,
			(unsigned long long)n->cache_resumed, st->missing);
	}
	fprintf(f, "  bytes read       %llu (%s)\n", (unsigned long long)st->bytes_read,
		fmt_bytes(b, sizeof(b), (double)st->bytes_read));
	fprintf(f, "  bytes inflated   %llu (%s)\n", (unsigned long long)st->bytes_inflated,
		fmt_bytes(b, sizeof(b), (double)st->bytes_inflated));
	fprintf(f, "  lines            %llu\n", (unsigned long long)st->lines);
	fprintf(f, "  malformed lines  %llu\n", (unsigned long long)st->bad);
	fprintf(f, "  distinct ngrams  %llu\n", (unsigned long long)end->distinct);
	if (sp->spills)
		fprintf(f, "  spilled          %llu tables (%llu by gzip tasks) in %u hash "
			"partition%s, %llu bytes of runs (table budget %zu, per gzip task %zu)\n",
			(unsigned long long)sp->spills, (unsigned long long)st->task_runs, sp->parts,
			sp->parts == 1 ? "" : "s",
			(unsigned long long)sp->bytes, st->table_budget, st->task_budget);
	fprintf(f, "  table memory     %s (%.0f bytes per ngram)\n",
		fmt_bytes(b, sizeof(b), (double)st->table_bytes),
		end->distinct && !sp->spills ? (double)st->table_bytes / (double)end->distinct : 0.0);
	if (st->workers)
		fprintf(f, "  reduce           %llu keys in %.3f s (%.1f M keys/s; %llu on two "
			"threads), and %llu seam lines mapped by the parent\n",
			(unsigned long long)st->reduce_keys, st->reduce_secs,
			st->reduce_secs > 0 ? (double)st->reduce_keys / st->reduce_secs / 1e6 : 0.0,
			(unsigned long long)st->reduce_split_keys, (unsigned long long)st->seam_lines);
	else
		fprintf(f, "  reduce           none: -j 0 maps into the final table\n");
	fprintf(f, "  pre-aggregation  given up by %llu tasks (nearly every key new: "
		"sent as read, table.h)\n", (unsigned long long)st->unaggregated);
	fprintf(f, "  buffers          %u x %s\n", st->slots,
		fmt_bytes(b, sizeof(b), (double)c->partition_size));
	fprintf(f, "  io               %s", st->io);
	if (!strcmp(st->io, "io_uring"))
		fprintf(f, " (%llu reads queued in %llu submits)",
			(unsigned long long)st->sqes, (unsigned long long)st->submits);
	fprintf(f, "\n  inflate          %s\n", gz_backend_name(c->inflate));
	fprintf(f, "  v2 runs          %s\n", parse_v2_run_usable() ? "avx2" : "bytewise");
	fprintf(f, "  order            %s\n",
		c->order == ORDER_SUBMISSION ? "submission" : "completion");
	fprintf(f, "  workers          %u\n", st->workers);
	fprintf(f, "  partitions       ");
	for (unsigned i = 0; i < st->workers; i++)
		fprintf(f, "worker%u=%llu ", i, (unsigned long long)st->partitions[i]);
	fprintf(f, "parent=%llu\n", (unsigned long long)st->partitions[st->workers]);
	fprintf(f, "  wall time        %.3f s\n", st->wall);
	fprintf(f, "  cpu time         parent %.3f s, workers %.3f s\n",
		st->cpu_parent, st->cpu_workers);
	fprintf(f, "  throughput       %s/s read, %s/s of text\n",
		fmt_bytes(b, sizeof(b), (double)st->bytes_read / wall),
		fmt_bytes(b2, sizeof(b2), text / wall));
}

/* A JSON string: s quoted and escaped. */
static void put_str(FILE *f, const char *s)
{
	size_t n = strlen(s);
	char *q = xmalloc(6 * n + 2);
	fwrite(q, 1, (size_t)(json_quote(q, s, n) - q), f);
	free(q);
}

static void put_u64(FILE *f, const char *name, uint64_t v)
{
	fprintf(f, ",\"%s\":%llu", name, (unsigned long long)v);
}

static void print_json(FILE *f, const struct config *c, const struct run_stats *st,
		       const struct spill *sp, const struct stats_end *end)
{
	const char *sep = "";

	fprintf(f, "{\"run\":\"%s\"", run_state(end));
	if (end->signal)
		fprintf(f, ",\"signal\":%d", end->signal);
	fprintf(f, ",\"exit_status\":%d", end->status);
	put_u64(f, "files", st->files);
	fprintf(f, ",\"formats\":{");
	for (int i = FMT_V1; i < FMT_COUNT; i++)
		if (st->formats[i]) {
			fprintf(f, "%s\"%s\":%u", sep, format_name((enum ngc_format)i), st->formats[i]);
			sep = ",";
		}
	fprintf(f, "}");
	put_u64(f, "passed_over", st->passed_over);
	fprintf(f, ",\"skipped\":[");
	for (unsigned i = 0; i < st->nskipped; i++) {
		fprintf(f, i ? "," : "");
		put_str(f, st->skipped[i]);
	}
	fprintf(f, "]");
	if (st->urls)
		fprintf(f, ",\"downloads\":{\"urls\":%u,\"bytes\":%llu,\"requests\":%llu,"
			"\"retries\":%llu,\"resumes\":%llu,\"range_ignored\":%llu,"
			"\"cache_hits\":%llu,\"cache_part_bytes\":%llu,\"absent\":%u}", st->urls,
			(unsigned long long)st->net.bytes, (unsigned long long)st->net.requests,
			(unsigned long long)st->net.retries, (unsigned long long)st->net.resumes,
			(unsigned long long)st->net.restarts, (unsigned long long)st->net.cache_hits,
			(unsigned long long)st->net.cache_resumed, st->missing);
	put_u64(f, "bytes_read", st->bytes_read);
	put_u64(f, "bytes_inflated", st->bytes_inflated);
	put_u64(f, "lines", st->lines);
	put_u64(f, "malformed_lines", st->bad);
	put_u64(f, "distinct_ngrams", end->distinct);
	if (sp->spills)
		fprintf(f, ",\"spilled\":{\"tables\":%llu,\"by_gzip_tasks\":%llu,\"partitions\":%u,"
			"\"bytes\":%llu,\"table_budget\":%zu,\"task_budget\":%zu}",
			(unsigned long long)sp->spills, (unsigned long long)st->task_runs, sp->parts,
			(unsigned long long)sp->bytes, st->table_budget, st->task_budget);
	put_u64(f, "table_bytes", st->table_bytes);
	fprintf(f, ",\"reduce\":{\"keys\":%llu,\"seconds\":%.6f,\"keys_on_two_threads\":%llu,"
		"\"seam_lines\":%llu,\"unaggregated_tasks\":%llu}", (unsigned long long)st->reduce_keys,
		st->reduce_secs, (unsigned long long)st->reduce_split_keys,
		(unsigned long long)st->seam_lines, (unsigned long long)st->unaggregated);
	fprintf(f, ",\"buffers\":{\"count\":%u,\"bytes\":%zu}", st->slots, c->partition_size);
	fprintf(f, ",\"io\":\"%s\"", st->io);
	if (!strcmp(st->io, "io_uring"))
		fprintf(f, ",\"io_reads\":%llu,\"io_submits\":%llu", (unsigned long long)st->sqes,
			(unsigned long long)st->submits);
	fprintf(f, ",\"inflate\":\"%s\",\"v2_runs\":\"%s\",\"order\":\"%s\"",
		gz_backend_name(c->inflate), parse_v2_run_usable() ? "avx2" : "bytewise",
		c->order == ORDER_SUBMISSION ? "submission" : "completion");
	put_u64(f, "workers", st->workers);
	fprintf(f, ",\"partitions\":{\"workers\":[");
	for (unsigned i = 0; i < st->workers; i++)
		fprintf(f, "%s%llu", i ? "," : "", (unsigned long long)st->partitions[i]);
	fprintf(f, "],\"parent\":%llu}", (unsigned long long)st->partitions[st->workers]);
	fprintf(f, ",\"wall_seconds\":%.6f,\"cpu_seconds\":{\"parent\":%.6f,\"workers\":%.6f}}\n",
		st->wall, st->cpu_parent, st->cpu_workers);
}

void stats_print(FILE *f, const struct config *c, const struct run_stats *st,
		 const struct spill *sp, const struct stats_end *end)
{
	if (c->stats == STATS_TEXT)
		print_text(f, c, st, sp, end);
	else if (c->stats == STATS_JSON)
		print_json(f, c, st, sp, end);
}
