/** `npm run rollback` (see lib/cli/promote-command.ts). */
import { loadProject } from '../environments';
import { processContext } from '../lib/cli/context';
import { rollbackCommand } from '../lib/cli/promote-command';
import { runCli } from '../lib/cli/run';

runCli(() => rollbackCommand(processContext(loadProject)));
