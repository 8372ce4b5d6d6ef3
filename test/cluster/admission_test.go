package cluster

import (
	"context"
	"strings"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/util/wait"
)

const trackingAnnotation = "argocd.argoproj.io/tracking-id"

// admissionPolicies checks the ValidatingAdmissionPolicies of dist/cluster-setup/ as kube-apiserver
// evaluates them: what dist/ holds was admitted above; these writes must be denied.
func admissionPolicies(t *testing.T, ctx context.Context, c *cluster) {
	namespaces := schema.GroupVersionResource{Version: "v1", Resource: "namespaces"}
	infisical := schema.GroupVersionResource{Group: "secrets.infisical.com", Version: "v1alpha1", Resource: "infisicalsecrets"}
	dryRun := metav1.CreateOptions{DryRun: []string{metav1.DryRunAll}}

	// A policy takes effect once the server has compiled it: poll until the first denial.
	denied := func(t *testing.T, write func() error, message string) {
		var last error
		err := wait.PollUntilContextTimeout(ctx, 200*time.Millisecond, 30*time.Second, true, func(context.Context) (bool, error) {
			last = write()
			return last != nil && strings.Contains(last.Error(), message), nil
		})
		if err != nil {
			t.Fatalf("not denied with %q: last result %v", message, last)
		}
	}

	t.Run("an InfisicalSecret of dev writing into prod is denied", func(t *testing.T) {
		obj := &unstructured.Unstructured{Object: map[string]interface{}{
			"apiVersion": "secrets.infisical.com/v1alpha1", "kind": "InfisicalSecret",
			"metadata": map[string]interface{}{"name": "stray", "namespace": "co2-calculator-dev"},
			"spec": map[string]interface{}{
				"hostApi": "https://app.infisical.com/api",
				"authentication": map[string]interface{}{"universalAuth": map[string]interface{}{
					"credentialsRef": map[string]interface{}{"secretName": "infisical-universal-auth", "secretNamespace": "co2-calculator-dev"},
					"secretsScope":   map[string]interface{}{"projectSlug": "co2", "envSlug": "dev", "secretsPath": "/"},
				}},
				"managedKubeSecretReferences": []interface{}{map[string]interface{}{"secretName": "backend-secrets", "secretNamespace": "co2-calculator-prod", "creationPolicy": "Orphan"}},
			},
		}}
		denied(t, func() error {
			_, err := c.dyn.Resource(infisical).Namespace("co2-calculator-dev").Create(ctx, obj, dryRun)
			return err
		}, "spec.managedKubeSecretReferences[].secretNamespace must name the InfisicalSecret's own namespace")
		obj.Object["spec"].(map[string]interface{})["managedKubeSecretReferences"].([]interface{})[0].(map[string]interface{})["secretNamespace"] = "co2-calculator-dev"
		if _, err := c.dyn.Resource(infisical).Namespace("co2-calculator-dev").Create(ctx, obj, dryRun); err != nil {
			t.Errorf("the same InfisicalSecret writing into its own namespace was refused: %v", err)
		}
	})

	nsWith := func(name, tracking string) *unstructured.Unstructured {
		return &unstructured.Unstructured{Object: map[string]interface{}{
			"apiVersion": "v1", "kind": "Namespace",
			"metadata": map[string]interface{}{"name": name, "annotations": map[string]interface{}{trackingAnnotation: tracking}},
		}}
	}
	preview := "co2-calculator-preview-sso-login"
	const refusal = "a preview's Application may create or adopt only the Namespace named like it"

	t.Run("a preview adopting prod's Namespace is denied", func(t *testing.T) {
		denied(t, func() error {
			_, err := c.apply(ctx, nsWith("co2-calculator-prod", preview+":/Namespace:/co2-calculator-prod"), true)
			return err
		}, refusal)
	})
	t.Run("a preview creating another Namespace is denied", func(t *testing.T) {
		denied(t, func() error {
			_, err := c.dyn.Resource(namespaces).Create(ctx, nsWith(preview+"-x", preview+":/Namespace:/"+preview+"-x"), dryRun)
			return err
		}, refusal)
	})
	stores := schema.GroupVersionResource{Group: "external-secrets.io", Version: "v1", Resource: "clustersecretstores"}
	store := func(conditions []interface{}) *unstructured.Unstructured {
		spec := map[string]interface{}{"provider": map[string]interface{}{"fake": map[string]interface{}{"data": []interface{}{}}}}
		if conditions != nil {
			spec["conditions"] = conditions
		}
		return &unstructured.Unstructured{Object: map[string]interface{}{
			"apiVersion": "external-secrets.io/v1", "kind": "ClusterSecretStore",
			"metadata": map[string]interface{}{"name": "co2-calculator-previews"}, "spec": spec,
		}}
	}
	t.Run("the previews' ClusterSecretStore without conditions is denied, restricted to previews admitted", func(t *testing.T) {
		denied(t, func() error {
			_, err := c.dyn.Resource(stores).Create(ctx, store(nil), dryRun)
			return err
		}, "needs spec.conditions restricting it to the preview namespaces")
		denied(t, func() error {
			_, err := c.dyn.Resource(stores).Create(ctx, store([]interface{}{map[string]interface{}{"namespaces": []interface{}{"co2-calculator-prod"}}}), dryRun)
			return err
		}, "spec.conditions[].namespaces may name only preview namespaces")
		restricted := store([]interface{}{map[string]interface{}{"namespaceRegexes": []interface{}{"^co2-calculator-preview-"}}})
		if _, err := c.dyn.Resource(stores).Create(ctx, restricted, dryRun); err != nil {
			t.Errorf("refused: %v", err)
		}
	})
	t.Run("a preview tracking its own Namespace is admitted", func(t *testing.T) {
		if _, err := c.apply(ctx, nsWith(preview, preview+":/Namespace:/"+preview), true); err != nil {
			t.Errorf("refused: %v", err)
		}
	})
}
