# ngramcount - see README.md. `make help` lists the targets.

CC      ?= cc
CFLAGS  ?= -O2 -g
PKGS    := liburing zlib libutf8proc libcurl
override CPPFLAGS += -Iinclude -D_GNU_SOURCE $(shell pkg-config --cflags $(PKGS))
override CFLAGS += -std=c11 -Wall -Wextra -Wshadow -Wstrict-prototypes \
	-Wmissing-prototypes -Wformat=2 -Wvla -fno-common -MMD -MP -pthread
ifeq ($(DEVELOPER),1)
override CFLAGS += -Werror
endif
# ISA-L's inflate is built in when its headers are there (ISAL=0 to leave it out).
ISAL    ?= $(shell pkg-config --exists libisal && echo 1)
ifeq ($(ISAL),1)
override CPPFLAGS += -DNGC_HAVE_ISAL $(shell pkg-config --cflags libisal)
LDLIBS  += $(shell pkg-config --libs libisal)
endif
LDLIBS  += $(shell pkg-config --libs $(PKGS))
# The table hashes with XXH3 (header only) when xxhash.h is there (XXHASH=0: Jenkins).
XXHASH  ?= $(shell pkg-config --exists libxxhash && echo 1)
ifeq ($(XXHASH),1)
override CPPFLAGS += -DNGC_HAVE_XXHASH
endif

