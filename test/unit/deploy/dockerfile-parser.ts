/**
 * A small Dockerfile reader for tests: instructions with their flags and arguments, grouped by
 * build stage. Handles comments, parser directives, line continuations (`\`), heredoc-free
 * instructions and both the shell and the JSON (exec) forms. Not a full BuildKit frontend.
 */

export interface Instruction {
  /** Upper-case keyword: FROM, RUN, COPY, … */
  keyword: string;
  /** `--from=build` → { from: 'build' } */
  flags: Record<string, string>;
  /** The rest of the line after the flags, continuation lines joined with a space. */
  rest: string;
  /** JSON (exec) form arguments when the rest is a JSON array. */
  json?: string[];
  /** 1-based line of the instruction's first line. */
  line: number;
}

export interface Stage {
  /** `FROM <image> AS <name>` (undefined for an unnamed stage). */
  name?: string;
  /** The image or parent stage, with build args expanded from their defaults. */
  base: string;
  instructions: Instruction[];
}

export interface Dockerfile {
  /** ARGs declared before the first FROM, with their defaults. */
  globalArgs: Record<string, string>;
  stages: Stage[];
}

const expand = (text: string, args: Record<string, string>): string =>
  text.replace(
    /\$\{(\w+)\}|\$(\w+)/g,
    (whole, a: string | undefined, b: string | undefined) => args[(a ?? b)!] ?? whole,
  );

export function parseDockerfile(text: string): Dockerfile {
  const logical: { text: string; line: number }[] = [];
  let current: { text: string; line: number } | undefined;
  text.split(/\r?\n/).forEach((raw, index) => {
    const trimmed = raw.trim();
    if (!current && (trimmed === '' || trimmed.startsWith('#'))) return;
    if (current && trimmed.startsWith('#')) return; // comment lines inside a continuation
    const continued = /\\\s*$/.test(raw);
    const piece = continued ? raw.replace(/\\\s*$/, '') : raw;
    if (current) current.text += ` ${piece.trim()}`;
    else current = { text: piece.trim(), line: index + 1 };
    if (!continued) {
      logical.push(current);
      current = undefined;
    }
  });
  if (current) logical.push(current);

  const result: Dockerfile = { globalArgs: {}, stages: [] };
  for (const { text: lineText, line } of logical) {
    const match = /^(\w+)\s*(.*)$/.exec(lineText);
    if (!match) throw new Error(`line ${line}: cannot parse '${lineText}'`);
    const keyword = match[1]!.toUpperCase();
    let rest = match[2]!;
    const flags: Record<string, string> = {};
    for (;;) {
      const flag = /^--([\w-]+)(?:=(\S+))?\s*/.exec(rest);
      if (!flag) break;
      flags[flag[1]!] = flag[2] ?? 'true';
      rest = rest.slice(flag[0].length);
    }
    const instruction: Instruction = { keyword, flags, rest, line };
    if (rest.startsWith('[')) {
      try {
        const parsed = JSON.parse(rest) as unknown;
        if (Array.isArray(parsed) && parsed.every((p) => typeof p === 'string')) instruction.json = parsed;
      } catch {
        // shell form that happens to start with '['
      }
    }
    if (keyword === 'ARG' && result.stages.length === 0) {
      const [name, value = ''] = rest.split('=');
      result.globalArgs[name!.trim()] = value.trim();
      continue;
    }
    if (keyword === 'FROM') {
      const parts = rest.split(/\s+/);
      const asAt = parts.findIndex((p) => p.toUpperCase() === 'AS');
      result.stages.push({
        base: expand(parts[0]!, result.globalArgs),
        ...(asAt > 0 ? { name: parts[asAt + 1] } : {}),
        instructions: [instruction],
      });
      continue;
    }
    const stage = result.stages.at(-1);
    if (!stage) throw new Error(`line ${line}: ${keyword} before the first FROM`);
    stage.instructions.push(instruction);
  }
  return result;
}

/** A stage and its ancestors (the chain of `FROM <stage>`), nearest first. */
export function stageChain(file: Dockerfile, name: string): Stage[] {
  const chain: Stage[] = [];
  let stage = file.stages.find((s) => s.name === name);
  while (stage) {
    chain.push(stage);
    const base = stage.base;
    stage = file.stages.find((s) => s.name === base);
  }
  return chain;
}

/** The effective value of the last instruction of `keyword` for a target (searching its ancestors). */
export function effective(file: Dockerfile, target: string, keyword: string): Instruction | undefined {
  for (const stage of stageChain(file, target)) {
    const found = stage.instructions.filter((i) => i.keyword === keyword).at(-1);
    if (found) return found;
  }
  return undefined;
}

/** Sources of a COPY/ADD (every argument but the destination); [] for `--from` copies. */
export function copySources(instruction: Instruction): string[] {
  if (instruction.flags.from !== undefined) return [];
  const args = instruction.json ?? instruction.rest.split(/\s+/).filter(Boolean);
  return args.slice(0, -1);
}
