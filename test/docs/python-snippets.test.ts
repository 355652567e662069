// Every Python snippet of the README and the docs pages parses (python3's own `ast`), and every name it imports
// from `cdk_zero_downtime_web_tier`, every class and static method it calls and every keyword it passes to them is
// what jsii publishes for Python: read from the built assembly (.jsii), props of the right struct in snake_case.
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { allDocs, codeBlocks, readDoc, ROOT } from './pages';

const MODULE = 'cdk_zero_downtime_web_tier';

interface PythonSnippet {
  readonly source: string;
  /** The line of the opening fence (1-based). */
  readonly line: number;
  readonly code: string;
}

/** What python3's `ast` found in a snippet: a syntax error, the library's names it imports, its calls. */
interface Parsed {
  readonly error?: string;
  /** The line of the syntax error, in the snippet (1-based). */
  readonly errorLine?: number;
  readonly imports: Array<{ name: string; line: number }>;
  /** Names imported from other modules (`App`, `ec2`...). */
  readonly foreign: string[];
  readonly calls: Array<{ line: number; func: string[]; keywords: string[] }>;
}

// Reads a JSON list of sources on stdin, prints a JSON list of Parsed.
const PARSER = `
import ast, json, sys
result = []
for code in json.load(sys.stdin):
    try:
        tree = ast.parse(code)
    except SyntaxError as e:
        result.append({'error': e.msg, 'errorLine': e.lineno or 1, 'imports': [], 'foreign': [], 'calls': []})
        continue
    imports, foreign, calls = [], [], []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module == '${MODULE}':
            imports += [{'name': a.name, 'line': node.lineno} for a in node.names]
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            foreign += [a.asname or a.name for a in node.names]
        if isinstance(node, ast.Call):
            f, parts = node.func, []
            while isinstance(f, ast.Attribute):
                parts.insert(0, f.attr)
                f = f.value
            if isinstance(f, ast.Name):
                parts.insert(0, f.id)
                calls.append({'line': node.lineno, 'func': parts, 'keywords': [k.arg for k in node.keywords if k.arg]})
    result.append({'imports': imports, 'foreign': foreign, 'calls': calls})
print(json.dumps(result))
`;

function extractPythonSnippets(source: string, markdown: string): PythonSnippet[] {
  return codeBlocks(source, markdown).filter(block => ['python', 'py'].includes(block.language))
    .map(block => ({ source, line: block.line, code: block.code }));
}

function parse(snippets: PythonSnippet[]): Parsed[] {
  const run = spawnSync('python3', ['-c', PARSER], { input: JSON.stringify(snippets.map(s => s.code)), encoding: 'utf8', timeout: 30_000 });
  if (run.status !== 0) {
    throw new Error(`python3 failed: ${run.error ?? run.stderr}`);
  }
  return JSON.parse(run.stdout);
}

interface JsiiType {
  kind: string;
  datatype?: boolean;
  interfaces?: string[];
  properties?: Array<{ name: string }>;
  initializer?: { parameters?: Array<{ type: { fqn?: string } }> };
  methods?: Array<{ name: string; static?: boolean; parameters?: Array<{ type: { fqn?: string } }> }>;
}

/** jsii's Python name of a camelCase member: `healthCheckPath` is `health_check_path`. */
function snake(name: string): string {
  return name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').replace(/([A-Z])([A-Z][a-z])/g, '$1_$2').toLowerCase();
}

