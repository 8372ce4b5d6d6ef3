package cluster

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

// The stand-in controller: with no kube-controller-manager, kubelet or operator, it writes the
// status that each would write, as soon as an object exists, and lets foreground deletions finish
// (no garbage collector; our objects own nothing). What it reports for the operators' kinds is set
// by the test (scenario).
type standIn struct {
	c   *cluster
	ns  string
	log *syncLog
	now string

	mu       sync.Mutex
	scenario scenario
	written  map[string]string
	writes   int
	ticks    int
}

// scenario is what the operators report. The zero value is the healthy steady state.
type scenario struct {
	collector          string // the collector's status.scale.statusReplicas; "" is "1/1"
	secretsPending     bool   // ExternalSecrets and InfisicalSecrets have not synced yet
	secretsFailing     bool   // ... and report that they cannot (the store refused)
	dashboardsUnsynced bool   // the Grafana operator has not reconciled the dashboards yet
	dashboardsFailing  bool   // ... or could not apply them
	cronJobLastFailed  bool   // the CronJob's last Job failed
	rolloutStuck       bool   // Deployments are past their progress deadline
	postgresNotReady   bool   // the in-cluster PostgreSQL never gets ready
}

var standInResources = []schema.GroupVersionResource{
	{Group: "apps", Version: "v1", Resource: "deployments"},
	{Group: "apps", Version: "v1", Resource: "statefulsets"},
	{Group: "batch", Version: "v1", Resource: "jobs"},
	{Group: "batch", Version: "v1", Resource: "cronjobs"},
	{Group: "autoscaling", Version: "v2", Resource: "horizontalpodautoscalers"},
	{Group: "policy", Version: "v1", Resource: "poddisruptionbudgets"},
	{Group: "route.openshift.io", Version: "v1", Resource: "routes"},
	{Group: "opentelemetry.io", Version: "v1beta1", Resource: "opentelemetrycollectors"},
	{Group: "secrets.infisical.com", Version: "v1alpha1", Resource: "infisicalsecrets"},
	{Group: "external-secrets.io", Version: "v1", Resource: "externalsecrets"},
	{Group: "grafana.integreatly.org", Version: "v1beta1", Resource: "grafanadashboards"},
	{Group: "", Version: "v1", Resource: "persistentvolumeclaims"},
}

func startStandIn(t *testing.T, ctx context.Context, c *cluster, ns string, sc scenario) *standIn {
	s := &standIn{c: c, ns: ns, log: &syncLog{}, scenario: sc, now: time.Now().UTC().Format(time.RFC3339), written: map[string]string{}}
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		for ctx.Err() == nil {
			s.tick(ctx)
			time.Sleep(100 * time.Millisecond)
		}
	}()
	t.Cleanup(func() { cancel(); <-done })
	return s
}

// record sends the Jobs' completions to the log of the next sync.
func (s *standIn) record(log *syncLog) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.log = log
}

func (s *standIn) set(sc scenario) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.scenario = sc
}

// settle waits until two whole passes wrote nothing.
func (s *standIn) settle(t *testing.T) {
	deadline := time.Now().Add(20 * time.Second)
	s.mu.Lock()
	start, writes := s.ticks, s.writes
	s.mu.Unlock()
	for time.Now().Before(deadline) {
		time.Sleep(100 * time.Millisecond)
		s.mu.Lock()
		ticks, w := s.ticks, s.writes
		s.mu.Unlock()
		if w != writes {
			start, writes = ticks, w
		} else if ticks >= start+2 {
			return
		}
	}
	t.Fatal("the stand-in controller did not settle in 20 s")
}

