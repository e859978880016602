// The sockets the server will serve, ready before any request is read: systemd's or bound here, then the privilege policy.
import { closeListeners, openConfiguredListeners, type ListenOptions, type Listener } from "../core/listeners.ts";
import { applyPrivilegePolicy, type PrivilegeOptions } from "./privileges.ts";
import { inheritedListeners } from "./socket-activation.ts";

/**
 * Socket activation wins over --host, --port, --backlog and --tcp/--udp: the socket unit decides what is
 * served. Binding comes before the privilege drop, since port 37 needs root or CAP_NET_BIND_SERVICE.
 */
export function openServiceSockets(options: ListenOptions & PrivilegeOptions): Listener[] {
  const listeners = inheritedListeners() ?? openConfiguredListeners(options);
  try {
    applyPrivilegePolicy(listeners.map((listener) => listener.local.port), options);
  } catch (error) {
    closeListeners(listeners);
    throw error;
  }
  return listeners;
}
