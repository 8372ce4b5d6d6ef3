/** `npm run diff` (see lib/cli/diff-command.ts). */
import { loadProject } from '../environments';
import { processContext } from '../lib/cli/context';
import { diffCommand } from '../lib/cli/diff-command';
import { runCli } from '../lib/cli/run';

runCli(() => diffCommand(processContext(loadProject)));