func (s *standIn) tick(ctx context.Context) {
	var objs []unstructured.Unstructured
	for _, gvr := range standInResources {
		list, err := s.c.dyn.Resource(gvr).Namespace(s.ns).List(ctx, metav1.ListOptions{})
		if err == nil {
			objs = append(objs, list.Items...)
		}
	}
	// Claims a workload mounts are bound (WaitForFirstConsumer); the others stay Pending.
	mounted := map[string]bool{}
	for _, o := range objs {
		if o.GetKind() != "Deployment" && o.GetKind() != "StatefulSet" {
			continue
		}
		vols, _, _ := unstructured.NestedSlice(o.Object, "spec", "template", "spec", "volumes")
		for _, v := range vols {
			if claim, ok, _ := unstructured.NestedString(v.(map[string]interface{}), "persistentVolumeClaim", "claimName"); ok {
				mounted[claim] = true
			}
		}
	}
	s.mu.Lock()
	sc := s.scenario
	s.mu.Unlock()
	writes := 0
	for i := range objs {
		if s.step(ctx, &objs[i], sc, mounted) {
			writes++
		}
	}
	s.mu.Lock()
	s.ticks++
	s.writes += writes
	s.mu.Unlock()
}

func cond(typ, status, reason string, now string) map[string]interface{} {
	return map[string]interface{}{"type": typ, "status": status, "reason": reason, "message": reason, "lastTransitionTime": now}
}

// status is what the controller or operator of the object's kind would report, or nil.
func (s *standIn) status(o *unstructured.Unstructured, sc scenario, mounted map[string]bool) map[string]interface{} {
	gen := o.GetGeneration()
	replicas, found, _ := unstructured.NestedInt64(o.Object, "spec", "replicas")
	if !found {
		replicas = 1
	}
	conditions := func(c ...map[string]interface{}) []interface{} {
		out := []interface{}{}
		for _, x := range c {
			out = append(out, x)
		}
		return out
	}
	switch o.GetKind() {
	case "Deployment", "StatefulSet", "Job":
		// The kubelet starts no container whose Secret, ConfigMap or ServiceAccount is missing.
		if len(s.missing(o)) > 0 {
			return nil
		}
	}
	switch o.GetKind() {
	case "Deployment":
		if sc.rolloutStuck {
			return map[string]interface{}{"observedGeneration": gen, "replicas": replicas, "updatedReplicas": replicas, "unavailableReplicas": replicas,
				"conditions": conditions(cond("Available", "False", "MinimumReplicasUnavailable", s.now), cond("Progressing", "False", "ProgressDeadlineExceeded", s.now))}
		}
		return map[string]interface{}{"observedGeneration": gen, "replicas": replicas, "updatedReplicas": replicas,
			"readyReplicas": replicas, "availableReplicas": replicas,
			"conditions": conditions(cond("Available", "True", "MinimumReplicasAvailable", s.now), cond("Progressing", "True", "NewReplicaSetAvailable", s.now))}
	case "StatefulSet":
		if sc.postgresNotReady {
			return map[string]interface{}{"observedGeneration": gen, "replicas": replicas, "readyReplicas": int64(0), "currentReplicas": replicas,
				"updatedReplicas": replicas, "availableReplicas": int64(0), "currentRevision": o.GetName() + "-1", "updateRevision": o.GetName() + "-1"}
		}
		return map[string]interface{}{"observedGeneration": gen, "replicas": replicas, "readyReplicas": replicas,
			"currentReplicas": replicas, "updatedReplicas": replicas, "availableReplicas": replicas,
			"currentRevision": o.GetName() + "-1", "updateRevision": o.GetName() + "-1"}
	case "Job":
		return map[string]interface{}{"startTime": s.now, "completionTime": s.now, "succeeded": int64(1), "ready": int64(0), "terminating": int64(0),
			"conditions": conditions(cond("SuccessCriteriaMet", "True", "CompletionsReached", s.now), cond("Complete", "True", "CompletionsReached", s.now))}
	case "CronJob":
		if !sc.cronJobLastFailed {
			return nil
		}
		earlier := time.Now().Add(-24 * time.Hour).UTC().Format(time.RFC3339)
		return map[string]interface{}{"lastScheduleTime": s.now, "lastSuccessfulTime": earlier}
	case "HorizontalPodAutoscaler":
		return map[string]interface{}{"currentReplicas": int64(1), "desiredReplicas": int64(1),
			"conditions": conditions(cond("AbleToScale", "True", "ReadyForNewScale", s.now))}
	case "PodDisruptionBudget":
		return map[string]interface{}{"observedGeneration": gen, "disruptionsAllowed": int64(1), "currentHealthy": int64(2),
			"desiredHealthy": int64(1), "expectedPods": int64(2), "conditions": conditions(cond("DisruptionAllowed", "True", "SufficientPods", s.now))}
	case "Route":
		host, _, _ := unstructured.NestedString(o.Object, "spec", "host")
		return map[string]interface{}{"ingress": []interface{}{map[string]interface{}{"host": host, "routerName": "default",
			"conditions": conditions(map[string]interface{}{"type": "Admitted", "status": "True", "lastTransitionTime": s.now})}}}
	case "OpenTelemetryCollector":
		ready := sc.collector
		if ready == "" {
			ready = "1/1"
		}
		return map[string]interface{}{"scale": map[string]interface{}{"replicas": int64(1), "statusReplicas": ready}}
	case "InfisicalSecret":
		switch {
		case sc.secretsFailing:
			return map[string]interface{}{"conditions": conditions(cond("secrets.infisical.com/ReadyToSyncSecrets", "False", "Error", s.now))}
		case sc.secretsPending:
			return nil
		}
		return map[string]interface{}{"conditions": conditions(cond("secrets.infisical.com/ReadyToSyncSecrets", "True", "OK", s.now))}
	case "ExternalSecret":
		switch {
		case sc.secretsFailing:
			return map[string]interface{}{"conditions": conditions(cond("Ready", "False", "SecretSyncedError", s.now))}
		case sc.secretsPending:
			return nil
		}
		return map[string]interface{}{"conditions": conditions(cond("Ready", "True", "SecretSynced", s.now))}
	case "GrafanaDashboard":
		switch {
		case sc.dashboardsUnsynced:
			return nil
		case sc.dashboardsFailing:
			return map[string]interface{}{"conditions": conditions(cond("DashboardSynchronized", "False", "ApplyFailed", s.now))}
		}
		return map[string]interface{}{"conditions": conditions(cond("DashboardSynchronized", "True", "ApplySuccessful", s.now))}
	case "PersistentVolumeClaim":
		if !mounted[o.GetName()] {
			return nil
		}
		modes, _, _ := unstructured.NestedSlice(o.Object, "spec", "accessModes")
		size, _, _ := unstructured.NestedString(o.Object, "spec", "resources", "requests", "storage")
		return map[string]interface{}{"phase": "Bound", "accessModes": modes, "capacity": map[string]interface{}{"storage": size}}
	}
	return nil
}

