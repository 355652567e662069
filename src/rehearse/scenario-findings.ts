import { Finding, FINDINGS } from './findings';
import { ScenarioName, ScenarioResult } from './scenario-record';
import { ServerKind } from './server-kind';

/**
 * The findings the scenarios' results call for, after the ones found so far (`earlier`): a crash that lost requests
 * (the server refuses connections while it restarts), a scenario over its deadline, and the requests any other
 * zero-downtime scenario lost. Failures the application answered itself, when the health page hides failures (an
 * earlier finding), are the pages' own and are not reported again.
 */
export function scenarioFindings(scenarios: ScenarioResult[], earlier: Finding[], socketActivation: boolean, kind: ServerKind): Finding[] {
  const findings: Finding[] = [];
  const crash = scenarios.find(s => s.name === 'crash');
  if (crash && !socketActivation && crash.failed > 0) {
    findings.push(FINDINGS.restartRefuses(crash.failed, kind));
  }
  for (const s of scenarios.filter(x => x.overDeadlineSeconds !== undefined)) {
    findings.push(FINDINGS.overDeadline(`the ${s.name} scenario`, s.overDeadlineSeconds!));
  }
  const pagesFail = earlier.some(f => f.id === 'health-page-hides-failures');
  const explained = new Set<ScenarioName>(['sigterm', 'idle-connection']);
  for (const s of scenarios) {
    if (s.zeroTarget && s.failed > 0 && !explained.has(s.name) && !(pagesFail && s.causes.length === 0)) {
      findings.push(FINDINGS.requestsFailed(s.name, s.failed, [...new Set(s.causes)].join('; ')));
    }
  }
  return findings;
}
