// The xinetd configuration the bench runs: only the internal RFC 868 time service, TCP and UDP, on one loopback port.

/**
 * `cps` is raised because its default (50 connections per second, then the service is switched off for
 * 10 s) would end the run at once, and `instances` because the default caps concurrent servers.
 * UNLISTED: the port is not /etc/services' 37. Logging goes to a file in the run's temp dir, and only
 * failures are logged, like the other quiet peers.
 */
export function xinetdConfig(port: number, logPath: string): string {
  const service = (id: string, socketType: string, protocol: string, wait: string) => `service time
{
	type		= INTERNAL UNLISTED
	id		= ${id}
	socket_type	= ${socketType}
	protocol	= ${protocol}
	wait		= ${wait}
	user		= root
	bind		= 127.0.0.1
	port		= ${port}
	cps		= 1000000 1
	instances	= UNLIMITED
	per_source	= UNLIMITED
}
`;
  return `# Written by bench/xinetd-conf.ts for one benchmark run.
defaults
{
	log_type	= FILE ${logPath}
	log_on_success	=
	log_on_failure	= HOST
}

${service("time-stream", "stream", "tcp", "no")}
${service("time-dgram", "dgram", "udp", "yes")}`;
}
