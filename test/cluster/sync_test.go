package cluster

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/argoproj/argo-cd/v3/pkg/apis/application/v1alpha1"
	"github.com/argoproj/argo-cd/v3/util/lua"
	"github.com/argoproj/gitops-engine/pkg/health"
	gitopssync "github.com/argoproj/gitops-engine/pkg/sync"
	"github.com/argoproj/gitops-engine/pkg/sync/common"
	"github.com/argoproj/gitops-engine/pkg/sync/hook"
	"github.com/argoproj/gitops-engine/pkg/utils/kube"
	"github.com/argoproj/gitops-engine/pkg/utils/tracing"
	"github.com/go-logr/logr"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/rest"
	cmdutil "k8s.io/kubectl/pkg/cmd/util"
	"k8s.io/kubectl/pkg/util/openapi"
)

// syncLog is the order of events of one sync: the applies gitops-engine makes and the hook
// completions the stand-in controller reports.
type syncLog struct {
	mu     sync.Mutex
	events []string
}

func (l *syncLog) add(event string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.events = append(l.events, event)
}

func (l *syncLog) list() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]string{}, l.events...)
}

func objKey(obj *unstructured.Unstructured) string { return obj.GetKind() + "/" + obj.GetName() }

// recordingKubectl is gitops-engine's own kubectl, with every real (not dry-run) apply recorded.
type recordingKubectl struct {
	kube.Kubectl
	log **syncLog
}

func (k recordingKubectl) ManageResources(cfg *rest.Config, schema openapi.Resources) (kube.ResourceOperations, func(), error) {
	ops, cleanup, err := k.Kubectl.ManageResources(cfg, schema)
	return recordingOps{ops, k.log}, cleanup, err
}

type recordingOps struct {
	kube.ResourceOperations
	log **syncLog
}

func (o recordingOps) ApplyResource(ctx context.Context, obj *unstructured.Unstructured, dryRun cmdutil.DryRunStrategy, force, validate, serverSideApply bool, manager string) (string, error) {
	if dryRun == cmdutil.DryRunNone {
		(*o.log).add("apply " + objKey(obj))
	}
	return o.ResourceOperations.ApplyResource(ctx, obj, dryRun, force, validate, serverSideApply, manager)
}

// syncer runs gitops-engine's sync as argo-cd v3.3.10's controller does (controller/sync.go
// SyncAppState): on every pass it reads the live objects, reconciles them with the targets, builds a
// new sync context carrying the state of the previous pass, and calls Sync once.
type syncer struct {
	c         *cluster
	cfg       *rest.Config
	kubectl   kube.Kubectl
	schema    openapi.Resources
	overrides lua.ResourceHealthOverrides
	log       *syncLog
}

func newSyncer(t *testing.T, cfg *rest.Config, c *cluster) *syncer {
	s := &syncer{c: c, cfg: cfg, overrides: healthOverrides(t)}
	s.kubectl = recordingKubectl{&kube.KubectlCmd{Log: logr.Discard(), Tracer: tracing.NopTracer{}}, &s.log}
	schema, _, err := s.kubectl.LoadOpenAPISchema(cfg)
	if err != nil {
		t.Fatalf("OpenAPI schema: %v", err)
	}
	s.schema = schema
	return s
}

// healthOverrides are the health checks the ArgoCD instance of dist/argocd adds (the operator
// writes spec.resourceHealthChecks into argocd-cm); Argo CD's built-in Lua checks apply to the rest.
func healthOverrides(t *testing.T) lua.ResourceHealthOverrides {
	out := lua.ResourceHealthOverrides{}
	for _, m := range readManifests(t, filepath.Join(repoRoot, "dist", "argocd")) {
		if m.obj.GetKind() != "ArgoCD" {
			continue
		}
		checks, _, _ := unstructured.NestedSlice(m.obj.Object, "spec", "resourceHealthChecks")
		for _, c := range checks {
			cm := c.(map[string]interface{})
			key := lua.GetConfigMapKey(schema.GroupVersionKind{Group: fmt.Sprint(cm["group"]), Kind: fmt.Sprint(cm["kind"])})
			out[key] = v1alpha1.ResourceOverride{HealthLua: fmt.Sprint(cm["check"])}
		}
	}
	if len(out) == 0 {
		t.Fatal("no resourceHealthChecks in the ArgoCD of dist/argocd")
	}
	return out
}

