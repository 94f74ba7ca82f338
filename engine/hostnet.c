/* hostnet.c - ICMP echo and TCP connect from this host or from inside another
 * network namespace. A socket belongs to the namespace it was created in, so
 * the calling thread enters the namespace only to create its sockets (and to
 * read its addresses) and goes straight back: no fork, no helper program. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <ifaddrs.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <netinet/ip_icmp.h>
#include <poll.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "hostnet.h"

/* Enters ns (saving the current one in *back); ns NULL does nothing. */
static int ns_enter(const char *ns, int *back, struct eng_error *err)
{
	char path[300];
	int fd;

	*back = -1;
	if (!ns)
		return 0;
	if (strchr(ns, '/'))
		snprintf(path, sizeof(path), "%s", ns);
	else if (eng_name_check("network namespace", ns, err) < 0)
		return -1;
	else
		snprintf(path, sizeof(path), "/run/netns/%s", ns);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
		eng_err_set(err, ENG_E_NOT_FOUND, "network namespace %s: %s", ns, strerror(errno));
		return -1;
	}
	*back = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
	if (*back < 0 || setns(fd, CLONE_NEWNET) < 0) {
		eng_err_set(err, ENG_E_FAILED, "network namespace %s: cannot enter it: %s%s", ns, strerror(errno),
			    errno == EPERM ? " (needs root)" : "");
		close(fd);
		if (*back >= 0)
			close(*back);
		*back = -1;
		return -1;
	}
	close(fd);
	return 0;
}

static void ns_leave(int back)
{
	if (back >= 0) {
		if (setns(back, CLONE_NEWNET) < 0)
			abort();   /* a thread left in another namespace would lie from then on */
		close(back);
	}
}

static int socket_in(const char *ns, int type, int proto, struct eng_error *err)
{
	int back, s;

	if (ns_enter(ns, &back, err) < 0)
		return -1;
	s = socket(AF_INET, type | SOCK_CLOEXEC | SOCK_NONBLOCK, proto);
	if (s < 0)
		eng_err_set(err, ENG_E_FAILED, "cannot open a socket: %s%s", strerror(errno),
			    errno == EPERM ? " (ICMP needs root)" : "");
	ns_leave(back);
	return s;
}

static int parse_ip(const char *ip, struct sockaddr_in *sa, struct eng_error *err)
{
	memset(sa, 0, sizeof(*sa));
	sa->sin_family = AF_INET;
	if (inet_pton(AF_INET, ip, &sa->sin_addr) != 1) {
		eng_err_set(err, ENG_E_INVALID, "'%s' is not an IPv4 address", ip);
		return -1;
	}
	return 0;
}

bool hn_is_ipv4(const char *text)
{
	struct in_addr a;

	return text && inet_pton(AF_INET, text, &a) == 1;
}

static double now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

static unsigned short icmp_sum(const void *data, size_t len)
{
	const unsigned char *p = data;
	unsigned long sum = 0;

	for (size_t i = 0; i + 1 < len; i += 2)
		sum += (unsigned)(p[i] << 8 | p[i + 1]);
	if (len & 1)
		sum += (unsigned)(p[len - 1] << 8);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return htons((unsigned short)~sum);
}

/* One echo and its reply (raw socket: replies carry the IP header). */
static int echo_once(int s, const struct sockaddr_in *to, unsigned short id, unsigned short seq,
		     int timeout_ms)
{
	struct icmphdr h = { .type = ICMP_ECHO };
	unsigned char buf[1500];
	double end = now_ms() + timeout_ms;

	h.un.echo.id = htons(id);
	h.un.echo.sequence = htons(seq);
	h.checksum = icmp_sum(&h, sizeof(h));
	if (sendto(s, &h, sizeof(h), 0, (const struct sockaddr *)to, sizeof(*to)) < 0)
		return 0;   /* unreachable: no route */
	for (double left; (left = end - now_ms()) > 0;) {
		struct pollfd p = { .fd = s, .events = POLLIN };
		struct sockaddr_in from;
		socklen_t fl = sizeof(from);
		ssize_t n;

		if (poll(&p, 1, (int)left + 1) <= 0)
			break;
		n = recvfrom(s, buf, sizeof(buf), 0, (struct sockaddr *)&from, &fl);
		if (n < (ssize_t)sizeof(struct iphdr))
			continue;
		size_t ihl = (size_t)(((const struct iphdr *)buf)->ihl) * 4;
		if ((size_t)n < ihl + sizeof(struct icmphdr) || from.sin_addr.s_addr != to->sin_addr.s_addr)
			continue;
		const struct icmphdr *r = (const struct icmphdr *)(buf + ihl);
		if (r->type == ICMP_ECHOREPLY && ntohs(r->un.echo.id) == id && ntohs(r->un.echo.sequence) == seq)
			return 1;
	}
	return 0;
}

