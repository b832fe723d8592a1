/* SPDX-License-Identifier: GPL-2.0 */
/* Minimal TAP producer: one ok()/not ok line per assertion, plan at the end. */
#ifndef _TAP_H
#define _TAP_H

__attribute__((format(printf, 2, 3)))
int tap_ok(int pass, const char *fmt, ...);
__attribute__((format(printf, 1, 2)))
void tap_diag(const char *fmt, ...);
/* Print the plan; return the exit status (0 if every assertion passed). */
int tap_done(void);

#define ok(cond, ...)	tap_ok(!!(cond), __VA_ARGS__)

/* Equality with the two values shown on failure. */
#define is(got, want, ...) ({						\
	long long _g = (long long)(got), _w = (long long)(want);	\
	int _r = tap_ok(_g == _w, __VA_ARGS__);				\
	if (!_r)							\
		tap_diag("  got %lld (%#llx), want %lld (%#llx)",	\
			 _g, _g, _w, _w);				\
	_r;								\
})

#endif
