/** What runs where (lib/delivery/where.ts): the table and what waits, from files and messages. */
import { describeWhere } from '../../lib/delivery/where';

const SHA = 'a7cd6ec671a0c74ab0fa5a8afe5754d54ae17579';
const digest = (c: string) => `sha256:${c.repeat(64)}`;
const images = (name: string, tag: string, digits: string[]) => ({
  path: `environments/images/${name}.json`,
  text: JSON.stringify({ frontend: `quay-its.epfl.ch/svc1751/frontend:${tag}@${digest(digits[0])}`, backend: `quay-its.epfl.ch/svc1751/backend:${tag}@${digest(digits[1])}` }),
});
const release = { sha: 'c'.repeat(40), message: `chore(manifest): update epfl/co2-calculator (prod) to v1.0.8\n\nEnvironment: prod\nCommit: ${SHA}\n\nDispatched-by: epfl-enac-bot\n` };

test('one row per component, release versions traced to their source commit, and what waits', () => {
  const lines = describeWhere({
    commit: 'd'.repeat(40),
    named: 'HEAD',
    environments: [
      { name: 'staging', images: images('staging', SHA, ['1', '2']), follows: 'main' },
      { name: 'prod', images: images('prod', 'v1.0.8', ['1', '9']), follows: 'main' },
      { name: 'local', images: images('local', 'v1.0.7', ['5', '6']) },
    ],
    history: [release],
    dispatchers: { prod: ['epfl-enac-bot'] },
    promotions: [{ from: 'staging', to: 'prod' }],
  });
  expect(lines).toEqual([
    'as of dddddddddddd (HEAD)',
    'environment  follows  component  version       digest               source commit',
    'staging      main     frontend   a7cd6ec671a0  sha256:111111111111  a7cd6ec671a0',
    'staging      main     backend    a7cd6ec671a0  sha256:222222222222  a7cd6ec671a0',
    'prod         main     frontend   v1.0.8        sha256:111111111111  a7cd6ec671a0',
    'prod         main     backend    v1.0.8        sha256:999999999999  a7cd6ec671a0',
    'local        by hand  frontend   v1.0.7        sha256:555555555555  -',
    'local        by hand  backend    v1.0.7        sha256:666666666666  -',
    '',
    'waiting to be promoted from staging to prod (npm run promote -- --from staging --to prod):',
    '  backend  a7cd6ec671a0  sha256:222222222222  (prod runs v1.0.8 sha256:999999999999)',
  ]);
});

test('nothing waits when the target runs every digest of the source', () => {
  const lines = describeWhere({
    commit: 'd'.repeat(40),
    named: 'origin/main',
    environments: [
      { name: 'staging', images: images('staging', SHA, ['1', '2']), follows: 'main' },
      { name: 'prod', images: images('prod', 'v1.0.8', ['1', '2']), follows: 'main' },
    ],
    history: [],
    dispatchers: {},
    promotions: [{ from: 'staging', to: 'prod' }],
  });
  expect(lines.at(-1)).toBe('prod runs every digest staging runs: nothing waiting to be promoted');
  expect(lines[4]).toBe('prod         main     frontend   v1.0.8        sha256:111111111111  -');
});
