/*
 * trace.h - --trace FILE: a timeline of the run in Chrome's Trace Event
 * Format, for Perfetto (ui.perfetto.dev): a track a stage (reads, each
 * worker, the parent's map, the reduce, the output), times on now_sec()'s
 * clock in every process. Only the parent records; events are buffered
 * and renamed over FILE by trace_close when the run is kept, so a failed
 * run leaves none. Every function takes a NULL trace and does nothing.
 */
#ifndef NGRAMCOUNT_TRACE_H
#define NGRAMCOUNT_TRACE_H

/* Track numbers, in the order the viewer shows them. */
enum trace_track {
	TRACK_READ = 1,		/* async spans: reads in flight */
	TRACK_PARENT,		/* the parent mapping (-j 0) */
	TRACK_WORKER0 = 10,	/* worker w is TRACK_WORKER0 + w (w < 256) */
	TRACK_REDUCE = 300,	/* merges of worker results */
	TRACK_OUTPUT,		/* sort and write */
};

struct trace;

/*
 * Start a trace to be written to path; its times count from start.
 * Returns 0 with *out set, or -errno (path's folder is not writable...).
 */
int trace_open(struct trace **out, const char *path, double start);

/* Name a track, as it shows in the viewer. */
void trace_track(struct trace *t, unsigned track, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/*
 * A span from t0 to t1 on a track. file (may be NULL) is escaped; args is
 * a printf format for the rest of the span's JSON args object, numbers
 * only ("\"bytes\":%zu"), or "".
 */
void trace_span(struct trace *t, unsigned track, const char *name, const char *file,
		double t0, double t1, const char *args, ...)
	__attribute__((format(printf, 7, 8)));

/* As trace_span, for spans that may overlap on the track; id tells them apart. */
void trace_async(struct trace *t, unsigned track, const char *name, unsigned id,
		 const char *file, double t0, double t1, const char *args, ...)
	__attribute__((format(printf, 8, 9)));

/*
 * Finish and free the trace. keep: write it to its path (0 or -errno);
 * otherwise remove what was written and return 0.
 */
int trace_close(struct trace *t, int keep);

#endif
