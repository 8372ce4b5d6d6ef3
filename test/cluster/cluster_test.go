package cluster

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/client-go/discovery"
	"k8s.io/client-go/discovery/cached/memory"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/restmapper"
)

// Argo CD's server-side apply field manager (argo-cd v3.3.10 common/common.go ArgoCDSSAManager).
const argoCDManager = "argocd-controller"

// The environment folders of dist/ applied to the server; argocd holds the cluster setup objects.
var environments = []string{"argocd", "dev", "staging", "prod", "local", "preview-emission-factors-2026", "preview-sso-login"}

// warnings records the warnings the server sends back, per request (requests are sequential).
type warnings struct {
	mu   sync.Mutex
	list []string
}

func (w *warnings) HandleWarningHeader(_ int, _ string, text string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.list = append(w.list, text)
}

func (w *warnings) take() []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	out := w.list
	w.list = nil
	return out
}

type cluster struct {
	dyn      dynamic.Interface
	mapper   *restmapper.DeferredDiscoveryRESTMapper
	warnings *warnings
}

func newCluster(t *testing.T, cfg *rest.Config) *cluster {
	w := &warnings{}
	cfg = rest.CopyConfig(cfg)
	cfg.WarningHandler = w
	dyn, err := dynamic.NewForConfig(cfg)
	if err != nil {
		t.Fatal(err)
	}
	disco, err := discovery.NewDiscoveryClientForConfig(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return &cluster{dyn: dyn, mapper: restmapper.NewDeferredDiscoveryRESTMapper(memory.NewMemCacheClient(disco)), warnings: w}
}

func (c *cluster) resource(obj *unstructured.Unstructured, defaultNamespace string) (dynamic.ResourceInterface, error) {
	gvk := obj.GroupVersionKind()
	m, err := c.mapper.RESTMapping(gvk.GroupKind(), gvk.Version)
	if err != nil {
		return nil, fmt.Errorf("the server does not serve %s: %w", gvk, err)
	}
	if m.Scope.Name() == meta.RESTScopeNameRoot {
		return c.dyn.Resource(m.Resource), nil
	}
	ns := obj.GetNamespace()
	if ns == "" {
		ns = defaultNamespace
	}
	return c.dyn.Resource(m.Resource).Namespace(ns), nil
}

// apply server-side applies one object as Argo CD's ServerSideApply=true sync does: its field manager,
// conflicts forced, strict field validation (kubectl's default).
func (c *cluster) apply(ctx context.Context, obj *unstructured.Unstructured, dryRun bool) (*unstructured.Unstructured, error) {
	res, err := c.resource(obj, "")
	if err != nil {
		return nil, err
	}
	data, err := json.Marshal(obj.Object)
	if err != nil {
		return nil, err
	}
	force := true
	opts := metav1.PatchOptions{FieldManager: argoCDManager, Force: &force, FieldValidation: "Strict"}
	if dryRun {
		opts.DryRun = []string{metav1.DryRunAll}
	}
	return res.Patch(ctx, obj.GetName(), types.ApplyPatchType, data, opts)
}

func name(m manifest) string {
	return fmt.Sprintf("%s %s/%s", m.file, m.obj.GetKind(), m.obj.GetName())
}

// TestCluster starts one control plane and runs every check against it, as subtests.
func TestCluster(t *testing.T) {
	ctx := context.Background()
	start := time.Now()
	cfg := startAPIServer(t)
	c := newCluster(t, cfg)
	t.Logf("etcd and kube-apiserver up in %s", time.Since(start).Round(time.Millisecond))

	// The operators' CRDs of today, then the project's own (crds/ wins where both have a kind).
	// The Route CRD stands in for OpenShift's Route API, which OpenShift serves from its own API server.
	var crds []manifest
	crds = append(crds, readManifests(t, filepath.Join(repoRoot, "..", "shared", "crds-2026"))...)
	crds = append(crds, readManifests(t, filepath.Join(repoRoot, "crds"))...)
	t.Run("crds", func(t *testing.T) {
		for _, m := range crds {
			if m.obj.GetKind() != "CustomResourceDefinition" {
				continue
			}
			t.Run(m.file, func(t *testing.T) {
				if _, err := c.apply(ctx, m.obj, false); err != nil {
					t.Fatalf("refused: %v", err)
				}
			})
		}
		// Wait until every CRD is Established, then read discovery again.
		crdRes := schema.GroupVersionResource{Group: "apiextensions.k8s.io", Version: "v1", Resource: "customresourcedefinitions"}
		err := wait.PollUntilContextTimeout(ctx, 200*time.Millisecond, 60*time.Second, true, func(ctx context.Context) (bool, error) {
			list, err := c.dyn.Resource(crdRes).List(ctx, metav1.ListOptions{})
			if err != nil {
				return false, err
			}
			for _, item := range list.Items {
				conds, _, _ := unstructured.NestedSlice(item.Object, "status", "conditions")
				established := false
				for _, cond := range conds {
					cm, _ := cond.(map[string]interface{})
					if cm["type"] == "Established" && cm["status"] == "True" {
						established = true
					}
				}
				if !established {
					return false, nil
				}
			}
			return true, nil
		})
		if err != nil {
			t.Fatalf("CRDs not established: %v", err)
		}
		c.mapper.Reset()
	})

	// The cluster setup first, as a cluster administrator applies it: every object after it is admitted
	// by its policies too.
	setup := readManifests(t, filepath.Join(repoRoot, "dist", "cluster-setup"))
	t.Run("apply/cluster-setup", func(t *testing.T) { applyEnvironment(t, ctx, c, "cluster-setup", setup) })
	t.Run("dry-run/cluster-setup", func(t *testing.T) { dryRunEnvironment(t, ctx, c, "cluster-setup", setup) })

	// gitops-engine syncs first, while the environments' namespaces are still empty.
	t.Run("sync", func(t *testing.T) { syncEnvironments(t, ctx, cfg, c) })

	for _, env := range environments {
		manifests := readManifests(t, filepath.Join(repoRoot, "dist", env))
		t.Run("apply/"+env, func(t *testing.T) { applyEnvironment(t, ctx, c, env, manifests) })
		t.Run("dry-run/"+env, func(t *testing.T) { dryRunEnvironment(t, ctx, c, env, manifests) })
	}

	t.Run("appproject", func(t *testing.T) { appProjects(t) })
	t.Run("admission", func(t *testing.T) { admissionPolicies(t, ctx, c) })
}

// applyEnvironment creates the namespaces the folder does not ship (labelled to warn on PSS
// restricted, so the server reports a pod template that breaks it), then applies every object.
func applyEnvironment(t *testing.T, ctx context.Context, c *cluster, env string, manifests []manifest) {
	shipped := map[string]bool{}
	for _, m := range manifests {
		if m.obj.GetKind() == "Namespace" {
			shipped[m.obj.GetName()] = true
		}
	}
	for _, m := range manifests {
		ns := m.obj.GetNamespace()
		if ns == "" || shipped[ns] {
			continue
		}
		shipped[ns] = true
		createNamespace(t, ctx, c, ns)
	}
	// Namespaces first, as Argo CD orders them before the objects they hold.
	ordered := append([]manifest{}, manifests...)
	for i := range ordered {
		if ordered[i].obj.GetKind() == "Namespace" {
			ordered[0], ordered[i] = ordered[i], ordered[0]
		}
	}
	for _, m := range ordered {
		t.Run(name(m), func(t *testing.T) {
			check(t, env, m, func() error {
				c.warnings.take()
				if _, err := c.apply(ctx, m.obj.DeepCopy(), false); err != nil {
					return fmt.Errorf("the server refused it: %w", err)
				}
				if w := unexpectedWarnings(c.warnings.take()); len(w) > 0 {
					return fmt.Errorf("the server accepted it with warnings:\n  %s", strings.Join(w, "\n  "))
				}
				return nil
			})
		})
	}
}

// createNamespace creates a namespace as the platform team does, labelled to warn on PSS restricted.
func createNamespace(t *testing.T, ctx context.Context, c *cluster, ns string) {
	nsObj := &unstructured.Unstructured{Object: map[string]interface{}{
		"apiVersion": "v1", "kind": "Namespace",
		"metadata": map[string]interface{}{"name": ns, "labels": map[string]interface{}{
			"pod-security.kubernetes.io/warn": "restricted", "pod-security.kubernetes.io/audit": "restricted",
		}},
	}}
	if _, err := c.dyn.Resource(schema.GroupVersionResource{Version: "v1", Resource: "namespaces"}).Create(ctx, nsObj, metav1.CreateOptions{}); err != nil && !apierrors.IsAlreadyExists(err) {
		t.Fatalf("namespace %s: %v", ns, err)
	}
}

func stripVolatile(obj *unstructured.Unstructured) map[string]interface{} {
	o := obj.DeepCopy()
	unstructured.RemoveNestedField(o.Object, "metadata", "managedFields")
	return o.Object
}

// dryRunEnvironment applies everything again with dryRun=All: the server must return each object
// exactly as it stores it (same resourceVersion, same content), or Argo CD's server-side diff
// would keep the Application OutOfSync.
func dryRunEnvironment(t *testing.T, ctx context.Context, c *cluster, env string, manifests []manifest) {
	for _, m := range manifests {
		t.Run(name(m), func(t *testing.T) {
			check(t, env, m, func() error {
				res, err := c.resource(m.obj, "")
				if err != nil {
					return err
				}
				live, err := res.Get(ctx, m.obj.GetName(), metav1.GetOptions{})
				if err != nil {
					return fmt.Errorf("not found after apply: %w", err)
				}
				predicted, err := c.apply(ctx, m.obj.DeepCopy(), true)
				if err != nil {
					return fmt.Errorf("dry-run apply refused: %w", err)
				}
				if predicted.GetResourceVersion() != live.GetResourceVersion() {
					return fmt.Errorf("a second apply would change it (resourceVersion %s -> %s)", live.GetResourceVersion(), predicted.GetResourceVersion())
				}
				if a, b := stripVolatile(live), stripVolatile(predicted); !reflect.DeepEqual(a, b) {
					la, _ := json.Marshal(a)
					lb, _ := json.Marshal(b)
					return fmt.Errorf("a second apply would change it:\n live:      %s\n predicted: %s", la, lb)
				}
				return nil
			})
		})
	}
}

// Argo CD's own Application finalizer has no path, which the server warns about (Kubernetes 1.29+);
// argo-cd v3.3.10 also accepts ".../foreground" and ".../background", but the plain name is its
// documented default, so this one warning is accepted.
const argoCDFinalizerWarning = `metadata.finalizers: "resources-finalizer.argocd.argoproj.io": prefer a domain-qualified finalizer name`

func unexpectedWarnings(list []string) []string {
	var out []string
	for _, w := range list {
		if !strings.HasPrefix(w, argoCDFinalizerWarning) {
			out = append(out, w)
		}
	}
	return out
}
