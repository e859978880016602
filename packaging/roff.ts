// A man page in roff from plain paragraphs and a flag table, and back: the options of a page, for the test that they agree with --help.

/** What a flag table row gives a man page; src/cli/flags.ts Flag has these and more. */
export interface FlagDoc {
  name: string;
  value?: string;
  help: string;
}

/** A config file key as its man page lists it: a term line, then its description. */
export interface KeyDoc {
  /** `name = default`, as the key would be written. */
  term: string;
  text: string;
}

export interface ManPage {
  name: string;
  section: 1 | 5 | 8;
  /** The NAME line's part after the dash. */
  summary: string;
  synopsis: string;
  description: string[];
  /** The OPTIONS section; empty for a page of a file. */
  flags: readonly FlagDoc[];
  /** A KEYS section instead, for a configuration file's page. */
  keys?: readonly KeyDoc[];
  /** Further sections after OPTIONS, each a list of paragraphs. */
  sections: Readonly<Record<string, readonly string[]>>;
}

/** Text as roff: backslashes and hyphens escaped (a bare "-" may render as a typographic hyphen), no line read as a request. */
export function roffText(text: string): string {
  return text
    .replace(/\\/g, "\\e")
    .replace(/-/g, "\\-")
    .replace(/^([.'])/gm, "\\&$1");
}

function optionEntry(flag: FlagDoc): string[] {
  const value = flag.value ? ` \\fI${roffText(flag.value)}\\fR` : "";
  return [".TP", `\\fB${roffText(`--${flag.name}`)}\\fR${value}`, roffText(flag.help)];
}

function section(title: string, paragraphs: readonly string[]): string[] {
  return [`.SH ${title}`, ...paragraphs.flatMap((p, i) => (i === 0 ? [roffText(p)] : [".PP", roffText(p)]))];
}

const MANUALS = { 1: "User Commands", 5: "File Formats", 8: "System Administration" } as const;

function keyEntry(key: KeyDoc): string[] {
  return [".TP", `\\fB${roffText(key.term)}\\fR`, roffText(key.text)];
}

export function renderManPage(page: ManPage, version: string): string {
  return [
    `.TH ${page.name.toUpperCase()} ${page.section} "" "rfc868 ${version}" "${MANUALS[page.section]}"`,
    ".SH NAME",
    `${roffText(page.name)} \\- ${roffText(page.summary)}`,
    ".SH SYNOPSIS",
    // A file's page has its path as the synopsis; a command's, its name and then its arguments.
    ...(page.section === 5
      ? [`.B ${roffText(page.synopsis)}`]
      : [`.B ${roffText(page.name)}`, roffText(page.synopsis)]),
    ...section("DESCRIPTION", page.description),
    ...(page.flags.length > 0 ? [".SH OPTIONS", ...page.flags.flatMap(optionEntry)] : []),
    ...(page.keys ? [".SH KEYS", ...page.keys.flatMap(keyEntry)] : []),
    ...Object.entries(page.sections).flatMap(([title, paragraphs]) => section(title, paragraphs)),
    "",
  ].join("\n");
}

const plain = (text: string) =>
  text
    .replace(/\\f[BIR]/g, "")
    .replace(/\\-/g, "-")
    .replace(/\\&/g, "")
    .replace(/\\e/g, "\\");

/** The KEYS entries of a page rendered above, read back as plain text. */
export function manPageKeys(roff: string): KeyDoc[] {
  const lines = roff.split("\n");
  const keys: KeyDoc[] = [];
  for (let i = lines.indexOf(".SH KEYS") + 1; i > 0 && i < lines.length && !lines[i]!.startsWith(".SH"); i += 3) {
    keys.push({ term: plain(lines[i + 1]!), text: plain(lines[i + 2]!) });
  }
  return keys;
}

/** The OPTIONS entries of a page rendered above, read back as the table rows they came from. */
export function manPageOptions(roff: string): FlagDoc[] {
  const lines = roff.split("\n");
  const start = lines.indexOf(".SH OPTIONS");
  const options: FlagDoc[] = [];
  for (let i = start + 1; i < lines.length && !lines[i]!.startsWith(".SH"); i += 3) {
    const [name, value] = plain(lines[i + 1]!).split(" ");
    options.push({ name: name!.replace(/^--/, ""), ...(value ? { value } : {}), help: plain(lines[i + 2]!) });
  }
  return options;
}
