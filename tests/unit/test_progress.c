/* test_progress - the progress line fits any width and says what it should. */
#include <string.h>

#include "ngramcount/progress.h"
#include "t.h"

static void fits_every_width(void)
{
	struct progress_state s = { .bytes = 3ull << 30, .total = 40ull << 30, .total_known = 1,
				    .inflated = 9ull << 30, .files = 3, .nfiles = 39 };
	char line[512];
	for (unsigned w = 1; w <= 300; w++) {
		progress_line(line, sizeof(line), w, 2.0, &s);
		CHECK(strlen(line) < (w > 1 ? w : 2));
	}
	progress_line(line, sizeof(line), 200, 2.0, &s);
	CHECK(strstr(line, "3/39 files") != NULL);
	CHECK(strstr(line, "3.0 GiB / 40.0 GiB") != NULL);
	CHECK(strstr(line, "of text inflated") != NULL);
	/* 37 GiB at 1.5 GiB/s: 24.7 s. */
	CHECK(strstr(line, "ETA 0:25") != NULL);
	CHECK(strchr(line, '[') != NULL);
}

static void eta_in_hours(void)
{
	struct progress_state s = { .bytes = 1 << 20, .total = 10ull << 30, .total_known = 1 };
	char line[512];
	progress_line(line, sizeof(line), 200, 1.0, &s);
	/* 10 GiB at 1 MiB/s: 2:50:39. */
	CHECK(strstr(line, "ETA 2:50:") != NULL);
}

static void unknown_size_spins(void)
{
	struct progress_state s = { .bytes = 5 << 20, .total = 5 << 20, .total_known = 0,
				    .nfiles = 1 };
	char line[512];
	progress_line(line, sizeof(line), 80, 1.0, &s);
	CHECK(strchr("|/-\\", line[0]) != NULL);
	CHECK(strstr(line, "%") == NULL && strstr(line, "ETA") == NULL);
	CHECK(strstr(line, "5.0 MiB") != NULL);
}

static void downloads(void)
{
	struct progress_state s = { .bytes = 1 << 20, .total = 4 << 20, .total_known = 1,
				    .nfiles = 2, .downloads = 1, .downloaded = 3 << 20,
				    .connections = 4, .retries = 2 };
	char line[512];
	progress_line(line, sizeof(line), 200, 1.0, &s);
	CHECK(strstr(line, "net 3.0 MiB/s on 4, 2 retried") != NULL);
	s.retries = 0;
	progress_line(line, sizeof(line), 200, 1.0, &s);
	CHECK(strstr(line, "net 3.0 MiB/s on 4") && !strstr(line, "retried"));
}

int main(void)
{
	T_RUN(downloads);
	T_RUN(fits_every_width);
	T_RUN(eta_in_hours);
	T_RUN(unknown_size_spins);
	T_DONE();
}
