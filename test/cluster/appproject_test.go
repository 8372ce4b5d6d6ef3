package cluster

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/argoproj/argo-cd/v3/pkg/apis/application/v1alpha1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

// The cluster every Application deploys to (Argo CD's in-cluster destination).
var inCluster = &v1alpha1.Cluster{Name: "in-cluster", Server: "https://kubernetes.default.svc"}

func noProjectClusters(string) ([]*v1alpha1.Cluster, error) { return nil, nil }

// Objects no project of ours may sync: cluster-scoped kinds and namespaced kinds that grant rights.
var forbiddenKinds = []struct {
	gk         schema.GroupKind
	namespaced bool
}{
	{schema.GroupKind{Group: "", Kind: "Namespace"}, false},
	{schema.GroupKind{Group: "rbac.authorization.k8s.io", Kind: "ClusterRole"}, false},
	{schema.GroupKind{Group: "rbac.authorization.k8s.io", Kind: "ClusterRoleBinding"}, false},
	{schema.GroupKind{Group: "apiextensions.k8s.io", Kind: "CustomResourceDefinition"}, false},
	{schema.GroupKind{Group: "admissionregistration.k8s.io", Kind: "ValidatingWebhookConfiguration"}, false},
	{schema.GroupKind{Group: "admissionregistration.k8s.io", Kind: "ValidatingAdmissionPolicy"}, false},
	{schema.GroupKind{Group: "admissionregistration.k8s.io", Kind: "ValidatingAdmissionPolicyBinding"}, false},
	{schema.GroupKind{Group: "external-secrets.io", Kind: "ClusterSecretStore"}, false},
	{schema.GroupKind{Group: "rbac.authorization.k8s.io", Kind: "Role"}, true},
	{schema.GroupKind{Group: "rbac.authorization.k8s.io", Kind: "RoleBinding"}, true},
	{schema.GroupKind{Group: "", Kind: "ResourceQuota"}, true},
}

// appProjects checks each AppProject of dist/argocd with Argo CD's own methods (the ones its
// controller calls before a sync, controller/sync.go validateSyncPermissions): it permits every
// object of its environments and refuses other namespaces and the kinds above.
func appProjects(t *testing.T) {
	argocd := readManifests(t, filepath.Join(repoRoot, "dist", "argocd"))
	projects := map[string]v1alpha1.AppProject{}
	for _, m := range argocd {
		if m.obj.GetKind() != "AppProject" {
			continue
		}
		var proj v1alpha1.AppProject
		if err := runtime.DefaultUnstructuredConverter.FromUnstructured(m.obj.Object, &proj); err != nil {
			t.Fatalf("%s: %v", m.file, err)
		}
		projects[proj.Name] = proj
	}
	// One project per environment, previews included (co2-calculator-preview-<name>).
	envOf := func(project string) []string { return []string{strings.TrimPrefix(project, "co2-calculator-")} }
	allNamespaces := []string{"default", "openshift-gitops", "kube-system", "openshift-monitoring"}
	for _, env := range environments[1:] {
		allNamespaces = append(allNamespaces, "co2-calculator-"+env)
	}
	if len(projects) == 0 {
		t.Fatal("no AppProject in dist/argocd")
	}
	for projName, proj := range projects {
		own := map[string]bool{}
		for _, env := range envOf(projName) {
			manifests := readManifests(t, filepath.Join(repoRoot, "dist", env))
			if len(manifests) == 0 {
				t.Errorf("%s: no folder dist/%s", projName, env)
			}
			for _, m := range manifests {
				ns := m.obj.GetNamespace()
				if m.obj.GetKind() == "Namespace" {
					ns = m.obj.GetName()
				}
				own[ns] = true
				t.Run(projName+"/permits "+env+"/"+name(m), func(t *testing.T) {
					gvk := m.obj.GroupVersionKind()
					if !proj.IsGroupKindNamePermitted(gvk.GroupKind(), m.obj.GetName(), m.obj.GetNamespace() != "") {
						t.Errorf("Argo CD would refuse %s: kind not permitted by the project", gvk.GroupKind())
					}
					if ok, err := proj.IsDestinationPermitted(inCluster, ns, noProjectClusters); err != nil || !ok {
						t.Errorf("Argo CD would refuse namespace %s (err %v)", ns, err)
					}
				})
			}
		}
		for _, ns := range allNamespaces {
			if own[ns] {
				continue
			}
			t.Run(projName+"/refuses namespace "+ns, func(t *testing.T) {
				if ok, err := proj.IsDestinationPermitted(inCluster, ns, noProjectClusters); err != nil || ok {
					t.Errorf("the project permits namespace %s (err %v)", ns, err)
				}
			})
		}
		t.Run(projName+"/refuses another cluster", func(t *testing.T) {
			other := &v1alpha1.Cluster{Name: "other", Server: "https://other.example:6443"}
			for ns := range own {
				if ok, _ := proj.IsDestinationPermitted(other, ns, noProjectClusters); ok {
					t.Errorf("the project permits %s on another cluster", ns)
				}
			}
		})
		// A Namespace other than its own cannot be created, adopted or pruned: the permission check
		// runs on every sync and prune task (controller/sync.go validateSyncPermissions).
		for _, ns := range allNamespaces {
			if own[ns] {
				continue
			}
			t.Run(projName+"/refuses Namespace "+ns, func(t *testing.T) {
				if proj.IsGroupKindNamePermitted(schema.GroupKind{Kind: "Namespace"}, ns, false) {
					t.Errorf("the project permits the Namespace %s", ns)
				}
			})
		}
		for _, k := range forbiddenKinds {
			t.Run(projName+"/refuses kind "+k.gk.String(), func(t *testing.T) {
				if proj.IsGroupKindNamePermitted(k.gk, "anything", k.namespaced) {
					t.Errorf("the project permits %s", k.gk)
				}
			})
		}
	}
}
