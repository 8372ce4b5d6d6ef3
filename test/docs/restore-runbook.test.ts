/**
 * The restore runbook (docs/operations.md, "Restore a dump") against what we deploy: it names objects
 * that exist, stops self-heal before touching tracked objects, and ends with the backend scaled back.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../../lib/core/repo-root';
import { standardSynthesis } from '../support/synthesis';

const doc = readFileSync(join(REPO_ROOT, 'docs', 'operations.md'), 'utf8');
const section = doc.slice(doc.indexOf('## Restore a dump'));
const script = section.slice(section.indexOf('```sh\n') + 6, section.indexOf('\n```', section.indexOf('```sh\n')));
const commands = script.split('\n').map((line) => line.trim()).filter((line) => line && !line.startsWith('#'));
const at = (pattern: RegExp) => commands.findIndex((line) => pattern.test(line));

const prod = standardSynthesis().environments.find(({ environment }) => environment.name === 'prod')!;

describe('the restore runbook', () => {
  test('is in docs/operations.md', () => {
    expect(commands.length).toBeGreaterThan(10);
  });

  test('turns automated sync off before it scales the backend down, and on again before scaling back', () => {
    const off = at(/--sync-policy none/);
    const down = at(/oc scale deployment\/backend --replicas=0/);
    const on = at(/--sync-policy automated --self-heal --auto-prune/);
    const back = at(/oc scale deployment\/backend --replicas="\$MIN"/);
    expect(off).toBeGreaterThanOrEqual(0);
    expect([off < down, down < on, on < back]).toEqual([true, true, true]);
    // Nothing after the scale-back undoes it.
    expect(commands.slice(back + 1).some((line) => /--replicas=0|delete hpa/.test(line))).toBe(false);
  });

  test('reads the minimum from the HPA prod has, whose Deployment leaves spec.replicas to it (why the scale-back is needed)', () => {
    const hpa = prod.manifests.find((m: any) => m.kind === 'HorizontalPodAutoscaler' && m.spec.scaleTargetRef.name === 'backend') as any;
    const deployment = prod.manifests.find((m: any) => m.kind === 'Deployment' && m.metadata.name === 'backend') as any;
    expect(script).toContain(`oc get hpa ${hpa.metadata.name} `);
    expect(deployment.spec.replicas).toBeUndefined();
    expect(hpa.spec.minReplicas).toBeGreaterThan(0);
    expect(section).toContain(`prod: ${hpa.spec.minReplicas}`);
  });

  test('names the CronJob and Application that exist', () => {
    expect(prod.manifests.some((m: any) => m.kind === 'CronJob' && m.metadata.name === 'db-dump')).toBe(true);
    expect(script).toContain(`NS=${prod.environment.namespace}`);
  });

  test('says how to verify the backend is back', () => {
    const verify = section.slice(section.indexOf('**Verify**'));
    expect(verify).toContain('oc rollout status deployment/backend');
    expect(verify).toContain('availableReplicas');
  });
});
