import { awscdk } from 'projen';
import { JobPermission } from 'projen/lib/github/workflows-model';

/** The upgrade gate's baseline and the changelog, recorded at each release and proposed to main in a pull request. */
export function addReleaseRecording(project: awscdk.AwsCdkConstructLibrary): void {
  // The templates of test/upgrade/programs.ts, synthesized by this checkout, as a baseline of test/upgrade/baselines/
  // that the gate diffs every later commit against. `--name` names the folder (default: package.json's version).
  project.addTask('upgrade:baseline', {
    description: 'Record the upgrade gate\'s baseline: the user programs\' templates of this code (test/upgrade/baselines/<name>/)',
    exec: 'ts-node --transpile-only --project tsconfig.dev.json tools/upgrade-baseline.ts',
    env: { CDK_VALIDATION: 'false' },
    receiveArgs: true,
  });
  project.addTask('changelog:record', {
    description: 'Put the release notes of dist/changelog.md (written by bump) at the top of CHANGELOG.md',
    exec: 'ts-node --transpile-only --project tsconfig.dev.json tools/record-changelog.ts',
  });
  // At each release (after the `release` job built and tagged it): record the baseline of the released code and its
  // notes in CHANGELOG.md, and open a pull request to main with both (the same way projen's upgrade-main workflow
  // proposes its changes, with the PROJEN_GITHUB_TOKEN secret). Merging that pull request is how the baseline gets
  // into the repository: from then on the gate diffs every change against what that release deploys.
  project.release?.addJobs({
    release_upgrade_baseline: {
      name: 'Record the upgrade baseline and the changelog of the release',
      needs: ['release'],
      runsOn: ['ubuntu-latest'],
      permissions: { contents: JobPermission.READ },
      if: "needs.release.outputs.tag_exists != 'true' && needs.release.outputs.latest_commit == github.sha",
      steps: [
        { name: 'Checkout', uses: 'actions/checkout@3d3c42e5aac5ba805825da76410c181273ba90b1', with: { ref: '${{ github.sha }}' } },
        { uses: 'actions/setup-node@v7.0.0', with: { 'node-version': 'lts/*' } },
        { name: 'Install dependencies', run: 'npm ci' },
        {
          name: 'Download build artifacts',
          uses: 'actions/download-artifact@3e5f45b2cfb9172054b4087a40e8e0b5a5461e7c',
          with: { 'artifact-ids': '${{ needs.release.outputs.artifact_id }}', 'path': 'dist' },
        },
        { name: 'Record the baseline', run: 'npx projen upgrade:baseline --name "$(cat dist/releasetag.txt)"' },
        { name: 'Record the changelog', run: 'npx projen changelog:record' },
        {
          name: 'Create Pull Request',
          uses: 'peter-evans/create-pull-request@v8.1.1',
          with: {
            'token': '${{ secrets.PROJEN_GITHUB_TOKEN }}',
            'commit-message': 'chore(release): the upgrade gate\'s baseline and the changelog of the latest release',
            'branch': 'github-actions/upgrade-baseline',
            'title': 'chore(release): the upgrade gate\'s baseline and the changelog of the latest release',
            'body': 'The templates of test/upgrade/programs.ts as the release just published synthesizes them '
              + '(test/upgrade/baselines/), and its notes at the top of CHANGELOG.md. Merge it so that the upgrade gate '
              + 'diffs every later change against what this release deploys.',
            'add-paths': 'test/upgrade/baselines/\nCHANGELOG.md',
            'author': 'github-actions[bot] <41898282+github-actions[bot]@users.noreply.github.com>',
            'committer': 'github-actions[bot] <41898282+github-actions[bot]@users.noreply.github.com>',
            'signoff': true,
          },
        },
      ],
    },
  });
}
