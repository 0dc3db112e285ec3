/*
 * reader.c - the shared buffer pool, and the choice of read backend.
 */
#include <errno.h>
#include <stdlib.h>
#include <sys/mman.h>

#include "ngramcount/reader.h"
#include "ngramcount/util.h"

int bufpool_init(struct bufpool *p, unsigned nslots, size_t size)
{
	void *base = mmap(NULL, (size_t)nslots * size, PROT_READ | PROT_WRITE,
			  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (base == MAP_FAILED)
		return -errno;
	p->base = base;
	p->size = size;
	p->nslots = nslots;
	p->free = xmalloc(nslots * sizeof(*p->free));
	/* Hand out low slots first, so a small run touches little memory. */
	for (unsigned i = 0; i < nslots; i++)
		p->free[i] = nslots - 1 - i;
	p->nfree = nslots;
	return 0;
}

void bufpool_fini(struct bufpool *p)
{
	if (p->base)
		munmap(p->base, (size_t)p->nslots * p->size);
	free(p->free);
	p->base = NULL;
	p->free = NULL;
}

int bufpool_get(struct bufpool *p)
{
	return p->nfree ? (int)p->free[--p->nfree] : -1;
}

void bufpool_put(struct bufpool *p, unsigned slot)
{
	p->free[p->nfree++] = slot;
}

int reader_new(struct reader **out, enum io_mode mode, unsigned qd, int *fell_back)
{
	*fell_back = 0;
	if (mode == IO_URING) {
		int err = reader_uring_new(out, qd);
		if (!err)
			return 0;
		*fell_back = err;
	}
	return reader_sync_new(out);
}
