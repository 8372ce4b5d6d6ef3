/** `npm run promote` (see lib/cli/promote-command.ts). */
import { loadProject } from '../environments';
import { PIPELINE } from '../environments/pipeline';
import { processContext } from '../lib/cli/context';
import { promoteCommand } from '../lib/cli/promote-command';
import { runCli } from '../lib/cli/run';

runCli(() => promoteCommand(PIPELINE)(processContext(loadProject)));