// step writes an object's status once per generation and scenario (never removes one), or ends
// its foreground deletion. It reports whether it wrote.
func (s *standIn) step(ctx context.Context, o *unstructured.Unstructured, sc scenario, mounted map[string]bool) bool {
	res, err := s.c.resource(o, "")
	if err != nil {
		return false
	}
	if o.GetDeletionTimestamp() != nil {
		var keep []string
		for _, f := range o.GetFinalizers() {
			if f != metav1.FinalizerDeleteDependents {
				keep = append(keep, f)
			}
		}
		if len(keep) == len(o.GetFinalizers()) {
			return false
		}
		o.SetFinalizers(keep)
		_, err := res.Update(ctx, o, metav1.UpdateOptions{})
		return err == nil
	}
	status := s.status(o, sc, mounted)
	if status == nil {
		return false
	}
	data, _ := json.Marshal(status)
	key, want := string(o.GetUID()), fmt.Sprintf("%d %s", o.GetGeneration(), data)
	s.mu.Lock()
	prev := s.written[key]
	s.mu.Unlock()
	if prev == want {
		return false
	}
	if err := s.produce(ctx, o, sc); err != nil {
		return false
	}
	if o.GetKind() == "Job" {
		s.mu.Lock()
		s.log.add("complete " + objKey(o))
		s.mu.Unlock()
	}
	o.Object["status"] = status
	if _, err = res.UpdateStatus(ctx, o, metav1.UpdateOptions{}); apierrors.IsNotFound(err) {
		_, err = res.Update(ctx, o, metav1.UpdateOptions{})
	}
	if err != nil {
		return false
	}
	s.mu.Lock()
	s.written[key] = want
	s.mu.Unlock()
	return true
}

