// --metrics ADDR:PORT: where the metrics endpoint listens; an IPv6 address goes in brackets, as in a URL.
import { parseIp } from "../../native/index.ts";
import { ConfigError } from "../base/config-error.ts";

export interface MetricsAddress {
  readonly host: string;
  readonly port: number;
}

/** `127.0.0.1:9975` or `[::1]:9975` (port 0 picks a free one); ConfigError, naming the problem, for anything else. */
export function parseMetricsAddress(text: string): MetricsAddress {
  const match = /^(?:\[([^\]]+)\]|([^:[\]]+)):(\d{1,5})$/.exec(text);
  const host = match?.[1] ?? match?.[2];
  const port = Number(match?.[3]);
  if (!match || !host || !parseIp(host) || port > 65535) {
    throw new ConfigError(
      `expected ADDR:PORT with an IP address literal (IPv6 in brackets) and a port from 0 to 65535, got ${JSON.stringify(text)}`,
    );
  }
  if ((match[1] !== undefined) !== host.includes(":"))
    throw new ConfigError(`an IPv6 address goes in brackets, an IPv4 one does not: ${JSON.stringify(text)}`);
  return { host, port };
}

/** The endpoint's URL, for the start-up line tests and operators read. */
export function metricsUrl({ host, port }: MetricsAddress): string {
  return `http://${host.includes(":") ? `[${host}]` : host}:${port}/metrics`;
}
