// deploy/kubernetes: every object valid against the Kubernetes API schemas (kubernetes-models), offline, and the objects agree with each other.
import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { ConfigMap, Service } from "kubernetes-models/v1";
import { Deployment } from "kubernetes-models/apps/v1";
import { PodDisruptionBudget } from "kubernetes-models/policy/v1";
import { HorizontalPodAutoscaler } from "kubernetes-models/autoscaling/v2";
import { NetworkPolicy } from "kubernetes-models/networking.k8s.io/v1";
import { FLAGS } from "../../src/cli/server-flags.ts";
import type { CliOptions } from "../../src/cli/server-options.ts";
import { configKeys } from "../../src/cli/config-keys.ts";
import { findCommand, runCommand } from "../support/commands.ts";
import { useSuiteTimeout } from "../support/suite-timeout.ts";

useSuiteTimeout();

const DIR = new URL("../../deploy/kubernetes/", import.meta.url).pathname;
const read = (file: string) => readFileSync(DIR + file, "utf8");

// The manifests are YAML, and so are their objects: a loose shape, checked by the models and the tests below.
type Manifest = Record<string, any>;

/** The models by apiVersion and kind; a manifest of any other kind fails the test. */
const MODELS: Record<string, new (data: any) => { validate(): void }> = {
  "v1 ConfigMap": ConfigMap,
  "v1 Service": Service,
  "apps/v1 Deployment": Deployment,
  "policy/v1 PodDisruptionBudget": PodDisruptionBudget,
  "autoscaling/v2 HorizontalPodAutoscaler": HorizontalPodAutoscaler,
  "networking.k8s.io/v1 NetworkPolicy": NetworkPolicy,
};

/** Throws what the schema says is wrong with `manifest` (an unknown kind included). */
function validate(manifest: Manifest): void {
  const Model = MODELS[`${manifest.apiVersion} ${manifest.kind}`];
  if (!Model) throw new Error(`no model for ${manifest.apiVersion} ${manifest.kind}`);
  new Model(manifest).validate();
}

const kustomization: Manifest = Bun.YAML.parse(read("kustomization.yaml")) as Manifest;
const generator: Manifest = kustomization.configMapGenerator[0];
const configFile: string = generator.files[0];

/** What `kubectl apply -k` creates, without kustomize: the listed files, and the ConfigMap the generator makes (its name without the hash). */
const objects: Manifest[] = [
  ...(kustomization.resources as string[]).flatMap((file) => [Bun.YAML.parse(read(file))].flat() as Manifest[]),
  { apiVersion: "v1", kind: "ConfigMap", metadata: { name: generator.name }, data: { [configFile]: read(configFile) } },
];
const one = (kind: string): Manifest => {
  const found = objects.filter((o) => o.kind === kind);
  if (found.length !== 1) throw new Error(`expected one ${kind}, found ${found.length}`);
  return found[0]!;
};
const deployment = one("Deployment");
const service = one("Service");
const pod = deployment.spec.template;
const container = pod.spec.containers[0];
const portNamed = (name: string) => container.ports.find((p: Manifest) => p.name === name);

describe("the manifests against the Kubernetes API schemas", () => {
  test("every object validates, and the set is the one asked for", () => {
    for (const object of objects) validate(object);
    console.log(
      `kubernetes-models validated: ${objects.map((o) => `${o.apiVersion} ${o.kind} ${o.metadata.name}`).join(", ")}`,
    );
    expect(objects.map((o) => o.kind).sort()).toEqual([
      "ConfigMap",
      "Deployment",
      "HorizontalPodAutoscaler",
      "NetworkPolicy",
      "PodDisruptionBudget",
      "Service",
    ]);
  });

  test("a broken manifest does not validate (so the test above can fail)", () => {
    const broken = structuredClone(deployment);
    broken.spec.template.spec.containers[0].ports[0].containerPort = "8037";
    expect(() => validate(broken)).toThrow("containerPort must be integer");
    const noPort = structuredClone(deployment);
    delete noPort.spec.template.spec.containers[0].readinessProbe.httpGet.port;
    expect(() => validate(noPort)).toThrow("httpGet must have required property port");
    const badPolicy = structuredClone(one("NetworkPolicy"));
    badPolicy.spec.ingress[1].from[0].namespaceSelector.matchLabels = "monitoring";
    expect(() => validate(badPolicy)).toThrow("matchLabels must be object");
    expect(() => validate({ ...service, kind: "Servce" })).toThrow("no model for v1 Servce");
  });
});

