// A man page in roff from plain paragraphs and a flag table, and back: the options of a page, for the test that they agree with --help.

/** What a flag table row gives a man page; src/cli/flags.ts Flag has these and more. */
export interface FlagDoc {
  name: string;
  value?: string;
  help: string;
}

export interface ManPage {
  name: string;
  section: 1 | 8;
  /** The NAME line's part after the dash. */
  summary: string;
  synopsis: string;
  description: string[];
  flags: readonly FlagDoc[];
  /** Further sections after OPTIONS, each a list of paragraphs. */
  sections: Readonly<Record<string, readonly string[]>>;
}

/** Text as roff: backslashes and hyphens escaped (a bare "-" may render as a typographic hyphen), no line read as a request. */
export function roffText(text: string): string {
  return text.replace(/\\/g, "\\e").replace(/-/g, "\\-").replace(/^([.'])/gm, "\\&$1");
}

function optionEntry(flag: FlagDoc): string[] {
  const value = flag.value ? ` \\fI${roffText(flag.value)}\\fR` : "";
  return [".TP", `\\fB${roffText(`--${flag.name}`)}\\fR${value}`, roffText(flag.help)];
}

function section(title: string, paragraphs: readonly string[]): string[] {
  return [`.SH ${title}`, ...paragraphs.flatMap((p, i) => (i === 0 ? [roffText(p)] : [".PP", roffText(p)]))];
}

export function renderManPage(page: ManPage, version: string): string {
  return [
    `.TH ${page.name.toUpperCase()} ${page.section} "" "rfc868 ${version}" "${page.section === 8 ? "System Administration" : "User Commands"}"`,
    ".SH NAME",
    `${roffText(page.name)} \\- ${roffText(page.summary)}`,
    ".SH SYNOPSIS",
    `.B ${roffText(page.name)}`,
    roffText(page.synopsis),
    ...section("DESCRIPTION", page.description),
    ".SH OPTIONS",
    ...page.flags.flatMap(optionEntry),
    ...Object.entries(page.sections).flatMap(([title, paragraphs]) => section(title, paragraphs)),
    "",
  ].join("\n");
}

/** The OPTIONS entries of a page rendered above, read back as the table rows they came from. */
export function manPageOptions(roff: string): FlagDoc[] {
  const lines = roff.split("\n");
  const start = lines.indexOf(".SH OPTIONS");
  const plain = (text: string) => text.replace(/\\f[BIR]/g, "").replace(/\\-/g, "-").replace(/\\&/g, "").replace(/\\e/g, "\\");
  const options: FlagDoc[] = [];
  for (let i = start + 1; i < lines.length && !lines[i]!.startsWith(".SH"); i += 3) {
    const [name, value] = plain(lines[i + 1]!).split(" ");
    options.push({ name: name!.replace(/^--/, ""), ...(value ? { value } : {}), help: plain(lines[i + 2]!) });
  }
  return options;
}
