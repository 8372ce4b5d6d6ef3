/** `npm run where` (see lib/cli/where-command.ts). */
import { loadProject } from '../environments';
import { PIPELINE } from '../environments/pipeline';
import { processContext } from '../lib/cli/context';
import { runCli } from '../lib/cli/run';
import { whereCommand } from '../lib/cli/where-command';

runCli(() => whereCommand(PIPELINE)(processContext(loadProject)));
