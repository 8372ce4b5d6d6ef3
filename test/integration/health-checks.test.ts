/**
 * The Lua health checks of dist/argocd/ (the ArgoCD resource's resourceHealthChecks), run by a real
 * Lua 5.1 interpreter, the language version of gopher-lua that Argo CD embeds. Each check is given the
 * global `obj` as Argo CD does, shaped like the status the operator writes.
 */
import { HEALTH_CHECKS } from '../../lib/argocd/gitops-instance';
import { standardSynthesis } from '../support/synthesis';
import { luaHealth } from './support/lua';

const health = luaHealth;

describe('the InfisicalSecret health check', () => {
  const check = HEALTH_CHECKS.find((c) => c.kind === 'InfisicalSecret')!.check;
  const instance = standardSynthesis().delivery.find((m) => m.kind === 'ArgoCD') as any;
  const infisicalSecret = standardSynthesis().environments.flatMap((e) => e.manifests).find((m) => m.kind === 'InfisicalSecret')!;
  /** metav1.Condition as meta.SetStatusCondition stores it (internal/services/infisicalsecret/conditions.go). */
  const condition = (type: string, status: 'True' | 'False', reason: string, message: string) => ({
    type: `secrets.infisical.com/${type}`,
    status,
    reason,
    message,
    lastTransitionTime: '2026-01-05T10:00:00Z',
  });
  const withConditions = (conditions?: unknown[]) => ({ ...infisicalSecret, status: conditions === undefined ? undefined : { conditions } });

  test('is the one dist/argocd/ carries', () => {
    expect(instance.spec.resourceHealthChecks).toContainEqual({ group: 'secrets.infisical.com', kind: 'InfisicalSecret', check });
  });

  test('waits while the operator has not reconciled the object', () => {
    expect(health(check, withConditions()).status).toBe('Progressing');
    expect(health(check, withConditions([])).status).toBe('Progressing');
  });

  test('is Healthy once the secrets are synced', () => {
    const synced = withConditions([
      condition('LoadedInfisicalToken', 'True', 'OK', 'Infisical controller has loaded the Infisical token in provided Kubernetes secret, using UNIVERSAL_MACHINE_IDENTITY authentication strategy'),
      condition('ReadyToSyncSecrets', 'True', 'OK', 'Infisical controller has started syncing your secrets. Last reconcile synced 5 secrets'),
      condition('AutoRedeployReady', 'True', 'OK', 'Infisical has found 0 deployments which are ready to be auto redeployed when secrets change'),
    ]);
    expect(health(check, synced)).toEqual({ status: 'Healthy', message: 'Infisical controller has started syncing your secrets. Last reconcile synced 5 secrets' });
  });

  test('is Degraded, with the operator message, when the sync fails (a bad machine identity)', () => {
    const failed = withConditions([
      condition('LoadedInfisicalToken', 'False', 'Error', 'Failed to load Infisical Token from the provided Kubernetes secret because: secret not found'),
      condition('ReadyToSyncSecrets', 'False', 'Error', 'Failed to sync secrets. This can be caused by invalid access token or an invalid API host that is set. Error: unable to authenticate'),
      condition('AutoRedeployReady', 'False', 'Stopped', 'Auto redeployment has been stopped because the operator failed to sync secrets.'),
    ]);
    expect(health(check, failed)).toEqual({
      status: 'Degraded',
      message: 'Failed to sync secrets. This can be caused by invalid access token or an invalid API host that is set. Error: unable to authenticate',
    });
  });
});
