/**
 * The API reference site (`npm run docs`, configured by typedoc.json) builds without a warning or
 * an error, and its navigation is `src/index.ts`'s table of contents: one group per `// ` section
 * comment, in that order, each holding exactly the names exported under that comment. The
 * sections are read from index.ts, so the site cannot drift from it: a new export without its
 * section's `@group` tag, or a signature reaching a type index.ts does not export, fails here.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { inflateSync } from 'node:zlib';
import { Application, Logger, LogLevel, TSConfigReader, TypeDocReader } from 'typedoc';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** The index's sections in order, each with the names exported under it. */
function indexSections(): { title: string; names: string[] }[] {
  const text = readFileSync(join(root, 'src', 'index.ts'), 'utf8').replace(/\/\*[\s\S]*?\*\//g, '');
  const sections: { title: string; names: string[] }[] = [];
  for (const match of text.matchAll(/^\/\/ (.+)$|^export (?:type )?\{([^}]*)\}/gm)) {
    if (match[1] !== undefined) {
      sections.push({ title: match[1].trim(), names: [] });
    } else {
      const names = match[2].split(',').map((name) => name.trim()).filter((name) => name !== '');
      sections[sections.length - 1].names.push(...names.map((name) => name.split(/\s+as\s+/).pop()!));
    }
  }
  return sections;
}

class CollectingLogger extends Logger {
  readonly messages: string[] = [];

  override log(message: string, level: LogLevel): void {
    super.log(message, level);
    if (level === LogLevel.Warn || level === LogLevel.Error) {
      this.messages.push(`${LogLevel[level]}: ${message}`);
    }
  }
}

interface NavigationNode {
  text: string;
  children?: NavigationNode[];
}

describe('API reference site (TypeDoc)', () => {
  const out = mkdtempSync(join(tmpdir(), 'pa-docs-'));
  const logger = new CollectingLogger();
  let navigation: NavigationNode[] = [];

  beforeAll(async () => {
    const app = await Application.bootstrapWithPlugins(
      { options: join(root, 'typedoc.json'), tsconfig: join(root, 'tsconfig.json'), out },
      [new TypeDocReader(), new TSConfigReader()],
    );
    // Warnings while reading typedoc.json went to the console logger: count them too.
    for (let k = 0; k < app.logger.warningCount; k++) logger.messages.push('Warning: (reading the options, see above)');
    for (let k = 0; k < app.logger.errorCount; k++) logger.messages.push('Error: (reading the options, see above)');
    app.logger = logger;
    const project = await app.convert();
    expect(project, logger.messages.join('\n')).toBeDefined();
    app.validate(project!);
    await app.generateOutputs(project!);
    const script = readFileSync(join(out, 'assets', 'navigation.js'), 'utf8');
    const data = /window\.navigationData = "([^"]*)"/.exec(script);
    expect(data, 'assets/navigation.js holds window.navigationData').not.toBeNull();
    navigation = JSON.parse(inflateSync(Buffer.from(data![1], 'base64')).toString('utf8')) as NavigationNode[];
  }, 180_000);

  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it('builds with no warning and no error', () => {
    expect(logger.messages).toEqual([]);
  });

  it('reads sections from src/index.ts (the parse this test relies on)', () => {
    const sections = indexSections();
    expect(sections[0]).toEqual(expect.objectContaining({ title: 'Errors' }));
    expect(sections[0].names).toContain('PartitionedArraysError');
    expect(sections.find((s) => s.title === 'Solvers')?.names).toEqual(
      expect.arrayContaining(['cg', 'CgSolver', 'CgOptions', 'jacobi', 'Preconditioner']),
    );
  });

  it("has one navigation group per index.ts section, in index.ts order", () => {
    expect(navigation.map((group) => group.text)).toEqual(indexSections().map((section) => section.title));
  });

  it('puts every export in the group of its index.ts section, and nothing else', () => {
    const actual = navigation.map((group) => ({
      title: group.text,
      names: (group.children ?? []).map((child) => child.text).sort(),
    }));
    const expected = indexSections().map((section) => ({ title: section.title, names: [...section.names].sort() }));
    expect(actual).toEqual(expected);
  });
});
