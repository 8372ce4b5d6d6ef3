/** After the unit tests: removes the folder of test/support/global-setup.ts. */
import { rmSync } from 'node:fs';

export default function globalTeardown(): void {
  if (process.env.CO2_TEST_SYNTHESES) rmSync(process.env.CO2_TEST_SYNTHESES, { recursive: true, force: true });
}
