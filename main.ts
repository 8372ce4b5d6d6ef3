/**
 * `npm run synth` (see lib/cli/synth-command.ts). The cdk8s CLI runs this file too (cdk8s.yaml `app`).
 */
import { loadProject } from './environments';
import { processContext } from './lib/cli/context';
import { runCli } from './lib/cli/run';
import { synthCommand } from './lib/cli/synth-command';

runCli(() => synthCommand(processContext(loadProject)));
