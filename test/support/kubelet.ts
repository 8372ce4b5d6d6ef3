/**
 * The kubelet's non-root check, which it runs before it creates each container and which ends in
 * CreateContainerConfigError when it fails (kubernetes/kubernetes pkg/kubelet/kuberuntime:
 * verifyRunAsNonRoot in security_context_others.go, getImageUser in kuberuntime_container.go). With
 * runAsNonRoot true, a numeric runAsUser (container's, else pod's) must not be 0; without one, the
 * image's User decides: a number other than 0 passes, a name is refused because the kubelet cannot
 * tell its uid, and no User at all is root.
 */
export function nonRootRefusal(podContext: any, containerContext: any, imageUser: string): string | undefined {
  const runAsNonRoot = containerContext?.runAsNonRoot ?? podContext?.runAsNonRoot;
  if (runAsNonRoot !== true) return undefined;
  const runAsUser = containerContext?.runAsUser ?? podContext?.runAsUser;
  if (runAsUser !== undefined) return runAsUser === 0 ? "runAsUser 0 breaks non-root policy" : undefined;
  // The runtime reads "user[:group]"; only the user part counts (containerd's getUserFromImage).
  const user = imageUser.split(':')[0];
  if (user === '') return 'image will run as root (no USER)';
  if (!/^\d+$/.test(user)) return `image has non-numeric user (${user}), cannot verify user is non-root`;
  return Number(user) === 0 ? 'image will run as root' : undefined;
}
