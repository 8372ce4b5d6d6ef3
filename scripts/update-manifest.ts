/** `npm run update-manifest` (see lib/cli/update-manifest-command.ts). */
import { loadProject } from '../environments';
import { PIPELINE } from '../environments/pipeline';
import { processContext } from '../lib/cli/context';
import { runCli } from '../lib/cli/run';
import { updateManifestCommand } from '../lib/cli/update-manifest-command';

runCli(() => updateManifestCommand(PIPELINE)(processContext(loadProject)));