describe("the objects agree with each other", () => {
  const labels: Record<string, string> = pod.metadata.labels;
  const selects = (selector: Record<string, string>) =>
    Object.keys(selector).length > 0 && Object.entries(selector).every(([k, v]) => labels[k] === v);

  test("the Deployment's, Service's and PodDisruptionBudget's selectors pick the pods", () => {
    expect(selects(deployment.spec.selector.matchLabels)).toBe(true);
    expect(selects(service.spec.selector)).toBe(true);
    expect(selects(one("PodDisruptionBudget").spec.selector.matchLabels)).toBe(true);
  });

  test("the Service carries TCP and UDP on 37 to the container's 8037, keeping client addresses", () => {
    const routes = service.spec.ports.map((p: Manifest) => {
      const target = portNamed(p.targetPort);
      return `${p.protocol} ${p.port} -> ${target?.protocol} ${target?.containerPort}`;
    });
    expect(routes).toEqual(["TCP 37 -> TCP 8037", "UDP 37 -> UDP 8037"]);
    expect(service.spec.externalTrafficPolicy).toBe("Local");
    expect(["LoadBalancer", "NodePort"]).toContain(service.spec.type);
  });

  test("the probes ask the metrics listener's health endpoints over TCP: readiness /readyz, liveness /livez", () => {
    expect(container.readinessProbe.httpGet).toEqual({ path: "/readyz", port: "metrics" });
    expect(container.livenessProbe.httpGet).toEqual({ path: "/livez", port: "metrics" });
    for (const probe of [container.readinessProbe, container.livenessProbe])
      expect(portNamed(probe.httpGet.port)?.protocol).toBe("TCP");
    // The kubelet connects to the pod's address, so the metrics listener must not be bound to loopback.
    expect(String((Bun.TOML.parse(read(configFile)) as Record<string, unknown>).metrics)).toMatch(
      /^(0\.0\.0\.0|\[::\]):/,
    );
  });

  test("the NetworkPolicy picks the pods, admits the time ports from anywhere and the metrics port only from the monitoring namespace", () => {
    const policy = one("NetworkPolicy");
    expect(selects(policy.spec.podSelector.matchLabels)).toBe(true);
    expect(policy.spec.policyTypes).toEqual(["Ingress"]);
    const rules: Manifest[] = policy.spec.ingress;
    const portsOf = (rule: Manifest) =>
      rule.ports.map(
        (p: Manifest) => `${p.protocol} ${portNamed(p.port)?.protocol} ${portNamed(p.port)?.containerPort}`,
      );
    const open = rules.filter((rule) => rule.from === undefined);
    expect(open.flatMap(portsOf)).toEqual(["TCP TCP 8037", "UDP UDP 8037"]);
    const guarded = rules.filter((rule) => rule.from !== undefined);
    expect(guarded.flatMap(portsOf)).toEqual(["TCP TCP 9975"]);
    expect(guarded.flatMap((rule) => rule.from)).toEqual([
      { namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "monitoring" } } },
    ]);
    // Every port the pod opens is named in some rule: a port left out would be closed by the policy.
    const named = rules.flatMap((rule) => rule.ports.map((p: Manifest) => p.port)).sort();
    expect(named).toEqual(container.ports.map((p: Manifest) => p.name).sort());
  });

  test("the ConfigMap is mounted where --config reads it", () => {
    const volume = pod.spec.volumes.find((v: Manifest) => v.configMap?.name === generator.name);
    const mount = container.volumeMounts.find((m: Manifest) => m.name === volume?.name);
    expect(container.args).toEqual(["--config", `${mount?.mountPath}/${configFile}`]);
    expect(container.args[1]).toBe("/etc/rfc868/rfc868.toml");
  });

  test("the config file's keys are the server's, with values its parsers accept, and its ports are the container's", () => {
    const config = Bun.TOML.parse(read(configFile)) as Record<string, unknown>;
    const keys = configKeys(FLAGS);
    const options: CliOptions = { hosts: [], help: false, version: false, checkConfig: false };
    expect(Object.keys(config).filter((key) => !keys.has(key))).toEqual([]);
    for (const [key, value] of Object.entries(config)) keys.get(key)?.apply(options, value);
    expect({ port: options.port, udp: options.udp }).toEqual({ port: portNamed("time-tcp").containerPort, udp: true });
    const metricsPort = Number(String(config.metrics).split(":").pop());
    expect(metricsPort).toBe(portNamed("metrics").containerPort);
    expect(pod.metadata.annotations).toMatchObject({
      "prometheus.io/scrape": "true",
      "prometheus.io/port": String(metricsPort),
    });
  });

  test("the autoscaler scales this Deployment on CPU, which has a request to be a percentage of", () => {
    const hpa = one("HorizontalPodAutoscaler");
    expect(hpa.spec.scaleTargetRef).toEqual({
      apiVersion: "apps/v1",
      kind: "Deployment",
      name: deployment.metadata.name,
    });
    expect(hpa.spec.metrics.map((m: Manifest) => m.resource.name)).toEqual(["cpu"]);
    expect(container.resources.requests.cpu).toBeDefined();
    expect(hpa.spec.minReplicas).toBeGreaterThanOrEqual(2);
    // The autoscaler alone sets the count: a spec.replicas would be reapplied by every kubectl apply.
    expect(deployment.spec.replicas).toBeUndefined();
  });

  test("the pods run non-root, read-only, with no capability, no privilege escalation and the runtime's seccomp profile", () => {
    expect(pod.spec.securityContext).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } });
    expect(container.securityContext).toEqual({
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      runAsNonRoot: true,
      capabilities: { drop: ["ALL"] },
    });
  });

  test("the memory request covers the benchmark's peak RSS (bench/RESULTS.md) and the limit leaves twice that", () => {
    const peaks = [
      ...readFileSync(new URL("../../bench/RESULTS.md", import.meta.url), "utf8").matchAll(
        /VmHWM (\d+(?:\.\d+)?) MiB/g,
      ),
    ].map((m) => Number(m[1]));
    expect(peaks.length).toBeGreaterThan(0);
    const mebibytes = (quantity: string) => Number(/^(\d+)Mi$/.exec(quantity)?.[1]);
    expect(mebibytes(container.resources.requests.memory)).toBeGreaterThanOrEqual(Math.max(...peaks) * 1.25);
    expect(mebibytes(container.resources.limits.memory)).toBeGreaterThanOrEqual(Math.max(...peaks) * 2);
  });
});