B       ?= build
SRC     := $(wildcard src/*.c)
LIBSRC  := $(filter-out src/main.c,$(SRC))
LIBOBJ  := $(LIBSRC:%.c=$(B)/%.o)
UNITS   := $(patsubst tests/unit/%.c,%,$(wildcard tests/unit/test_*.c))
FUZZERS := $(patsubst tests/fuzz/%.c,%,$(wildcard tests/fuzz/fuzz_*.c))

# Objects of the test binaries are kept, not removed as intermediates.
.SECONDARY:

.PHONY: FORCE all deps test check demo bench compare compare-update fuzz units install uninstall clean help

PREFIX  ?= /usr/local
BINDIR  ?= $(PREFIX)/bin
MANDIR  ?= $(PREFIX)/share/man
COMPDIR ?= $(PREFIX)/share/bash-completion/completions
all: $(B)/ngramcount $(B)/ngramgen $(B)/floor $(B)/handoff

# Objects depend on $(B)/FLAGS, rewritten only when the flags change (as
# git's GIT-CFLAGS): a tree built with ISAL=0 and then plainly is rebuilt.
FLAGS_NOW := $(subst ','\'',$(CC) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) $(LDLIBS))
$(B)/FLAGS: FORCE
	@mkdir -p $(@D)
	@printf '%s\n' '$(FLAGS_NOW)' >$@.new; \
	if cmp -s $@.new $@; then rm $@.new; else mv $@.new $@; fi

$(B)/%.o: %.c $(B)/FLAGS
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) -c -o $@ $<

$(B)/libngc.a: $(LIBOBJ)
	$(AR) rcs $@ $^

$(B)/ngramcount: $(B)/src/main.o $(B)/libngc.a
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(B)/ngramgen: LDLIBS += -lm
$(B)/ngramgen: $(B)/tests/tools/ngramgen.o $(B)/libngc.a
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(B)/tests/unit/%: $(B)/tests/unit/%.o $(B)/libngc.a
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS)

.PHONY: units
units: $(UNITS:%=$(B)/tests/unit/%) $(FUZZERS:fuzz_%=$(B)/tests/fuzz/replay_%)

# Each fuzz target, linked with replay.c: replays its corpus in make test.
$(B)/tests/fuzz/replay_%: $(B)/tests/fuzz/fuzz_%.o $(B)/tests/fuzz/replay.o $(B)/libngc.a
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS)

# libFuzzer (clang): each target runs FUZZ_SECONDS from its corpus, seeded
# with tests/fuzz/corpus. A crash stops make and leaves crash-* files here.
FUZZ_SECONDS ?= 60
fuzz: deps
	@$(MAKE) --no-print-directory B=build-fuzz CC=clang \
		CFLAGS="-O1 -g -fsanitize=fuzzer-no-link,address,undefined" \
		build-fuzz/libngc.a
	@for f in $(FUZZERS); do \
		clang -O1 -g -fsanitize=fuzzer,address,undefined -Iinclude -D_GNU_SOURCE \
			$(filter -DNGC_HAVE_ISAL,$(CPPFLAGS)) -o build-fuzz/$$f tests/fuzz/$$f.c \
			build-fuzz/libngc.a $(LDLIBS) || exit 1; \
		mkdir -p build-fuzz/corpus/$$f; \
		cp tests/fuzz/corpus/$${f#fuzz_}/* build-fuzz/corpus/$$f/; \
		case $$f in fuzz_parse|fuzz_partition) cp tests/data/v2/* build-fuzz/corpus/$$f/;; esac; \
		echo "fuzz: $$f for $(FUZZ_SECONDS) s"; \
		build-fuzz/$$f -max_total_time=$(FUZZ_SECONDS) -max_len=65536 \
			-artifact_prefix=build-fuzz/$$f- build-fuzz/corpus/$$f 2>&1 | tail -3 || exit 1; \
	done

# The test suite: unit and end-to-end tests on the normal build, again on an
# ASan+UBSan build, and a valgrind run. Ends with "N passed, N failed, N skipped".
# Install the Debian packages the build and the tests need (apt-get as root).
deps:
	@scripts/install-deps.sh

test check: deps
	@echo "make test: three builds, then every test (5 to 10 minutes on 2 cores)"
	@$(MAKE) -s --no-print-directory all units
	@$(MAKE) -s --no-print-directory B=build-san units all \
		CFLAGS="-O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer" \
		LDFLAGS="-fsanitize=address,undefined"
	@$(MAKE) -s --no-print-directory B=build-zlib ISAL=0 XXHASH=0 units all
	@tests/run.sh

demo: deps
	@$(MAKE) --no-print-directory all
	@scripts/demo.sh

bench: deps
	@$(MAKE) --no-print-directory all
	@bench/bench.sh

compare: deps
	@$(MAKE) --no-print-directory all
	@bench/compare.sh

# The committed results (bench/COMPARE.md and its charts) change only here.
compare-update: deps
	@$(MAKE) --no-print-directory all
	@NGC_COMPARE_OUT=bench bench/compare.sh

install: $(B)/ngramcount
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(COMPDIR)
	install -m 755 $(B)/ngramcount $(DESTDIR)$(BINDIR)/ngramcount
	install -m 644 docs/ngramcount.1 $(DESTDIR)$(MANDIR)/man1/ngramcount.1
	install -m 644 scripts/ngramcount.bash $(DESTDIR)$(COMPDIR)/ngramcount

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/ngramcount $(DESTDIR)$(MANDIR)/man1/ngramcount.1 \
		$(DESTDIR)$(COMPDIR)/ngramcount

clean:
	rm -rf build build-san build-zlib build-fuzz

help:
	@echo "make          build build/ngramcount, build/ngramgen and the bench tools"
	@echo "make deps     install the Debian packages (scripts/install-deps.sh)"
	@echo "make test     unit + end-to-end tests, sanitizer build, valgrind"
	@echo "make demo     generate a small data set and count it"
	@echo "make bench    benchmark; writes bench/RESULTS.md"
	@echo "make compare  sequential / async I/O / processes / queue depths, warm and"
	@echo "              cold cache; writes build/compare/COMPARE.md and its charts"
	@echo "make compare-update  the same into bench/, the committed results"
	@echo "make fuzz     libFuzzer on each tests/fuzz target, FUZZ_SECONDS each (60)"
	@echo "make install  binary, man page, bash completion (PREFIX, DESTDIR)"

-include $(shell find $(B) -name '*.d' 2>/dev/null)

$(B)/floor: $(B)/bench/floor.o
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(B)/handoff: $(B)/bench/handoff.o
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS)
