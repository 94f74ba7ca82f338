/* network.c - libvirt networks as the engine exposes them. */
#include <stdio.h>
#include <stdlib.h>

#include "internal.h"

int eng_network_names(struct eng *e, char (*out)[ENG_NAME_MAX + 1], int max, struct eng_error *err)
{
	virNetworkPtr *nets = NULL;
	int n = virConnectListAllNetworks(e->conn, &nets, 0), count = 0;

	if (n < 0) {
		eng_err_libvirt(err, "cannot list networks on %s", e->uri);
		return -1;
	}
	for (int i = 0; i < n; i++) {
		if (count < max)
			snprintf(out[count++], ENG_NAME_MAX + 1, "%s", virNetworkGetName(nets[i]));
		virNetworkFree(nets[i]);
	}
	free(nets);
	return count;
}
