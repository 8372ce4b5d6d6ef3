import { VolumeClaim } from '../../lib/storage/volume-claim';
import { testChart, validManifests } from '../support/synthesis';

const props = { claimName: 'data', owner: { name: 'app', component: 'api' }, size: '1Gi', storageClassName: 'rcp-nas' };

describe('VolumeClaim', () => {
  test('minimal props: ReadWriteOnce, and ArgoCD never prunes or deletes it', () => {
    const chart = testChart();
    new VolumeClaim(chart, 'Claim', props);
    const [claim] = validManifests(chart) as any[];
    expect(claim).toMatchSnapshot();
    expect(claim.metadata.annotations).toEqual({ 'argocd.argoproj.io/sync-options': 'Prune=false,Delete=false' });
  });

  test('all props: shared by several nodes, not retained, with further annotations', () => {
    const chart = testChart();
    const claim = new VolumeClaim(chart, 'Claim', { ...props, accessMode: 'ReadWriteMany', retain: false, annotations: { 'argocd.argoproj.io/sync-wave': '2' } });
    const [manifest] = validManifests(chart) as any[];
    expect(claim.accessMode).toBe('ReadWriteMany');
    expect(manifest.spec.accessModes).toEqual(['ReadWriteMany']);
    expect(manifest.metadata.annotations).toEqual({ 'argocd.argoproj.io/sync-wave': '2' });
  });

  test('refuses a size of zero', () => {
    expect(() => new VolumeClaim(testChart(), 'Claim', { ...props, size: '0Gi' })).toThrowErrorMatchingSnapshot();
  });
});
