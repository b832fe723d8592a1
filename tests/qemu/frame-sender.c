// SPDX-License-Identifier: GPL-2.0
/*
 * frame-sender - host side of the QEMU harness's DMA scenario (SPEC §7.3).
 *
 * Send raw Ethernet frames (broadcast destination, ethertype 0x88b5, the
 * IEEE local experimental one) into a QEMU "-netdev dgram" unix socket until
 * told to stop. Each frame carries the marker text once, after a sequence
 * number. No IP, no guest configuration: the guest NIC just DMAs the frame
 * into its RX ring.
 *
 *   frame-sender [-i USEC] [-t SECONDS] [-b PATH] [-p PRE] MARKER QEMU-SOCKET
 *     -i USEC     interval between frames (default 3000)
 *     -t SECONDS  stop after this long (default 60)
 *     -b PATH     bind our end to PATH (the netdev's remote.path), and
 *                 drain what QEMU sends there
 *     -p PRE      carry PRE instead of MARKER until SIGUSR2 (a DMA source
 *                 running before the crash, whose frames the dump may hold
 *                 legitimately: only MARKER, sent from the crash on, counts)
 *
 * Sends never block: when QEMU stops reading the socket (the NIC cannot
 * receive, e.g. its ring is full or Bus Master is off) the socket fills and a
 * send fails with EAGAIN; that frame is counted as "blocked", not "sent".
 * SIGUSR1 prints a progress line, SIGUSR2 a switch line, SIGTERM/SIGINT (or
 * the time limit) a final one, all "KEY=VALUE ..." on stdout:
 *   start at=UNIXTIME interval_us=N
 *   switch at=UNIXTIME sent=N blocked=N    (with -p: MARKER from now on)
 *   progress at=UNIXTIME sent=N blocked=N errors=N
 *   done at=UNIXTIME sent=N blocked=N errors=N received=N first=UNIXTIME last=UNIXTIME
 * "errors" counts other send failures (e.g. QEMU gone).
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#define FRAME_LEN	128
#define ETHERTYPE	0x88b5

static volatile sig_atomic_t stop, report, flip;

static void on_signal(int sig)
{
	if (sig == SIGUSR1)
		report = 1;
	else if (sig == SIGUSR2)
		flip = 1;
	else
		stop = 1;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void set_addr(struct sockaddr_un *sa, const char *path)
{
	size_t len = strlen(path);

	memset(sa, 0, sizeof(*sa));
	sa->sun_family = AF_UNIX;
	if (len >= sizeof(sa->sun_path)) {
		fprintf(stderr, "frame-sender: socket path too long: %s\n", path);
		exit(2);
	}
	memcpy(sa->sun_path, path, len + 1);
}

static void usage(void)
{
	fprintf(stderr,
		"usage: frame-sender [-i USEC] [-t SECONDS] [-b PATH] [-p PRE] MARKER QEMU-SOCKET\n");
	exit(2);
}

int main(int argc, char **argv)
{
	unsigned long sent = 0, blocked = 0, errors = 0, received = 0;
	long interval_us = 3000, limit_s = 60;
	const char *bind_path = NULL, *marker, *pre = NULL, *carried;
	unsigned char frame[FRAME_LEN], sink[2048];
	char payload[FRAME_LEN];
	double t_end, first = 0, last = 0;
	struct sockaddr_un dst, me;
	struct sigaction sa;
	struct timespec gap;
	size_t mlen;
	int fd, opt, n;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGUSR1, &sa, NULL);
	sigaction(SIGUSR2, &sa, NULL);
	setvbuf(stdout, NULL, _IOLBF, 0);

	while ((opt = getopt(argc, argv, "i:t:b:p:")) != -1) {
		switch (opt) {
		case 'i':
			interval_us = strtol(optarg, NULL, 10);
			break;
		case 't':
			limit_s = strtol(optarg, NULL, 10);
			break;
		case 'b':
			bind_path = optarg;
			break;
		case 'p':
			pre = optarg;
			break;
		default:
			usage();
		}
	}
	if (argc - optind != 2 || interval_us <= 0 || limit_s <= 0)
		usage();
	marker = argv[optind];
	mlen = strlen(marker);
	if (mlen == 0 || mlen > FRAME_LEN - 14 - 13 - 1 ||
	    (pre && (!*pre || strlen(pre) > FRAME_LEN - 14 - 13 - 1))) {
		fprintf(stderr, "frame-sender: markers must be 1..%d bytes\n", FRAME_LEN - 28);
		return 2;
	}
	carried = pre ? pre : marker;
	set_addr(&dst, argv[optind + 1]);

	fd = socket(AF_UNIX, SOCK_DGRAM, 0);
	if (fd < 0) {
		perror("frame-sender: socket");
		return 1;
	}
	if (bind_path) {
		set_addr(&me, bind_path);
		unlink(bind_path);
		if (bind(fd, (struct sockaddr *)&me, sizeof(me)) < 0) {
			perror("frame-sender: bind");
			return 1;
		}
	}

	/* dst ff:ff:ff:ff:ff:ff, src 52:54:00:c0:de:01 (locally administered) */
	memset(frame, 0, sizeof(frame));
	memset(frame, 0xff, 6);
	memcpy(frame + 6, "\x52\x54\x00\xc0\xde\x01", 6);
	frame[12] = ETHERTYPE >> 8;
	frame[13] = ETHERTYPE & 0xff;

	gap.tv_sec = interval_us / 1000000;
	gap.tv_nsec = (interval_us % 1000000) * 1000;
	t_end = now() + limit_s;
	printf("start at=%.6f interval_us=%ld\n", now(), interval_us);
	while (!stop && now() < t_end) {
		/* payload: "seq=NNNNNNNN " then the marker, once */
		if (flip) {
			flip = 0;
			carried = marker;
			printf("switch at=%.6f sent=%lu blocked=%lu\n", now(), sent, blocked);
		}
		n = snprintf(payload, sizeof(payload), "seq=%08lu %s",
			     (sent + blocked) % 100000000, carried);
		memset(frame + 14, 0, sizeof(frame) - 14);
		memcpy(frame + 14, payload, n);
		if (sendto(fd, frame, sizeof(frame), MSG_DONTWAIT,
			   (struct sockaddr *)&dst, sizeof(dst)) == (ssize_t)sizeof(frame)) {
			sent++;
			last = now();
			if (!first)
				first = last;
		} else if (errno == EAGAIN || errno == EWOULDBLOCK) {
			blocked++;
		} else if (errno != EINTR) {
			errors++;
		}
		while (bind_path && recv(fd, sink, sizeof(sink), MSG_DONTWAIT) > 0)
			received++;
		if (report) {
			report = 0;
			printf("progress at=%.6f sent=%lu blocked=%lu errors=%lu\n",
			       now(), sent, blocked, errors);
		}
		nanosleep(&gap, NULL);
	}
	printf("done at=%.6f sent=%lu blocked=%lu errors=%lu received=%lu first=%.6f last=%.6f\n",
	       now(), sent, blocked, errors, received, first, last);
	if (bind_path)
		unlink(bind_path);
	return 0;
}
