// Typed metric families: each declared once with its name, help, type, labels and counters-line name; code counts through handles.

export type MetricType = "counter" | "gauge";

/** A label: its name, and the values it may take (a closed set, known up front), or none for an open one (errno names). */
export interface LabelSpec<V extends string = string> {
  readonly name: string;
  readonly values?: readonly V[];
  /** A value spelled otherwise in the counters line (a name that predates the label). */
  readonly inLine?: Readonly<Partial<Record<V, string>>>;
}

export interface FamilySpec<V extends readonly string[]> {
  /** The Prometheus name, without `_total`. */
  readonly name: string;
  readonly help: string;
  readonly type: MetricType;
  readonly labels: { readonly [I in keyof V]: LabelSpec<V[I]> };
  /** Series shown on the metrics page at 0 before anything is counted. */
  readonly always?: readonly V[];
  /** The series' name in the counters line (SIGUSR1, exit): `{label}` stands for that label's value, e.g. "refused_{transport}_{reason}". */
  readonly line: string;
}

/** One series: the handle code resolves once and counts through. */
export class Series {
  #value = 0;
  #counted = false;
  readonly #onFirstCount: (series: Series) => void;

  constructor(
    /** Label name and value pairs, in the family's label order. */
    readonly labels: readonly (readonly [string, string])[],
    readonly lineName: string,
    onFirstCount: (series: Series) => void,
  ) {
    this.#onFirstCount = onFirstCount;
  }

  get value(): number {
    return this.#value;
  }

  /** Count `n` (default one); a series counted once, even by 0, is shown from then on. */
  inc(n = 1): void {
    if (!this.#counted) {
      this.#counted = true;
      this.#onFirstCount(this);
    }
    this.#value += n;
  }
}

type Node = Series | Map<string, Node>;

/** `pattern` with each `{label}` replaced by that label's value (or its inLine spelling); made once per series. */
function lineName(pattern: string, labels: readonly LabelSpec[], values: readonly string[]): string {
  return pattern.replace(/\{([a-z_]+)\}/g, (_, name: string) => {
    const i = labels.findIndex((label) => label.name === name);
    if (i < 0) throw new Error(`counters-line pattern "${pattern}" names no label "${name}"`);
    return labels[i]!.inLine?.[values[i]!] ?? values[i]!;
  });
}

export class Family<V extends readonly string[]> {
  readonly name: string;
  readonly help: string;
  readonly type: MetricType;
  readonly #shown: Series[] = [];
  readonly #spec: FamilySpec<V>;
  readonly #root: Node;
  readonly #created: (series: Series) => void;
  readonly #firstCount: (series: Series) => void;

  constructor(spec: FamilySpec<V>, created: (series: Series) => void, firstCount: (series: Series) => void) {
    ({ name: this.name, help: this.help, type: this.type } = spec);
    this.#spec = spec;
    this.#created = created;
    this.#firstCount = (series) => {
      if (!this.#shown.includes(series)) this.#shown.push(series);
      firstCount(series);
    };
    this.#root = this.#grow([], 0);
    for (const values of spec.always ?? []) this.#shown.push(this.labels(...values));
  }

  /** The series to show, in order: the `always` ones, then the others as first counted. */
  get shown(): readonly Series[] {
    return this.#shown;
  }

  /**
   * The series of these label values, made the first time it is asked for. Resolve it once where a
   * request is counted; an open label's values are looked up in a map, no name is built. A value outside a closed label's set throws.
   */
  labels(...values: V): Series {
    let node = this.#root;
    for (let i = 0; i < values.length; i++) {
      const map = node as Map<string, Node>;
      let next = map.get(values[i]!);
      if (next === undefined) {
        const label = this.#spec.labels[i] as LabelSpec;
        if (label.values)
          throw new Error(
            `${this.name}: label ${label.name} has no value "${values[i]}" (one of ${label.values.join(", ")})`,
          );
        next = this.#grow(values.slice(0, i + 1), i + 1);
        map.set(values[i]!, next);
      }
      node = next;
    }
    return node as Series;
  }

  /** The subtree under `prefix`: every value of the closed labels from `level` on, down to an open label or the series. */
  #grow(prefix: readonly string[], level: number): Node {
    const labels = this.#spec.labels as readonly LabelSpec[];
    if (level === labels.length) {
      const values = prefix as unknown as V;
      const series = new Series(
        labels.map((label, i) => [label.name, prefix[i]!] as const),
        lineName(this.#spec.line, labels, values),
        this.#firstCount,
      );
      this.#created(series);
      return series;
    }
    return new Map((labels[level]!.values ?? []).map((value) => [value, this.#grow([...prefix, value], level + 1)]));
  }
}

/** Every family of a program, and the counters line over them. Values are plain numbers, so a snapshot is a plain object. */
export class MetricsRegistry {
  readonly families: Family<readonly string[]>[] = [];
  readonly #byLine = new Map<string, Series>();
  /** Every series counted so far, in the order each was first counted: the counters line's order. */
  readonly #counted: Series[] = [];

  /** Declare a family; declaration order is the metrics page's order. */
  protected family<V extends readonly string[]>(spec: FamilySpec<V>): Family<V> {
    const family = new Family(
      spec,
      (series) => {
        if (this.#byLine.has(series.lineName))
          throw new Error(`${spec.name}: counters-line name ${series.lineName} is taken`);
        this.#byLine.set(series.lineName, series);
      },
      (series) => this.#counted.push(series),
    );
    this.families.push(family as unknown as Family<readonly string[]>);
    return family;
  }

  /** A series' value by its counters-line name (served_tcp, refused_tcp_denied, tcp_ECONNRESET); 0 if never counted. */
  get(lineName: string): number {
    return this.#byLine.get(lineName)?.value ?? 0;
  }

  /** Every series counted so far, by counters-line name, in first-counted order. */
  snapshot(): Record<string, number> {
    return Object.fromEntries(this.#counted.map((series) => [series.lineName, series.value]));
  }

  /** The sum of every series: it moves whenever anything is counted (the idle exit's sign of activity). */
  total(): number {
    return this.#counted.reduce((sum, series) => sum + series.value, 0);
  }

  /** One line, `served_tcp=3 client_gone=1`, in first-counted order. */
  counterLine(): string {
    if (this.#counted.length === 0) return "no requests";
    return this.#counted.map((series) => `${series.lineName}=${series.value}`).join(" ");
  }
}
