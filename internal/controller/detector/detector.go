/*
Copyright 2026 The Kurator Authors.

Licensed under the Apache License, Version 2.0 (the "License");
you may not use this file except in compliance with the License.
You may obtain a copy of the License at

    http://www.apache.org/licenses/LICENSE-2.0

Unless required by applicable law or agreed to in writing, software
distributed under the License is distributed on an "AS IS" BASIS,
WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
See the License for the specific language governing permissions and
limitations under the License.
*/
// Package detector is where propagation starts: it watches the kinds that
// propagation policies select, decides which policy claims each resource
// template (Karmada's order), claims it, and keeps one ResourceBinding (or
// ClusterResourceBinding) per template with what the scheduler needs.
package detector

import (
	"context"
	"fmt"
	"maps"
	"strings"
	"sync"
	"time"

	"github.com/go-logr/logr"
	"k8s.io/apimachinery/pkg/api/equality"
	apimeta "k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	utilruntime "k8s.io/apimachinery/pkg/util/runtime"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/dynamic/dynamicinformer"
	toolscache "k8s.io/client-go/tools/cache"
	"k8s.io/client-go/tools/events"
	"k8s.io/client-go/util/workqueue"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/cache"
	"sigs.k8s.io/controller-runtime/pkg/client"

	fleetv1alpha1 "kurator.dev/kurator/api/fleet/v1alpha1"
	policyv1alpha1 "kurator.dev/kurator/api/policy/v1alpha1"
	rolloutv1alpha1 "kurator.dev/kurator/api/rollout/v1alpha1"
	workv1alpha2 "kurator.dev/kurator/api/work/v1alpha2"
	"kurator.dev/kurator/internal/interpreter"
)

// key names one resource template.
type key struct {
	GVK       schema.GroupVersionKind
	Namespace string
	Name      string
}

// Detector is a manager Runnable: templates are of any kind, so it keeps its
// own dynamic informers and queue instead of a typed controller.
type Detector struct {
	Client client.Client
	// Reader reads the API server directly (the manager's APIReader).
	Reader   client.Reader
	Cache    cache.Cache
	Dynamic  dynamic.Interface
	Mapper   apimeta.RESTMapper
	Recorder events.EventRecorder
	Workers  int

	queue    workqueue.TypedRateLimitingInterface[key]
	factory  dynamicinformer.DynamicSharedInformerFactory
	mu       sync.Mutex
	watching map[schema.GroupVersionKind]toolscache.SharedIndexInformer
	// pending are kinds policies select that the API server did not serve
	// when asked.
	pending map[schema.GroupVersionKind]bool
	stop    <-chan struct{}
	// failures keeps BindingFailed to one event per failure.
	failures bindFailures
}

// NeedLeaderElection: one detector acts at a time.
func (d *Detector) NeedLeaderElection() bool { return true }

// Start runs the detector until ctx ends.
func (d *Detector) Start(ctx context.Context) error {
	// The manager hands runnables no logger: fall back to the global one.
	log := ctrl.LoggerFrom(ctx).WithName("detector")
	ctx = logr.NewContext(ctx, log)
	d.queue = workqueue.NewTypedRateLimitingQueueWithConfig(workqueue.DefaultTypedControllerRateLimiter[key](),
		workqueue.TypedRateLimitingQueueConfig[key]{Name: "detector"})
	defer d.queue.ShutDown()
	d.factory = dynamicinformer.NewDynamicSharedInformerFactory(d.Dynamic, 0)
	d.watching = map[schema.GroupVersionKind]toolscache.SharedIndexInformer{}
	d.pending = map[schema.GroupVersionKind]bool{}
	d.stop = ctx.Done()
	defer d.factory.Shutdown()

	onPolicy := toolscache.ResourceEventHandlerFuncs{
		AddFunc:    func(obj any) { d.policyChanged(ctx, obj) },
		UpdateFunc: func(_, obj any) { d.policyChanged(ctx, obj) },
		DeleteFunc: func(obj any) { d.policyChanged(ctx, obj) },
	}
	for _, obj := range []client.Object{&policyv1alpha1.PropagationPolicy{}, &policyv1alpha1.ClusterPropagationPolicy{}} {
		inf, err := d.Cache.GetInformer(ctx, obj)
		if err != nil {
			return err
		}
		if _, err := inf.AddEventHandler(onPolicy); err != nil {
			return err
		}
	}
	fleets, err := d.Cache.GetInformer(ctx, &fleetv1alpha1.Fleet{})
	if err != nil {
		return err
	}
	// A fleet's placement feeds the bindings of policies that target it.
	if _, err := fleets.AddEventHandler(toolscache.ResourceEventHandlerFuncs{
		UpdateFunc: func(_, _ any) { d.enqueueAll() },
		AddFunc:    func(any) { d.enqueueAll() },
	}); err != nil {
		return err
	}
	// A kind's customisation decides its replicas and requirements, which
	// its bindings carry.
	interpreter.Default.OnChange(d.enqueueKind)
	go wait.UntilWithContext(ctx, d.retryPending, pendingRetry)
	workers := max(d.Workers, 1)
	for range workers {
		go wait.UntilWithContext(ctx, d.worker, time.Second)
	}
	<-ctx.Done()
	return nil
}

