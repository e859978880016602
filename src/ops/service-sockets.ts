// The sockets the server will serve, ready before any request is read: systemd's or bound here, the metrics one, then the privilege policy.
import { closeListeners, openConfiguredListeners, type ListenOptions, type Listener } from "../core/listeners.ts";
import { parseMetricsAddress } from "../metrics/address.ts";
import { openMetricsListener } from "../metrics/metrics-server.ts";
import { applyPrivilegePolicy, type PrivilegeOptions } from "./privileges.ts";
import { inheritedListeners } from "./socket-activation.ts";

export interface ServiceSockets {
  readonly listeners: Listener[];
  /** The --metrics socket, or undefined without it. */
  readonly metricsListener?: Listener;
  /** The listeners were passed in (socket activation): someone else holds them and can start the server again. */
  readonly activated: boolean;
}

/**
 * Socket activation wins over --host, --port, --backlog and --tcp/--udp: the socket unit decides what is
 * served. Binding comes before the privilege drop, since port 37 needs root or CAP_NET_BIND_SERVICE; the
 * metrics socket too, so that every port the server binds meets the same rule (a port below 1024 as root
 * needs --user or --allow-root, whichever socket it is).
 */
export function openServiceSockets(options: ListenOptions & PrivilegeOptions & { metrics?: string }): ServiceSockets {
  const inherited = inheritedListeners();
  const listeners = inherited ?? openConfiguredListeners(options);
  const bound = [...listeners];
  try {
    const metricsListener =
      options.metrics === undefined ? undefined : openMetricsListener(parseMetricsAddress(options.metrics));
    if (metricsListener) bound.push(metricsListener);
    applyPrivilegePolicy(
      bound.map((listener) => listener.local.port),
      options,
    );
    return { listeners, metricsListener, activated: inherited !== null };
  } catch (error) {
    closeListeners(bound);
    throw error;
  }
}
