/** `npm run set-image` (see lib/cli/set-image-command.ts). */
import { loadProject } from '../environments';
import { processContext } from '../lib/cli/context';
import { runCli } from '../lib/cli/run';
import { setImageCommand } from '../lib/cli/set-image-command';

runCli(() => setImageCommand(processContext(loadProject)));