// policyChanged makes sure the policy's kinds are watched and re-examines
// every template of those kinds (a policy can claim or release any of them).
func (d *Detector) policyChanged(ctx context.Context, obj any) {
	if tomb, ok := obj.(toolscache.DeletedFinalStateUnknown); ok {
		obj = tomb.Obj
	}
	var selectors []policyv1alpha1.ResourceSelector
	switch p := obj.(type) {
	case *policyv1alpha1.PropagationPolicy:
		selectors = p.Spec.ResourceSelectors
	case *policyv1alpha1.ClusterPropagationPolicy:
		selectors = p.Spec.ResourceSelectors
	default:
		return
	}
	for _, s := range selectors {
		gvk := schema.FromAPIVersionAndKind(s.APIVersion, s.Kind)
		if skippedGroup(gvk.Group) {
			continue
		}
		if err := d.watch(gvk); err != nil {
			// Typically a CRD applied together with its policy and not
			// served yet: retried until it is (see retryPending).
			ctrl.LoggerFrom(ctx).Info("Cannot watch the kind a policy selects yet", "kind", gvk.String(), "err", err.Error())
			d.mu.Lock()
			d.pending[gvk] = true
			d.mu.Unlock()
			continue
		}
		d.enqueueKind(gvk)
	}
}

// pendingRetry is how often kinds not served yet are asked for again.
const pendingRetry = 5 * time.Second

// retryPending starts watching the pending kinds that are now served, and
// re-examines their templates.
func (d *Detector) retryPending(ctx context.Context) {
	d.mu.Lock()
	kinds := make([]schema.GroupVersionKind, 0, len(d.pending))
	for gvk := range d.pending {
		kinds = append(kinds, gvk)
	}
	d.mu.Unlock()
	for _, gvk := range kinds {
		if err := d.watch(gvk); err != nil {
			continue
		}
		d.mu.Lock()
		delete(d.pending, gvk)
		d.mu.Unlock()
		ctrl.LoggerFrom(ctx).Info("Watching a kind that is now served", "kind", gvk.String())
		d.enqueueKind(gvk)
	}
}

// watch starts an informer for a kind once.
func (d *Detector) watch(gvk schema.GroupVersionKind) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if _, ok := d.watching[gvk]; ok {
		return nil
	}
	m, err := d.Mapper.RESTMapping(gvk.GroupKind(), gvk.Version)
	if err != nil {
		return err
	}
	inf := d.factory.ForResource(m.Resource).Informer()
	if _, err := inf.AddEventHandler(toolscache.ResourceEventHandlerFuncs{
		AddFunc: func(obj any) { d.enqueueObject(gvk, obj) },
		UpdateFunc: func(old, obj any) {
			if templateChanged(old, obj) {
				d.enqueueObject(gvk, obj)
			}
		},
		DeleteFunc: func(obj any) { d.enqueueObject(gvk, obj) },
	}); err != nil {
		return err
	}
	d.watching[gvk] = inf
	d.factory.Start(d.stop)
	return nil
}

// templateChanged passes the updates a binding depends on. A status-only
// update (the binding controller aggregating the members' status, say)
// keeps the generation, labels and annotations, and is dropped. Kinds
// without a generation (ConfigMaps, Secrets) pass every update.
//
// The detector's own claim (labels and annotations naming the policy) is
// dropped too: the reconcile that wrote it has bound the template already,
// and a second pass, before the new binding reaches the cache, would try to
// create it again.
func templateChanged(oldObj, newObj any) bool {
	o, ok1 := oldObj.(*unstructured.Unstructured)
	n, ok2 := newObj.(*unstructured.Unstructured)
	if !ok1 || !ok2 {
		return true
	}
	if claimOnly(o, n) {
		return false
	}
	if n.GetGeneration() == 0 {
		return true
	}
	return o.GetGeneration() != n.GetGeneration() || !maps.Equal(o.GetLabels(), n.GetLabels()) ||
		!maps.Equal(o.GetAnnotations(), n.GetAnnotations()) || !o.GetDeletionTimestamp().Equal(n.GetDeletionTimestamp())
}

// claimKeys are the labels and annotations the detector's claim writes.
var claimKeys = []string{
	policyv1alpha1.PropagationPolicyPermanentIDLabel, policyv1alpha1.ClusterPropagationPolicyPermanentIDLabel,
	policyv1alpha1.PropagationPolicyNamespaceAnnotation, policyv1alpha1.PropagationPolicyNameAnnotation,
	policyv1alpha1.ClusterPropagationPolicyNameAnnotation,
}

