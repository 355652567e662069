import { missingDrillPrerequisites, prerequisiteHint } from '../../drill/prerequisites';

const missing = missingDrillPrerequisites();

/** `describe` when the drill's prerequisites are here; under CI a failing test names what is missing, elsewhere a skip. */
export const describeDrill = missing.length === 0 ? describe : process.env.CI
  ? (name: string, fn: () => void) => describe(name, () => {
    test('has its prerequisites', () => {
      throw new Error(`CI is set and ${prerequisiteHint(missing)}`);
    });
    void fn;
  })
  : (name: string, fn: () => void) => {
    // eslint-disable-next-line no-console
    console.warn(`SKIPPING "${name}": ${prerequisiteHint(missing)}`);
    describe.skip(name, fn);
  };
