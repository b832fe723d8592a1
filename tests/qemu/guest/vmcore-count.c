// SPDX-License-Identifier: GPL-2.0
/*
 * vmcore-count - count the occurrences of a marker in a (large) file, for the
 * capture kernel of the QEMU harness's DMA scenario (SPEC §7.3).
 *
 *   vmcore-count [-v] MARKER-FILE [FILE]   (FILE defaults to /proc/vmcore)
 *
 * The marker is read from MARKER-FILE (trailing NUL bytes and white space are
 * dropped), never from the command line, so that it appears nowhere in the
 * guest but in the frames the host sends and in this program's own memory.
 * FILE is read in 4 MiB chunks, keeping the last (marker length - 1) bytes of
 * a chunk in front of the next one so that a match across two chunks counts
 * once: the memory use stays small, whatever the size of the dump. Prints
 *   markers=N bytes=B [aliases=A] [where=MIB:COUNT,...]
 * and exits 0, or prints an error and exits 1. N counts each physical address
 * once: an x86_64 vmcore maps the kernel image twice (a PT_LOAD of its own
 * and the System RAM one around it), and pages freed from the image (init
 * memory) are reused, e.g. for RX buffers. A match in a PT_LOAD that a larger
 * one also covers is counted in A instead. "where" tells in which MiB of
 * physical memory the matches are (from the ELF PT_LOAD headers; file
 * offsets for a file that is not an ELF core), up to 16 places, the rest as
 * "other". -v also prints one line per match before that:
 *   match ADDR BYTES   (ADDR as above; BYTES: the 13 bytes in front of the
 *                       marker, i.e. the frame's "seq=NNNNNNNN ")
 */
#define _GNU_SOURCE
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define CHUNK		(4UL << 20)
#define MARKER_MAX	256
#define MAX_LOADS	256
#define MAX_PLACES	16

static struct { unsigned long long off, size, paddr; } loads[MAX_LOADS];
static int nloads;
static struct { unsigned long long mib, count; } places[MAX_PLACES];
static unsigned long long other, aliases;

/* read the PT_LOAD headers of an ELF64 core; none for another file */
static void read_loads(int fd)
{
	Elf64_Ehdr eh;
	Elf64_Phdr ph;
	int i;

	if (pread(fd, &eh, sizeof(eh), 0) != sizeof(eh) ||
	    memcmp(eh.e_ident, ELFMAG, SELFMAG) || eh.e_ident[EI_CLASS] != ELFCLASS64)
		return;
	for (i = 0; i < eh.e_phnum && nloads < MAX_LOADS; i++) {
		if (pread(fd, &ph, sizeof(ph), eh.e_phoff + (off_t)i * eh.e_phentsize) != sizeof(ph))
			return;
		if (ph.p_type != PT_LOAD)
			continue;
		loads[nloads].off = ph.p_offset;
		loads[nloads].size = ph.p_filesz;
		loads[nloads].paddr = ph.p_paddr;
		nloads++;
	}
}

static int verbose;

/* is ADDR of PT_LOAD I also in a larger PT_LOAD (or an equal, earlier one)? */
static int aliased(int i, unsigned long long addr)
{
	int j;

	for (j = 0; j < nloads; j++) {
		if (j == i || addr < loads[j].paddr || addr - loads[j].paddr >= loads[j].size)
			continue;
		if (loads[j].size > loads[i].size || (loads[j].size == loads[i].size && j < i))
			return 1;
	}
	return 0;
}

/*
 * A match at file offset OFF (P in the buffer, BEFORE bytes of it before P):
 * return 0 for an alias of another match, else count it in its MiB of
 * physical memory and return 1.
 */
static int place(unsigned long long off, const char *p, size_t before)
{
	unsigned long long addr = off, mib;
	int i;

	for (i = 0; i < nloads; i++) {
		if (off >= loads[i].off && off - loads[i].off < loads[i].size) {
			addr = loads[i].paddr + (off - loads[i].off);
			if (aliased(i, addr)) {
				aliases++;
				return 0;
			}
			break;
		}
	}
	if (verbose) {
		printf("match 0x%llx ", addr);
		for (i = before < 13 ? (int)before : 13; i > 0; i--)
			putchar(p[-i] >= 0x20 && p[-i] < 0x7f ? p[-i] : '.');
		putchar('\n');
	}
	mib = addr >> 20;
	for (i = 0; i < MAX_PLACES && places[i].count; i++) {
		if (places[i].mib == mib) {
			places[i].count++;
			return 1;
		}
	}
	if (i < MAX_PLACES) {
		places[i].mib = mib;
		places[i].count = 1;
	} else {
		other++;
	}
	return 1;
}

static int read_marker(const char *path, char *buf, size_t *len)
{
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY);
	if (fd < 0)
		return -1;
	n = read(fd, buf, MARKER_MAX);
	close(fd);
	if (n < 0)
		return -1;
	while (n > 0 && (buf[n - 1] == '\0' || buf[n - 1] == '\n' ||
			 buf[n - 1] == ' ' || buf[n - 1] == '\r'))
		n--;
	*len = n;
	return 0;
}

int main(int argc, char **argv)
{
	const char *path;
	unsigned long long total = 0, count = 0;
	char marker[MARKER_MAX];
	size_t mlen, keep = 0;
	char *buf, *p, *end;
	ssize_t n;
	int fd, i;

	if (argc > 1 && !strcmp(argv[1], "-v")) {
		verbose = 1;
		argc--;
		argv++;
	}
	if (argc < 2 || argc > 3) {
		fprintf(stderr, "usage: vmcore-count [-v] MARKER-FILE [FILE]\n");
		return 2;
	}
	path = argc > 2 ? argv[2] : "/proc/vmcore";
	if (read_marker(argv[1], marker, &mlen) < 0) {
		fprintf(stderr, "vmcore-count: %s: %s\n", argv[1], strerror(errno));
		return 1;
	}
	if (mlen < 8) {
		fprintf(stderr, "vmcore-count: marker in %s is too short (%zu bytes)\n",
			argv[1], mlen);
		return 1;
	}
	buf = malloc(CHUNK + MARKER_MAX);
	fd = open(path, O_RDONLY);
	if (!buf || fd < 0) {
		fprintf(stderr, "vmcore-count: %s: %s\n", path, strerror(errno));
		return 1;
	}
	read_loads(fd);
	for (;;) {
		n = read(fd, buf + keep, CHUNK);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			fprintf(stderr, "vmcore-count: read %s at %llu: %s\n",
				path, total, strerror(errno));
			return 1;
		}
		if (n == 0)
			break;
		total += n;
		end = buf + keep + n;
		/* a match must end inside the new bytes: the kept ones were searched */
		for (p = buf; (p = memmem(p, end - p, marker, mlen)); p++)
			count += place(total - (end - p), p, p - buf);
		keep = (size_t)(end - buf) < mlen - 1 ? (size_t)(end - buf) : mlen - 1;
		memmove(buf, end - keep, keep);
	}
	close(fd);
	printf("markers=%llu bytes=%llu", count, total);
	if (aliases)
		printf(" aliases=%llu", aliases);
	for (i = 0; i < MAX_PLACES && places[i].count; i++)
		printf("%s%lluM:%llu", i ? "," : " where=", places[i].mib, places[i].count);
	if (other)
		printf(",other:%llu", other);
	printf("\n");
	return 0;
}