// claimOnly reports whether n differs from o in claim labels and
// annotations and nothing else.
func claimOnly(o, n *unstructured.Unstructured) bool {
	claimed := false
	for _, k := range claimKeys {
		if o.GetLabels()[k] != n.GetLabels()[k] || o.GetAnnotations()[k] != n.GetAnnotations()[k] {
			claimed = true
		}
	}
	if !claimed {
		return false
	}
	strip := func(u *unstructured.Unstructured) map[string]any {
		c := u.DeepCopy()
		c.SetResourceVersion("")
		c.SetManagedFields(nil)
		labels, annotations := c.GetLabels(), c.GetAnnotations()
		for _, k := range claimKeys {
			delete(labels, k)
			delete(annotations, k)
		}
		c.SetLabels(labels)
		c.SetAnnotations(annotations)
		return c.Object
	}
	return equality.Semantic.DeepEqual(strip(o), strip(n))
}

// Template returns a template from the detector's informers, which watch
// every kind a policy selects; ok is false when its kind is not watched.
// The binding controller reads templates here instead of the API server.
func (d *Detector) Template(gvk schema.GroupVersionKind, namespace, name string) (*unstructured.Unstructured, bool, error) {
	d.mu.Lock()
	inf := d.watching[gvk]
	d.mu.Unlock()
	if inf == nil || !inf.HasSynced() {
		return nil, false, nil
	}
	u, err := d.template(key{GVK: gvk, Namespace: namespace, Name: name})
	return u, true, err
}

func (d *Detector) enqueueObject(gvk schema.GroupVersionKind, obj any) {
	if tomb, ok := obj.(toolscache.DeletedFinalStateUnknown); ok {
		obj = tomb.Obj
	}
	u, ok := obj.(*unstructured.Unstructured)
	if !ok {
		return
	}
	d.queue.Add(key{GVK: gvk, Namespace: u.GetNamespace(), Name: u.GetName()})
}

func (d *Detector) enqueueKind(gvk schema.GroupVersionKind) {
	d.mu.Lock()
	inf := d.watching[gvk]
	d.mu.Unlock()
	if inf == nil {
		return
	}
	for _, obj := range inf.GetStore().List() {
		d.enqueueObject(gvk, obj)
	}
}

func (d *Detector) enqueueAll() {
	d.mu.Lock()
	kinds := make([]schema.GroupVersionKind, 0, len(d.watching))
	for gvk := range d.watching {
		kinds = append(kinds, gvk)
	}
	d.mu.Unlock()
	for _, gvk := range kinds {
		d.enqueueKind(gvk)
	}
}

func (d *Detector) worker(ctx context.Context) {
	for {
		k, quit := d.queue.Get()
		if quit {
			return
		}
		if err := d.reconcile(ctx, k); err != nil {
			utilruntime.HandleErrorWithContext(ctx, err, "Detecting template failed", "kind", k.GVK.Kind, "namespace", k.Namespace, "name", k.Name)
			d.queue.AddRateLimited(k)
		} else {
			d.queue.Forget(k)
		}
		d.queue.Done(k)
	}
}

// template returns a template from its informer, or nil if it is gone.
func (d *Detector) template(k key) (*unstructured.Unstructured, error) {
	d.mu.Lock()
	inf := d.watching[k.GVK]
	d.mu.Unlock()
	if inf == nil {
		return nil, nil
	}
	id := k.Name
	if k.Namespace != "" {
		id = k.Namespace + "/" + k.Name
	}
	obj, ok, err := inf.GetStore().GetByKey(id)
	if err != nil || !ok {
		return nil, err
	}
	u, ok := obj.(*unstructured.Unstructured)
	if !ok {
		return nil, fmt.Errorf("unexpected object %T", obj)
	}
	return u.DeepCopy(), nil
}

// skippedGroup: Kurator's and Karmada's own APIs are never propagated.
func skippedGroup(group string) bool {
	switch group {
	case "cluster.karmada.io", "policy.karmada.io", "work.karmada.io", "config.karmada.io", "karmada.io", "fleet.kurator.dev", "cluster.kurator.dev", "scheduling.kurator.dev":
		return true
	}
	return false
}

// skipped says which templates are never propagated: system namespaces, the
// execution namespaces, per-namespace objects every cluster makes itself,
// the control plane's projection of Deployment revisions, and the snapshots
// of staged rollouts.
func skipped(u *unstructured.Unstructured) bool {
	ns := u.GetNamespace()
	switch {
	case strings.HasPrefix(ns, "kube-"), strings.HasPrefix(ns, "karmada-es-"):
		return true
	case u.GetKind() == "ConfigMap" && u.GetName() == "kube-root-ca.crt":
		return true
	case u.GetKind() == "ServiceAccount" && u.GetName() == "default":
		return true
	case u.GetKind() == "ReplicaSet" && u.GetLabels()[workv1alpha2.RevisionOfLabel] != "":
		return true
	case u.GetKind() == "ControllerRevision" && u.GetLabels()[rolloutv1alpha1.BindingLabel] != "":
		return true // a staged rollout's snapshot
	case u.GetKind() == "Namespace" && (strings.HasPrefix(u.GetName(), "kube-") || strings.HasPrefix(u.GetName(), "karmada-es-") || u.GetName() == "default"):
		return true
	}
	return false
}