// produce creates the Secrets a secret operator writes once it has synced (their keys are not
// checked).
func (s *standIn) produce(ctx context.Context, o *unstructured.Unstructured, sc scenario) error {
	if sc.secretsFailing {
		return nil
	}
	for _, name := range producedSecrets(o) {
		if err := createSecret(ctx, s.c, s.ns, name); err != nil {
			return err
		}
	}
	return nil
}

// producedSecrets are the Secrets an ExternalSecret or InfisicalSecret writes.
func producedSecrets(o *unstructured.Unstructured) []string {
	var names []string
	switch o.GetKind() {
	case "ExternalSecret":
		name, _, _ := unstructured.NestedString(o.Object, "spec", "target", "name")
		if name == "" {
			name = o.GetName()
		}
		names = append(names, name)
	case "InfisicalSecret":
		refs, _, _ := unstructured.NestedSlice(o.Object, "spec", "managedKubeSecretReferences")
		for _, r := range refs {
			name, _, _ := unstructured.NestedString(r.(map[string]interface{}), "secretName")
			names = append(names, name)
		}
	}
	return names
}

func createSecret(ctx context.Context, c *cluster, ns, name string) error {
	secret := &unstructured.Unstructured{Object: map[string]interface{}{
		"apiVersion": "v1", "kind": "Secret", "metadata": map[string]interface{}{"name": name, "namespace": ns},
	}}
	_, err := c.dyn.Resource(schema.GroupVersionResource{Version: "v1", Resource: "secrets"}).Namespace(ns).Create(ctx, secret, metav1.CreateOptions{})
	if apierrors.IsAlreadyExists(err) {
		return nil
	}
	return err
}

// missing lists the Secrets, ConfigMaps and ServiceAccount a pod template needs (optional ones left
// out) that do not exist.
func (s *standIn) missing(o *unstructured.Unstructured) []string {
	spec, _, _ := unstructured.NestedMap(o.Object, "spec", "template", "spec")
	var need []string
	if sa, _ := spec["serviceAccountName"].(string); sa != "" && sa != "default" {
		need = append(need, "serviceaccounts/"+sa)
	}
	ref := func(m map[string]interface{}, resource, field string) {
		if m == nil || m["optional"] == true {
			return
		}
		if name, _ := m[field].(string); name != "" {
			need = append(need, resource+"/"+name)
		}
	}
	sub := func(m interface{}, key string) map[string]interface{} {
		mm, _ := m.(map[string]interface{})
		out, _ := mm[key].(map[string]interface{})
		return out
	}
	for _, key := range []string{"initContainers", "containers"} {
		containers, _ := spec[key].([]interface{})
		for _, c := range containers {
			env, _ := c.(map[string]interface{})["env"].([]interface{})
			for _, e := range env {
				ref(sub(sub(e, "valueFrom"), "secretKeyRef"), "secrets", "name")
				ref(sub(sub(e, "valueFrom"), "configMapKeyRef"), "configmaps", "name")
			}
			envFrom, _ := c.(map[string]interface{})["envFrom"].([]interface{})
			for _, e := range envFrom {
				ref(sub(e, "secretRef"), "secrets", "name")
				ref(sub(e, "configMapRef"), "configmaps", "name")
			}
		}
	}
	volumes, _ := spec["volumes"].([]interface{})
	for _, v := range volumes {
		ref(sub(v, "secret"), "secrets", "secretName")
		ref(sub(v, "configMap"), "configmaps", "name")
	}
	var out []string
	for _, n := range need {
		resource, name, _ := strings.Cut(n, "/")
		_, err := s.c.dyn.Resource(schema.GroupVersionResource{Version: "v1", Resource: resource}).Namespace(s.ns).Get(context.Background(), name, metav1.GetOptions{})
		if err != nil {
			out = append(out, n)
		}
	}
	return out
}