int hn_ping(const char *ns, const char *ip, int tries, int timeout_ms, struct eng_error *err)
{
	struct sockaddr_in to;
	unsigned short id = (unsigned short)(getpid() ^ (unsigned)now_ms());
	int s, got = 0;

	if (parse_ip(ip, &to, err) < 0 || (s = socket_in(ns, SOCK_RAW, IPPROTO_ICMP, err)) < 0)
		return -1;
	for (int i = 0; i < tries && !got; i++)
		got = echo_once(s, &to, id, (unsigned short)(i + 1), timeout_ms);
	close(s);
	return got;
}

int hn_tcp(const char *ns, const char *ip, unsigned port, int timeout_ms, struct eng_error *err)
{
	struct sockaddr_in to;
	struct pollfd p;
	int s, rc = 0, soerr = 0;
	socklen_t len = sizeof(soerr);

	if (parse_ip(ip, &to, err) < 0 || (s = socket_in(ns, SOCK_STREAM, 0, err)) < 0)
		return -1;
	to.sin_port = htons((unsigned short)port);
	if (connect(s, (struct sockaddr *)&to, sizeof(to)) == 0)
		rc = 1;
	else if (errno == EINPROGRESS) {
		p.fd = s;
		p.events = POLLOUT;
		if (poll(&p, 1, timeout_ms) == 1 && getsockopt(s, SOL_SOCKET, SO_ERROR, &soerr, &len) == 0 &&
		    soerr == 0)
			rc = 1;
	}
	close(s);
	return rc;
}

/* Walks the IPv4 addresses of this namespace; pick() returns true to stop. */
static int walk_addrs(bool (*pick)(const struct ifaddrs *a, void *arg), void *arg)
{
	struct ifaddrs *all, *a;
	int found = -1;

	if (getifaddrs(&all) < 0)
		return -1;
	for (a = all; a && found < 0; a = a->ifa_next)
		if (a->ifa_addr && a->ifa_addr->sa_family == AF_INET && a->ifa_netmask &&
		    ntohl(((struct sockaddr_in *)a->ifa_addr)->sin_addr.s_addr) >> 24 != 127 && pick(a, arg))
			found = 0;
	freeifaddrs(all);
	return found;
}

struct pick_arg {
	const char *ifname;
	struct in_addr net;
	unsigned prefix;
	bool by_subnet;
	char out[16];
	unsigned out_prefix;
};

static unsigned prefix_of(const struct sockaddr *mask)
{
	return (unsigned)__builtin_popcount(ntohl(((const struct sockaddr_in *)mask)->sin_addr.s_addr));
}

static bool pick(const struct ifaddrs *a, void *arg)
{
	struct pick_arg *p = arg;
	struct in_addr ad = ((const struct sockaddr_in *)a->ifa_addr)->sin_addr;

	if (p->ifname && strcmp(a->ifa_name, p->ifname) != 0)
		return false;
	if (p->by_subnet) {
		unsigned long mask = p->prefix ? 0xffffffffUL << (32 - p->prefix) & 0xffffffffUL : 0;
		if ((ntohl(ad.s_addr) & mask) != (ntohl(p->net.s_addr) & mask))
			return false;
	}
	inet_ntop(AF_INET, &ad, p->out, sizeof(p->out));
	p->out_prefix = prefix_of(a->ifa_netmask);
	return true;
}

int hn_first_addr(const char *ns, char ip[16], unsigned *prefix, struct eng_error *err)
{
	struct pick_arg p = { 0 };
	int back, rc;

	if (ns_enter(ns, &back, err) < 0)
		return -1;
	rc = walk_addrs(pick, &p);
	ns_leave(back);
	if (rc < 0) {
		eng_err_set(err, ENG_E_NOT_FOUND, "network namespace %s has no IPv4 address", ns ? ns : "(host)");
		return -1;
	}
	snprintf(ip, 16, "%s", p.out);
	*prefix = p.out_prefix;
	return 0;
}

int hn_local_addr(const char *ifname, const char *ip, unsigned prefix, char out[16])
{
	struct pick_arg p = { .ifname = ifname, .prefix = prefix };

	if (ip && inet_pton(AF_INET, ip, &p.net) == 1)
		p.by_subnet = true;
	if (walk_addrs(pick, &p) < 0)
		return -1;
	snprintf(out, 16, "%s", p.out);
	return 0;
}
