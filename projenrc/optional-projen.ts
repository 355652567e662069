// Run after jsii (the `compile` task): keeps projen, an optional peer dependency, out of what plain users load.
//
// The projen project type (`src/project/`) must be in the jsii assembly and reachable from the package's main
// module, where `projen new --from` looks it up. Compiled as is, `require('cdk-zero-downtime-web-tier')` would load
// projen, and a TypeScript app that type-checks its dependencies' declarations (no `skipLibCheck`) would fail
// on `import ... from 'projen'`. So, in lib/:
// - index.js loads the `projects` namespace on first access instead of at require time;
// - project/*.d.ts tolerate a missing projen: its types become `any` there, the construct types are untouched.
import * as fs from 'fs';
import * as path from 'path';

const LIB = path.join(__dirname, '..', 'lib');
/** The jsii submodule of the project type (`export * as projects from './project'` in src/index.ts)... */
const NAMESPACE = 'projects';
/** ...and its folder. */
const FOLDER = 'project';

const EAGER_EXPORT = new RegExp(`^exports\\.${NAMESPACE} = (?:__importStar\\()?require\\("\\./${FOLDER}"\\)\\)?;$`, 'm');
const LAZY_MARKER = `// ${NAMESPACE}: loaded on first access (projen is an optional peer dependency)`;
const LAZY_EXPORT = `${LAZY_MARKER}
Object.defineProperty(exports, "${NAMESPACE}", {
    enumerable: true,
    configurable: true,
    get: function () {
        try {
            return require("./${FOLDER}");
        }
        catch (e) {
            if (e && e.code === "MODULE_NOT_FOUND" && /'projen'/.test(e.message)) {
                throw new Error("cdk-zero-downtime-web-tier: the '${NAMESPACE}' namespace holds a projen project type and needs projen, " +
                    "an optional peer dependency of this library: npm install --save-dev projen (or run npx projen new --from cdk-zero-downtime-web-tier)");
            }
            throw e;
        }
    },
});`;

const PROJEN_IMPORT = /^(import .* from ['"]projen['"];)$/gm;
const TS_IGNORE = '// @ts-ignore projen is an optional peer dependency: without it, its types are `any` here';

function patchIndex(): void {
  const file = path.join(LIB, 'index.js');
  const js = fs.readFileSync(file, 'utf8');
  if (js.includes(LAZY_MARKER)) {
    return;
  }
  if (!EAGER_EXPORT.test(js)) {
    throw new Error(`${file}: found no line like 'exports.${NAMESPACE} = __importStar(require("./${FOLDER}"));' ` +
      'to make lazy. Did the compiler change how it emits `export * as` (see projenrc/optional-projen.ts)?');
  }
  fs.writeFileSync(file, js.replace(EAGER_EXPORT, LAZY_EXPORT));
}

function patchDeclarations(dir: string): number {
  let imports = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      imports += patchDeclarations(file);
    } else if (entry.name.endsWith('.d.ts')) {
      const dts = fs.readFileSync(file, 'utf8');
      const patched = dts.replace(PROJEN_IMPORT, (line, _match, offset: number) => {
        imports++;
        return dts.slice(0, offset).endsWith(`${TS_IGNORE}\n`) ? line : `${TS_IGNORE}\n${line}`;
      });
      if (patched !== dts) {
        fs.writeFileSync(file, patched);
      }
    }
  }
  return imports;
}

if (!fs.existsSync(path.join(LIB, 'index.js'))) {
  throw new Error(`${LIB}/index.js does not exist: run this after jsii (npx projen compile)`);
}
patchIndex();
if (patchDeclarations(path.join(LIB, FOLDER)) === 0) {
  throw new Error(`found no projen import in ${LIB}/${FOLDER}/**/*.d.ts: nothing to make optional`);
}
