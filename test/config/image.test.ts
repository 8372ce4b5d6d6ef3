import { formatImageReference, imageVersionLabel, parseImageReference } from '../../lib/core/image';

const digest = `sha256:${'0123456789abcdef'.repeat(4)}`;
const sha = 'e81d480525a229f55ecb6dd1d520bc0f6984baac';

describe('image references', () => {
  test.each([
    ['quay-its.epfl.ch/svc1751/backend:1.4.2', { repository: 'quay-its.epfl.ch/svc1751/backend', tag: '1.4.2' }],
    [`quay-its.epfl.ch/svc1751/backend@${digest}`, { repository: 'quay-its.epfl.ch/svc1751/backend', digest }],
    [`registry.local:5000/backend:1.4.2@${digest}`, { repository: 'registry.local:5000/backend', tag: '1.4.2', digest }],
    // A digest pins the content, so even a floating tag is acceptable beside it.
    [`quay.io/x/backend:latest@${digest}`, { repository: 'quay.io/x/backend', tag: 'latest', digest }],
    // What the build pipeline pushes: a release, a commit SHA, a branch with its digest.
    [`quay-its.epfl.ch/svc1751/backend:v1.0.7@${digest}`, { repository: 'quay-its.epfl.ch/svc1751/backend', tag: 'v1.0.7', digest }],
    [`quay-its.epfl.ch/svc1751/backend:${sha}@${digest}`, { repository: 'quay-its.epfl.ch/svc1751/backend', tag: sha, digest }],
    [`quay-its.epfl.ch/svc1751/backend:dev@${digest}`, { repository: 'quay-its.epfl.ch/svc1751/backend', tag: 'dev', digest }],
  ])('%s is pinned', (reference, expected) => {
    const image = parseImageReference(reference);
    expect(image).toEqual({ tag: undefined, digest: undefined, ...expected });
    expect(formatImageReference(image)).toBe(reference);
  });

  test.each([
    ['quay.io/x/backend:latest', 'floating tag "latest"'],
    ['quay.io/x/backend:main', 'floating tag "main"'],
    ['quay-its.epfl.ch/svc1751/backend:dev', 'floating tag "dev", which names whatever was pushed last: add its digest ("dev@sha256:...")'],
    ['quay-its.epfl.ch/svc1751/backend:stage', 'floating tag "stage"'],
    ['quay.io/x/backend', 'is not pinned'],
    ['registry.local:5000/backend', 'is not pinned'],
    ['quay.io/x/backend@sha256:abc', 'digest must be sha256'],
    ['Quay.io/X/backend:1.0', 'is not a valid image repository'],
    ['quay.io/x/backend:-bad', 'is not a valid image tag'],
  ])('%s is refused', (reference, message) => {
    expect(() => parseImageReference(reference)).toThrow(message);
  });

  test('the version label is the tag, or the start of the digest', () => {
    expect(imageVersionLabel(parseImageReference('quay.io/x/backend:1.4.2'))).toBe('1.4.2');
    expect(imageVersionLabel(parseImageReference(`quay.io/x/backend@${digest}`))).toBe('0123456789ab');
    // A commit SHA is 40 characters, within a label value's 63.
    expect(imageVersionLabel(parseImageReference(`quay.io/x/backend:${sha}@${digest}`))).toBe(sha);
    expect(imageVersionLabel(parseImageReference(`quay.io/x/backend:v1.0.7@${digest}`))).toBe('v1.0.7');
    expect(imageVersionLabel(parseImageReference(`quay.io/x/backend:${'v'.repeat(80)}`))).toHaveLength(63);
  });
});
