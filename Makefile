# ngramcount - see README.md. `make help` lists the targets.

CC      ?= cc
CFLAGS  ?= -O2 -g
PKGS    := liburing zlib
override CPPFLAGS += -Iinclude -D_GNU_SOURCE $(shell pkg-config --cflags $(PKGS))
override CFLAGS += -std=c11 -Wall -Wextra -Wshadow -Wstrict-prototypes \
	-Wmissing-prototypes -Wformat=2 -Wvla -fno-common -MMD -MP
ifeq ($(DEVELOPER),1)
override CFLAGS += -Werror
endif
LDLIBS  += $(shell pkg-config --libs $(PKGS))

B       ?= build
SRC     := $(wildcard src/*.c)
LIBSRC  := $(filter-out src/main.c,$(SRC))
LIBOBJ  := $(LIBSRC:%.c=$(B)/%.o)
UNITS   := $(patsubst tests/unit/%.c,%,$(wildcard tests/unit/test_*.c))

.PHONY: all test check unit e2e san valgrind demo bench clean help
all: $(B)/ngramcount $(B)/ngramgen

$(B)/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) -c -o $@ $<

$(B)/libngc.a: $(LIBOBJ)
	$(AR) rcs $@ $^

$(B)/ngramcount: $(B)/src/main.o $(B)/libngc.a
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(B)/ngramgen: LDLIBS += -lm
$(B)/ngramgen: $(B)/bench/ngramgen.o
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(B)/tests/unit/%: $(B)/tests/unit/%.o $(B)/libngc.a
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS)

.PHONY: units
units: $(UNITS:%=$(B)/tests/unit/%)

# The test suite: unit and end-to-end tests on the normal build, again on an
# ASan+UBSan build, and a valgrind run. Ends with "N passed, N failed".
test check: all units
	@$(MAKE) --no-print-directory B=build-san units all \
		CFLAGS="-O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer" \
		LDFLAGS="-fsanitize=address,undefined"
	@tests/run.sh

demo: all
	@scripts/demo.sh

bench: all
	@bench/bench.sh

clean:
	rm -rf build build-san

help:
	@echo "make          build build/ngramcount and build/ngramgen"
	@echo "make test     unit + end-to-end tests, sanitizer build, valgrind"
	@echo "make demo     generate a small data set and count it"
	@echo "make bench    benchmark (writes bench/results-*.md)"

-include $(shell find $(B) build-san -name '*.d' 2>/dev/null)
