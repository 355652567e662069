/**
 * Runtime test harness: the local plumbing (src/local/) and stand-ins (src/stand-ins/) re-exported by
 * `tools/local-servers.ts` with the tests' stand-in `aws` CLI, plus jest helpers.
 */
import { missingPrerequisites, Prerequisite } from '../../tools/local-servers';

export * from '../../tools/local-servers';

/**
 * `describe` when the system tools are there. Otherwise: under CI the suite fails with a clear message,
 * elsewhere it is skipped with a hint.
 */
export function describeWith(needs: Prerequisite[]): jest.Describe {
  const missing = missingPrerequisites(needs);
  if (missing.length === 0) return describe;
  const hint = `runtime tests need ${missing.join(', ')}: run .ci/run, or apt-get install redis-server shellcheck openssl curl (the rehearsal's corpus: nginx-light gunicorn python3-flask uvicorn python3-starlette)`;
  if (process.env.CI) throw new Error(`CI is set and prerequisites are missing: ${hint}`);
  // eslint-disable-next-line no-console
  console.warn(`SKIPPING: ${hint}`);
  return describe.skip;
}