const kubectl = findCommand("kubectl");
if (!kubectl)
  console.log(
    "kubernetes-manifests.test.ts: skipping the kustomize build: no kubectl (its kustomize is what `kubectl apply -k` runs)",
  );

describe.skipIf(!kubectl)("kubectl kustomize deploy/kubernetes", () => {
  test("builds objects that validate, and the pods name the hashed ConfigMap, so a config change rolls them", async () => {
    const run = await runCommand([kubectl!, "kustomize", DIR]);
    expect(run.stderr).toBe("");
    const built = Bun.YAML.parse(run.stdout) as Manifest[];
    for (const object of built) validate(object);
    const configMap = built.find((o) => o.kind === "ConfigMap")!;
    expect(configMap.metadata.name).toMatch(new RegExp(`^${generator.name}-[a-z0-9]{10}$`));
    const pods = built.find((o) => o.kind === "Deployment")!.spec.template.spec;
    expect(pods.volumes.map((v: Manifest) => v.configMap.name)).toEqual([configMap.metadata.name]);
    expect(pods.containers[0].readinessProbe.httpGet).toEqual({ path: "/readyz", port: "metrics" });
    expect(pods.containers[0].livenessProbe.httpGet).toEqual({ path: "/livez", port: "metrics" });
    expect(built.filter((o) => o.kind === "NetworkPolicy").map((o) => o.metadata.name)).toEqual(["rfc868"]);
  });
});