func (s *syncer) IsNamespaced(gk schema.GroupKind) (bool, error) {
	m, err := s.c.mapper.RESTMapping(gk)
	if err != nil {
		return false, err
	}
	return m.Scope.Name() == meta.RESTScopeNameNamespace, nil
}

// live reads each target from the server, standing in for the controller's cluster cache.
func (s *syncer) live(ctx context.Context, targets []*unstructured.Unstructured) (map[kube.ResourceKey]*unstructured.Unstructured, error) {
	out := map[kube.ResourceKey]*unstructured.Unstructured{}
	for _, obj := range targets {
		res, err := s.c.resource(obj, "")
		if err != nil {
			return nil, err
		}
		live, err := res.Get(ctx, obj.GetName(), metav1.GetOptions{})
		if apierrors.IsNotFound(err) {
			continue
		}
		if err != nil {
			return nil, err
		}
		out[kube.GetResourceKey(live)] = live
	}
	return out, nil
}

// run syncs the targets into ns until the operation ends, with the options of our Applications
// (dist/argocd: automated prune, ServerSideApply=true, PruneLast=true; FailOnSharedResource is checked
// by the controller before gitops-engine runs, and nothing is shared in an empty namespace). The wave
// delay of the controller (delayBetweenSyncWaves, 2 s) is left out: it only gives controllers time.
// each, when set, sees every pass that did not end the operation.
func (s *syncer) run(ctx context.Context, proj v1alpha1.AppProject, ns string, targets []*unstructured.Unstructured, each func(msg string)) (common.OperationPhase, string, []common.ResourceSyncResult, error) {
	phase, message := common.OperationRunning, ""
	var results []common.ResourceSyncResult
	startedAt := metav1.Now()
	foreground := metav1.DeletePropagationForeground
	deadline := time.Now().Add(60 * time.Second)
	for {
		live, err := s.live(ctx, targets)
		if err != nil {
			return "", "", nil, err
		}
		var copies []*unstructured.Unstructured
		for _, obj := range targets {
			copies = append(copies, obj.DeepCopy())
		}
		reconciled := gitopssync.Reconcile(copies, live, ns, s)
		sc, cleanup, err := gitopssync.NewSyncContext("HEAD", reconciled, s.cfg, s.cfg, s.kubectl, ns, s.schema,
			gitopssync.WithLogr(logr.Discard()),
			gitopssync.WithHealthOverride(s.overrides),
			gitopssync.WithPermissionValidator(func(un *unstructured.Unstructured, res *metav1.APIResource) error {
				return permitted(proj, un, res)
			}),
			gitopssync.WithOperationSettings(false, true, false, false),
			gitopssync.WithInitialState(phase, message, results, startedAt),
			gitopssync.WithManifestValidation(true),
			gitopssync.WithPruneLast(true),
			gitopssync.WithPrunePropagationPolicy(&foreground),
			gitopssync.WithServerSideApply(true),
			gitopssync.WithServerSideApplyManager(argoCDManager),
			gitopssync.WithClientSideApplyMigration(true, common.DefaultClientSideApplyMigrationManager),
		)
		if err != nil {
			return "", "", nil, err
		}
		sc.Sync()
		phase, message, results = sc.GetState()
		cleanup()
		if phase.Completed() {
			return phase, message, results, nil
		}
		if time.Now().After(deadline) {
			return phase, message, results, fmt.Errorf("still %s after 60 s: %s", phase, message)
		}
		if each != nil {
			each(message)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// permitted is the check of argo-cd v3.3.10 controller/sync.go validateSyncPermissions.
func permitted(proj v1alpha1.AppProject, un *unstructured.Unstructured, res *metav1.APIResource) error {
	if res == nil {
		return fmt.Errorf("no API resource for %s", un.GroupVersionKind())
	}
	if !proj.IsGroupKindNamePermitted(un.GroupVersionKind().GroupKind(), un.GetName(), res.Namespaced) {
		return fmt.Errorf("resource %s is not permitted in project %s", un.GroupVersionKind().GroupKind(), proj.Name)
	}
	if res.Namespaced {
		if ok, err := proj.IsDestinationPermitted(inCluster, un.GetNamespace(), noProjectClusters); err != nil || !ok {
			return fmt.Errorf("namespace %s is not permitted in project %s (%v)", un.GetNamespace(), proj.Name, err)
		}
	}
	return nil
}

func project(t *testing.T, name string) v1alpha1.AppProject {
	for _, m := range readManifests(t, filepath.Join(repoRoot, "dist", "argocd")) {
		if m.obj.GetKind() == "AppProject" && m.obj.GetName() == name {
			var proj v1alpha1.AppProject
			if err := runtime.DefaultUnstructuredConverter.FromUnstructured(m.obj.Object, &proj); err != nil {
				t.Fatalf("%s: %v", m.file, err)
			}
			return proj
		}
	}
	t.Fatalf("no AppProject %s in dist/argocd", name)
	return v1alpha1.AppProject{}
}

// appHealth is the health Argo CD gives the Application: the worst of its objects' (hooks left out),
// as controller/health.go setApplicationHealth computes it. It also returns each object's.
func (s *syncer) appHealth(ctx context.Context, targets []*unstructured.Unstructured) (health.HealthStatusCode, map[string]string, error) {
	live, err := s.live(ctx, targets)
	if err != nil {
		return "", nil, err
	}
	app, each := health.HealthStatusHealthy, map[string]string{}
	for _, obj := range targets {
		if hook.IsHook(obj) {
			continue
		}
		l := live[kube.GetResourceKey(obj)]
		if l == nil {
			app = health.HealthStatusMissing
			each[objKey(obj)] = string(health.HealthStatusMissing)
			continue
		}
		h, err := health.GetResourceHealth(l, s.overrides)
		if err != nil {
			return "", nil, err
		}
		if h == nil {
			continue
		}
		each[objKey(obj)] = string(h.Status)
		if health.IsWorse(app, h.Status) {
			app = h.Status
		}
	}
	return app, each, nil
}

type target struct {
	obj  *unstructured.Unstructured
	wave int
	hook bool
}

func targetsOf(t *testing.T, env string) (string, []*unstructured.Unstructured, map[string]target) {
	var objs []*unstructured.Unstructured
	byKey := map[string]target{}
	ns := ""
	for _, m := range readManifests(t, filepath.Join(repoRoot, "dist", env)) {
		obj := m.obj.DeepCopy()
		if obj.GetKind() != "Namespace" {
			ns = obj.GetNamespace()
		}
		wave, _ := strconv.Atoi(obj.GetAnnotations()["argocd.argoproj.io/sync-wave"])
		byKey[objKey(obj)] = target{obj, wave, hook.IsHook(obj)}
		objs = append(objs, obj)
	}
	return ns, objs, byKey
}

// envSync is one environment being synced: its Application's targets and its stand-in controller.
type envSync struct {
	s       *syncer
	ns      string
	proj    v1alpha1.AppProject
	targets []*unstructured.Unstructured
	byKey   map[string]target
	op      *standIn
}

type syncResult struct {
	phase   common.OperationPhase
	message string
	results []common.ResourceSyncResult
	events  []string
	err     error
}

// startEnv prepares dist/<env> for a sync into its namespace, empty: created as the platform team
// does, unless the environment ships its Namespace (previews). sc is what the operators report.
func startEnv(t *testing.T, ctx context.Context, s *syncer, env string, sc scenario) *envSync {
	e := &envSync{s: s, proj: project(t, "co2-calculator-"+env)}
	e.ns, e.targets, e.byKey = targetsOf(t, env)
	if _, shipped := e.byKey["Namespace/"+e.ns]; !shipped {
		createNamespace(t, ctx, s.c, e.ns)
	}
	// The Secrets made by hand, which the project names among the orphans to ignore, exist first.
	produced := map[string]bool{}
	for _, obj := range e.targets {
		for _, name := range producedSecrets(obj) {
			produced[name] = true
		}
	}
	if e.proj.Spec.OrphanedResources != nil {
		for _, ig := range e.proj.Spec.OrphanedResources.Ignore {
			if ig.Kind == "Secret" && !strings.Contains(ig.Name, "*") && !produced[ig.Name] {
				if err := createSecret(ctx, s.c, e.ns, ig.Name); err != nil {
					t.Fatal(err)
				}
			}
		}
	}
	e.op = startStandIn(t, ctx, s.c, e.ns, sc)
	return e
}

// sync runs one sync operation to its end; each, when set, sees every pass that did not end it.
func (e *envSync) sync(ctx context.Context, each func(msg string, events []string)) syncResult {
	log := &syncLog{}
	e.s.log = log
	e.op.record(log)
	var r syncResult
	r.phase, r.message, r.results, r.err = e.s.run(ctx, e.proj, e.ns, e.targets, func(msg string) {
		if each != nil {
			each(msg, log.list())
		}
	})
	r.events = log.list()
	return r
}

// checkSynced: the sync succeeded, every object Synced, each applied once in the order of the
// waves, and the migration hook ran and completed before any later wave.
func (e *envSync) checkSynced(t *testing.T, r syncResult) {
	t.Run("sync succeeds", func(t *testing.T) {
		if r.err != nil || r.phase != common.OperationSucceeded {
			t.Fatalf("phase %s: %s (%v)\n%s", r.phase, r.message, r.err, strings.Join(r.events, "\n"))
		}
		for _, res := range r.results {
			if res.HookType == "" && res.Status != common.ResultCodeSynced {
				t.Errorf("%s/%s: %s %s", res.ResourceKey.Kind, res.ResourceKey.Name, res.Status, res.Message)
			}
		}
	})
	t.Run("applies in wave order", func(t *testing.T) { checkOrder(t, r.events, e.byKey) })
	t.Run("migration hook completes", func(t *testing.T) {
		ran := false
		for _, res := range r.results {
			if res.HookType == common.HookTypeSync {
				ran = true
				if res.HookPhase != common.OperationSucceeded {
					t.Errorf("hook %s: %s %s", res.ResourceKey.Name, res.HookPhase, res.Message)
				}
			}
		}
		if !ran || !contains(r.events, "complete Job/backend-migration") {
			t.Errorf("the migration Job did not run: %v", r.events)
		}
	})
	if t.Failed() {
		t.FailNow() // what follows builds on this sync
	}
}

// checkNoOp syncs again once the stand-in controller has settled: no object may change (the Sync
// hook runs again, as on every sync).
func (e *envSync) checkNoOp(t *testing.T, ctx context.Context) {
	e.op.settle(t)
	before := versions(t, ctx, e.s, e.targets)
	r := e.sync(ctx, nil)
	e.op.settle(t)
	after := versions(t, ctx, e.s, e.targets)
	t.Run("second sync changes nothing", func(t *testing.T) {
		if r.err != nil || r.phase != common.OperationSucceeded {
			t.Fatalf("phase %s: %s (%v)", r.phase, r.message, r.err)
		}
		for k, v := range before {
			if after[k] != v {
				t.Errorf("%s changed:\n before: %s\n after:  %s", k, v, after[k])
			}
		}
		if !contains(r.events, "complete Job/backend-migration") {
			t.Errorf("the Sync hook did not run again: %v", r.events)
		}
	})
}

// health settles the stand-in, then returns the app's health and each object's.
func (e *envSync) health(t *testing.T, ctx context.Context) (health.HealthStatusCode, map[string]string) {
	e.op.settle(t)
	app, each, err := e.s.appHealth(ctx, e.targets)
	if err != nil {
		t.Fatal(err)
	}
	return app, each
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// versions are the live targets that are not hooks, as JSON without their resourceVersion: the
// server re-encodes a claim that nothing updated since its creation on the first apply after it
// (a new resourceVersion, the same content), which is no change for Argo CD.
func versions(t *testing.T, ctx context.Context, s *syncer, targets []*unstructured.Unstructured) map[string]string {
	live, err := s.live(ctx, targets)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, obj := range targets {
		if l := live[kube.GetResourceKey(obj)]; l != nil && !hook.IsHook(obj) {
			l.SetResourceVersion("")
			data, _ := json.Marshal(l.Object)
			out[objKey(obj)] = string(data)
		}
	}
	return out
}

// checkOrder: every target applied once, waves in order, and no object of a later wave applied
// before each hook of an earlier wave completed.
func checkOrder(t *testing.T, events []string, byKey map[string]target) {
	applied := map[string]int{}
	completed := map[string]bool{}
	last := -1 << 31
	for _, e := range events {
		kind, key, _ := strings.Cut(e, " ")
		if kind == "complete" {
			completed[key] = true
			continue
		}
		tg, ok := byKey[key]
		if !ok {
			t.Errorf("applied %s, which dist does not hold", key)
			continue
		}
		applied[key]++
		if tg.wave < last {
			t.Errorf("%s (wave %d) applied after an object of wave %d", key, tg.wave, last)
		}
		last = tg.wave
		for hk, h := range byKey {
			if h.hook && h.wave < tg.wave && !completed[hk] {
				t.Errorf("%s (wave %d) applied before hook %s (wave %d) completed", key, tg.wave, hk, h.wave)
			}
		}
	}
	for key := range byKey {
		if applied[key] != 1 {
			t.Errorf("%s applied %d times", key, applied[key])
		}
	}
}

// kindHealth checks, once the stand-in has settled, that every object of a kind has a health.
func (e *envSync) kindHealth(t *testing.T, ctx context.Context, kind string, want health.HealthStatusCode) health.HealthStatusCode {
	app, each := e.health(t, ctx)
	found := false
	for key, h := range each {
		if strings.HasPrefix(key, kind+"/") {
			found = true
			if h != string(want) {
				t.Errorf("%s is %s, want %s", key, h, want)
			}
		}
	}
	if !found {
		t.Errorf("no %s in the environment", kind)
	}
	return app
}

func syncEnvironments(t *testing.T, ctx context.Context, cfg *rest.Config, c *cluster) {
	s := newSyncer(t, cfg, c)

	// Each environment's first sync runs with one operator in a state docs/sync.md names; the
	// objects of the last wave hold back nothing, whatever their health.
	t.Run("dev", func(t *testing.T) {
		e := startEnv(t, ctx, s, "dev", scenario{})
		e.checkSynced(t, e.sync(ctx, nil))
		e.checkNoOp(t, ctx)
		// A backup failed: argo-cd's CronJob check says Degraded, and the next sync still runs whole.
		e.op.set(scenario{cronJobLastFailed: true})
		t.Run("failed backup", func(t *testing.T) {
			if app := e.kindHealth(t, ctx, "CronJob", health.HealthStatusDegraded); app != health.HealthStatusDegraded {
				t.Errorf("app health %s, want Degraded", app)
			}
			e.checkSynced(t, e.sync(ctx, nil))
		})
		// A release whose pods never become available: Degraded Deployments, in the last wave.
		e.op.set(scenario{rolloutStuck: true})
		t.Run("stuck rollout", func(t *testing.T) {
			e.kindHealth(t, ctx, "Deployment", health.HealthStatusDegraded)
			e.checkSynced(t, e.sync(ctx, nil))
		})
	})
	t.Run("staging", func(t *testing.T) {
		// The collector's pod is starting: the OpenTelemetry operator reports 0/1 (Degraded).
		e := startEnv(t, ctx, s, "staging", scenario{collector: "0/1"})
		e.checkSynced(t, e.sync(ctx, nil))
		t.Run("starting collector", func(t *testing.T) {
			if app := e.kindHealth(t, ctx, "OpenTelemetryCollector", health.HealthStatusDegraded); app != health.HealthStatusDegraded {
				t.Errorf("app health %s, want Degraded", app)
			}
		})
		e.op.set(scenario{collector: "1/1"})
		t.Run("started collector", func(t *testing.T) { e.kindHealth(t, ctx, "OpenTelemetryCollector", health.HealthStatusHealthy) })
		e.checkNoOp(t, ctx)
	})
	t.Run("prod", func(t *testing.T) {
		e := startEnv(t, ctx, s, "prod", scenario{dashboardsUnsynced: true})
		e.checkSynced(t, e.sync(ctx, nil))
		t.Run("unreconciled dashboards", func(t *testing.T) { e.kindHealth(t, ctx, "GrafanaDashboard", health.HealthStatusProgressing) })
		e.op.set(scenario{dashboardsFailing: true})
		t.Run("failing dashboards", func(t *testing.T) {
			e.kindHealth(t, ctx, "GrafanaDashboard", health.HealthStatusDegraded)
			e.checkSynced(t, e.sync(ctx, nil))
		})
		e.op.set(scenario{})
		t.Run("reconciled dashboards", func(t *testing.T) { e.kindHealth(t, ctx, "GrafanaDashboard", health.HealthStatusHealthy) })
		e.checkNoOp(t, ctx)
	})
	t.Run("preview-sso-login", func(t *testing.T) {
		// The ExternalSecrets (wave 0) are not Ready yet: the sync waits, applying nothing later.
		e := startEnv(t, ctx, s, "preview-sso-login", scenario{secretsPending: true})
		waits, early := 0, []string(nil)
		r := e.sync(ctx, func(msg string, events []string) {
			if strings.Contains(msg, "waiting for healthy state of external-secrets.io/ExternalSecret/") {
				if waits++; waits == 3 {
					early = events
					e.op.set(scenario{})
				}
			}
		})
		t.Run("waits for its ExternalSecrets", func(t *testing.T) {
			if waits < 3 {
				t.Fatalf("the sync did not wait for the ExternalSecrets: %v", r.events)
			}
			checkOnlyUpTo(t, early, e.byKey, 0)
		})
		e.checkSynced(t, r)
		e.checkNoOp(t, ctx)
	})
	t.Run("preview-emission-factors-2026", func(t *testing.T) {
		// The store refuses: the ExternalSecrets are Degraded and the sync fails in wave 0.
		e := startEnv(t, ctx, s, "preview-emission-factors-2026", scenario{secretsFailing: true})
		r := e.sync(ctx, nil)
		t.Run("failing ExternalSecret fails the sync", func(t *testing.T) {
			if r.err != nil || r.phase != common.OperationFailed {
				t.Fatalf("phase %s: %s (%v)", r.phase, r.message, r.err)
			}
			checkOnlyUpTo(t, r.events, e.byKey, 0)
		})
		// The store answers again (a retry), but PostgreSQL (wave 1) does not get ready: the sync
		// waits before the migration, until it does.
		e.op.set(scenario{postgresNotReady: true})
		waits, early := 0, []string(nil)
		r = e.sync(ctx, func(msg string, events []string) {
			if strings.Contains(msg, "waiting for healthy state of apps/StatefulSet/postgres") {
				if waits++; waits == 3 {
					early = events
					e.op.set(scenario{})
				}
			}
		})
		t.Run("waits for PostgreSQL", func(t *testing.T) {
			if waits < 3 {
				t.Fatalf("the sync did not wait for PostgreSQL: %v", r.events)
			}
			checkOnlyUpTo(t, early, e.byKey, 1)
		})
		e.checkSynced(t, r)
	})
}

// checkOnlyUpTo: nothing after the given wave was applied, and no Job completed.
func checkOnlyUpTo(t *testing.T, events []string, byKey map[string]target, wave int) {
	for _, ev := range events {
		kind, key, _ := strings.Cut(ev, " ")
		if kind == "complete" || byKey[key].wave > wave {
			t.Errorf("%s while an object of wave %d was not Healthy", ev, wave)
		}
	}
}