/** Checks parsed snippets against the assembly's types (by their Python names); one message per mistake. */
function check(snippets: PythonSnippet[], parsed: Parsed[], types: Record<string, JsiiType>): string[] {
  const byName = new Map(Object.entries(types).map(([fqn, type]) => [fqn.split('.').pop()!, { fqn, type }]));
  const structProps = (fqn: string | undefined): Set<string> | undefined => {
    const type = fqn ? types[fqn] : undefined;
    if (!type?.datatype) {
      return undefined;
    }
    const names = new Set((type.properties ?? []).map(p => snake(p.name)));
    for (const base of type.interfaces ?? []) {
      structProps(base)?.forEach(name => names.add(name));
    }
    return names;
  };
  const errors: string[] = [];
  parsed.forEach((result, i) => {
    const at = (line: number) => `${snippets[i].source} line ${snippets[i].line + line}`;
    if (result.error) {
      errors.push(`${at(result.errorLine ?? 1)}: ${result.error}`);
      return;
    }
    for (const { name, line } of result.imports) {
      if (!byName.has(name)) {
        errors.push(`${at(line)}: ${MODULE} has no ${name}`);
      }
    }
    for (const call of result.calls) {
      // A fragment quoted in prose may leave its imports out: a library name not imported from elsewhere is the library's.
      const owner = result.foreign.includes(call.func[0]) ? undefined : byName.get(call.func[0]);
      if (!owner || call.func.length > 2) {
        continue; // not the library's, or a method of an instance
      }
      let props: Set<string> | undefined;
      let what = call.func.join('.');
      if (call.func.length === 1) {
        const params = owner.type.initializer?.parameters ?? [];
        props = owner.type.datatype ? structProps(owner.fqn) : structProps(params[params.length - 1]?.type.fqn);
      } else {
        const method = (owner.type.methods ?? []).find(m => m.static && snake(m.name) === call.func[1]);
        if (!method) {
          errors.push(`${at(call.line)}: ${call.func[0]} has no static method ${call.func[1]}`);
          continue;
        }
        const params = method.parameters ?? [];
        props = structProps(params[params.length - 1]?.type.fqn);
        what = `${call.func[0]}.${call.func[1]}`;
      }
      for (const keyword of call.keywords) {
        if (!props?.has(keyword)) {
          errors.push(`${at(call.line)}: ${what} takes no keyword ${keyword}`);
        }
      }
    }
  });
  return errors;
}

describe('README and docs Python snippets', () => {
  const assembly = path.join(ROOT, '.jsii');
  const snippets = allDocs().flatMap(file => extractPythonSnippets(file, readDoc(file)));
  let types: Record<string, JsiiType>;

  beforeAll(() => {
    if (!fs.existsSync(assembly)) {
      throw new Error('.jsii is missing: the Python snippets are checked against the built assembly. Run `npx projen compile` first.');
    }
    types = JSON.parse(fs.readFileSync(assembly, 'utf8')).types;
  });

  test('every snippet parses, and uses only classes, static methods and keywords the Python binding has', () => {
    expect(snippets.filter(s => s.source === 'README.md').length).toBeGreaterThanOrEqual(6);
    const parsed = parse(snippets);
    expect(parsed.flatMap(p => p.calls).filter(c => c.keywords.length > 0).length).toBeGreaterThanOrEqual(8);
    expect(check(snippets, parsed, types)).toEqual([]);
  });

  test('a syntax error, a misspelt keyword, a camelCase one, another struct\'s, an unknown name or method fails, at its line', () => {
    const sample = extractPythonSnippets('sample.md', [
      '```python',
      `from ${MODULE} import WebApplication, WebHealthCheckPresets, ZeroDowntimeWebTier, NoSuchThing`,
      'ZeroDowntimeWebTier(stack, "Web", health_chek=WebHealthCheckPresets.fast(), webMinCapacity=2, web_max_capacity=6)',
      'WebApplication.from_directory("./app", start_command="node server.js", health_check="/healthz")',
      'WebApplication.from_folder("./app")',
      '```',
      '```python',
      'ZeroDowntimeWebTier(stack, "Web"',
      '```',
      '```python',
      'WebFleet(stack, "Fleet", vpc=vpc, min_capacity=2, web_min_capacity=2)',
      '```',
    ].join('\n'));
    expect(check(sample, parse(sample), types)).toEqual([
      `sample.md line 2: ${MODULE} has no NoSuchThing`,
      'sample.md line 3: ZeroDowntimeWebTier takes no keyword health_chek',
      'sample.md line 3: ZeroDowntimeWebTier takes no keyword webMinCapacity',
      'sample.md line 4: WebApplication.from_directory takes no keyword health_check',
      'sample.md line 5: WebApplication has no static method from_folder',
      expect.stringMatching(/^sample\.md line 8: /),
      'sample.md line 11: WebFleet takes no keyword web_min_capacity',
    ]);
  });
});
