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
// Package binding renders a scheduled ResourceBinding into one Work per
// target cluster (the template rendered for that cluster, overrides
// applied), removes the Works of clusters that left, and reports render
// failures in the binding's Rendered condition. The way back, Works to the
// binding's and the template's status, is the bindingstatus controller's.
package binding

import (
	"context"
	"time"

	"golang.org/x/sync/errgroup"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/equality"
	apimeta "k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/client-go/tools/events"
	"k8s.io/klog/v2"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/builder"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/controller"
	"sigs.k8s.io/controller-runtime/pkg/controller/controllerutil"
	"sigs.k8s.io/controller-runtime/pkg/handler"
	"sigs.k8s.io/controller-runtime/pkg/predicate"

	karmadaclusterv1alpha1 "kurator.dev/kurator/api/karmada/cluster/v1alpha1"
	policyv1alpha1 "kurator.dev/kurator/api/policy/v1alpha1"
	rolloutv1alpha1 "kurator.dev/kurator/api/rollout/v1alpha1"
	workv1alpha1 "kurator.dev/kurator/api/work/v1alpha1"
	workv1alpha2 "kurator.dev/kurator/api/work/v1alpha2"
	"kurator.dev/kurator/internal/bindingworks"
	"kurator.dev/kurator/internal/controller/interpretercustomization"
	"kurator.dev/kurator/internal/controller/retry"
	"kurator.dev/kurator/internal/interpreter"
	"kurator.dev/kurator/internal/patch"
	"kurator.dev/kurator/internal/propagation"
	"kurator.dev/kurator/internal/render"
	"kurator.dev/kurator/internal/resourcetemplate"
)

// workWriters bounds the concurrent Work writes of one reconcile.
const workWriters = 8

// Finalizer keeps a binding until its Works are gone.
const Finalizer = workv1alpha2.BindingFinalizer

// fieldOwner owns the Rendered condition in the binding's status.
const fieldOwner = "kurator-render"

// Reconciler handles one kind of binding.
type Reconciler struct {
	Client     client.Client
	Recorder   events.EventRecorder
	Templates  *resourcetemplate.Reader
	NewBinding func() workv1alpha2.Binding
	// APIReader reads past the cache where order matters: numbering a
	// binding's rollout snapshots.
	APIReader client.Reader
}

// SetupWithManager registers reconcilers for both binding kinds.
func SetupWithManager(mgr ctrl.Manager, templates *resourcetemplate.Reader, recorder events.EventRecorder) error {
	for _, r := range []*Reconciler{
		{NewBinding: func() workv1alpha2.Binding { return &workv1alpha2.ResourceBinding{} }},
		{NewBinding: func() workv1alpha2.Binding { return &workv1alpha2.ClusterResourceBinding{} }},
	} {
		r.Client, r.Recorder, r.Templates, r.APIReader = mgr.GetClient(), recorder, templates, mgr.GetAPIReader()
		_, cluster := r.NewBinding().(*workv1alpha2.ClusterResourceBinding)
		name := "binding-rb"
		if cluster {
			name = "binding-crb"
		}
		list := bindingList(listResourceBindings)
		if cluster {
			list = listClusterResourceBindings
		}
		policies := &overridePolicyHandler{reader: mgr.GetClient(), list: list, clusterKind: cluster}
		// Status writes are not reasons to render again; the decision
		// (generation), the template's version and the failback (annotations)
		// and deletion are. A deleted Work lets a binding being deleted go.
		b := ctrl.NewControllerManagedBy(mgr).Named(name).
			For(r.NewBinding(), builder.WithPredicates(predicate.Or[client.Object](predicate.GenerationChangedPredicate{},
				predicate.AnnotationChangedPredicate{}, predicate.LabelChangedPredicate{}, deletionChanged))).
			WithOptions(controller.Options{MaxConcurrentReconciles: 48}).
			Watches(&workv1alpha1.Work{}, handler.EnqueueRequestsFromMapFunc(bindingworks.ToBinding(cluster)), builder.WithPredicates(workDeleted)).
			Watches(&policyv1alpha1.OverridePolicy{}, policies).
			Watches(&policyv1alpha1.ClusterOverridePolicy{}, policies).
			Watches(&karmadaclusterv1alpha1.Cluster{}, clusterHandler(mgr.GetClient(), list)).
			WatchesRawSource(interpretercustomization.BindingsOfChangedKinds(interpreter.Default, mgr.GetClient(), cluster))
		if !cluster {
			// A staged run releasing or reverting clusters changes what
			// their Works get (see gate).
			b = b.Watches(&rolloutv1alpha1.StagedUpdateRun{}, handler.EnqueueRequestsFromMapFunc(runToBinding))
		}
		if err := b.Complete(retry.OnConflict(r)); err != nil {
			return err
		}
	}
	return nil
}

// +kubebuilder:rbac:groups=work.karmada.io,resources=works,verbs=get;list;watch;create;update;patch;delete
// +kubebuilder:rbac:groups="",resources=namespaces,verbs=get;list;watch;create

// Reconcile renders and prunes the Works of one binding.
func (r *Reconciler) Reconcile(ctx context.Context, req ctrl.Request) (ctrl.Result, error) {
	b := r.NewBinding()
	if err := r.Client.Get(ctx, req.NamespacedName, b); err != nil {
		return ctrl.Result{}, client.IgnoreNotFound(err)
	}
	if !b.GetDeletionTimestamp().IsZero() {
		return r.reconcileDelete(ctx, b)
	}
	if controllerutil.AddFinalizer(b, Finalizer) {
		if err := patch.Merge(ctx, r.Client, b, map[string]any{"metadata": map[string]any{"finalizers": b.GetFinalizers()}}); err != nil {
			return ctrl.Result{}, err
		}
	}
	tpl, err := r.Templates.For(ctx, b)
	if err != nil || tpl == nil {
		return ctrl.Result{}, err
	}
	works, err := bindingworks.List(ctx, r.Client, b)
	if err != nil {
		return ctrl.Result{}, err
	}
	failures, err := r.syncWorks(ctx, b, tpl, works)
	if err != nil {
		return ctrl.Result{}, err
	}
	return ctrl.Result{}, r.writeRendered(ctx, b, failures)
}

// writeRendered records the render failures in the Rendered condition,
// once the binding has a decision, when what it says changes.
func (r *Reconciler) writeRendered(ctx context.Context, b workv1alpha2.Binding, failures map[string]string) error {
	status := b.BindingStatus()
	targets := propagation.Targets(b.BindingSpec())
	if len(targets) == 0 && apimeta.FindStatusCondition(status.Conditions, workv1alpha2.ConditionScheduled) == nil {
		return nil // not decided yet: the decision wakes this controller again
	}
	want := propagation.RenderedCondition(failures, len(targets))
	if c := apimeta.FindStatusCondition(status.Conditions, workv1alpha2.ConditionRendered); c != nil &&
		c.Status == want.Status && c.Reason == want.Reason && c.Message == want.Message {
		return nil
	}
	conditions := []metav1.Condition{}
	apimeta.SetStatusCondition(&conditions, want)
	if c := apimeta.FindStatusCondition(status.Conditions, workv1alpha2.ConditionRendered); c != nil && c.Status == want.Status {
		conditions[0].LastTransitionTime = c.LastTransitionTime
	}
	return patch.ApplyStatus(ctx, r.Client, b, workv1alpha2.GVK(b), map[string]any{"conditions": conditions}, fieldOwner)
}

// rendered is one cluster's manifest.
type rendered struct {
	cluster  string
	manifest *unstructured.Unstructured
}

// syncWorks writes the Work of every target cluster and deletes the others.
// A cluster whose manifest cannot be rendered (a failing override) keeps its
// previous Work, so the member keeps its previous copy; its error is
// returned in failures, by cluster, and the other clusters proceed.
func (r *Reconciler) syncWorks(ctx context.Context, b workv1alpha2.Binding, tpl *unstructured.Unstructured, existing []workv1alpha1.Work) (failures map[string]string, err error) {
	spec := b.BindingSpec()
	policies, err := r.overridePolicies(ctx, tpl.GetNamespace())
	if err != nil {
		return nil, err
	}
	var previous string
	if c := apimeta.FindStatusCondition(b.BindingStatus().Conditions, workv1alpha2.ConditionRendered); c != nil && c.Status == metav1.ConditionFalse {
		previous = c.Message
	}
	failures = map[string]string{}
	wanted := map[string]bool{}
	// A gracefully evicted cluster keeps its Work, unchanged, until the
	// eviction task is done (see purgeEvicted).
	for _, t := range spec.GracefulEvictionTasks {
		if t.PurgeMode != policyv1alpha1.PurgeModeDirectly {
			wanted[workv1alpha1.ExecutionNamespace(t.FromCluster)] = true
		}
	}
	// During a failback the clusters giving replicas back keep them (and a
	// cluster leaving keeps its Work) until the new placement is healthy.
	from := workv1alpha2.FailbackFrom(b)
	for name := range from {
		wanted[workv1alpha1.ExecutionNamespace(name)] = true
	}
	var manifests []rendered
	for _, target := range propagation.Targets(spec) {
		if prev := from[target.Name]; prev > target.Replicas {
			target.Replicas = prev
		}
		wanted[workv1alpha1.ExecutionNamespace(target.Name)] = true
		var cluster *karmadaclusterv1alpha1.Cluster
		if len(policies) > 0 {
			cluster = r.cluster(ctx, target.Name)
		}
		manifest, _, err := render.Manifest(tpl, b, target, cluster, policies)
		if err != nil {
			failures[target.Name] = err.Error()
			continue
		}
		manifests = append(manifests, rendered{cluster: target.Name, manifest: manifest})
	}
	if manifests, err = r.gate(ctx, b, manifests, existing); err != nil {
		return nil, err
	}
	// The Works are written concurrently: each write waits on the API
	// server, and a binding's clusters are independent.
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(workWriters)
	for _, m := range manifests {
		g.Go(func() error { return r.writeWork(gctx, b, m.cluster, m.manifest) })
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	log := ctrl.LoggerFrom(ctx)
	log.V(4).Info("Works written", "clusters", len(manifests), "generation", b.GetGeneration())
	// An event only when the failures change, not on every pass.
	if msg := propagation.FailureMessage(failures); msg != "" && msg != previous {
		r.Recorder.Eventf(b, nil, corev1.EventTypeWarning, workv1alpha2.BindingReasonOverrideFailed, "Render", "%s", msg)
		log.V(2).Info("Render failed", "failures", msg)
	}
	for i := range existing {
		w := &existing[i]
		switch {
		case !wanted[w.Namespace] && w.DeletionTimestamp.IsZero():
			if err := r.Client.Delete(ctx, w); client.IgnoreNotFound(err) != nil {
				return nil, err
			}
			log.V(2).Info("Work removed", "Work", klog.KObj(w))
		case !wanted[w.Namespace] && w.Annotations[workv1alpha1.PlacedAgainAnnotation] != "":
			// Placed back, then away again before the copy was handed
			// over: it goes with the Work after all.
			err := patch.Merge(ctx, r.Client, w, map[string]any{"metadata": map[string]any{"annotations": map[string]any{workv1alpha1.PlacedAgainAnnotation: nil}}})
			if client.IgnoreNotFound(err) != nil {
				return nil, err
			}
		}
	}
	return failures, nil
}

// writeWork creates or patches the Work of one cluster.
func (r *Reconciler) writeWork(ctx context.Context, b workv1alpha2.Binding, cluster string, manifest *unstructured.Unstructured) error {
	ns, err := propagation.EnsureExecutionNamespace(ctx, r.Client, cluster)
	if err != nil {
		return err
	}
	raw, err := manifest.MarshalJSON()
	if err != nil {
		return err
	}
	w := &workv1alpha1.Work{ObjectMeta: metav1.ObjectMeta{Name: workv1alpha2.WorkName(b), Namespace: ns}}
	// A patch, not an update: the execution controller writes the Work's
	// status concurrently.
	_, err = controllerutil.CreateOrPatch(ctx, r.Client, w, func() error {
		// Set here, at creation, so the execution controller need not
		// write the Work before applying it.
		if w.CreationTimestamp.IsZero() {
			controllerutil.AddFinalizer(w, workv1alpha1.ExecutionFinalizer)
		}
		if !w.DeletionTimestamp.IsZero() {
			// The Work is still being deleted from this cluster, where the
			// workload is placed again: its copy is to be handed over.
			if w.Annotations == nil {
				w.Annotations = map[string]string{}
			}
			w.Annotations[workv1alpha1.PlacedAgainAnnotation] = "true"
		}
		spec, stamp, stamped := w.Spec.DeepCopy(), w.Annotations[workv1alpha1.BindingGenerationAnnotation], w.Annotations != nil
		propagation.SetWork(w, b, cluster, raw)
		// A Work whose spec this decision leaves as it was keeps its stamp
		// unless the scheduler waits for a healthy replacement (evictions,
		// failback): restamping every Work on every change of the binding
		// would be one more write per cluster, for nobody.
		if stamped && stamp != "" && !propagation.AwaitingReplacement(b) && equality.Semantic.DeepEqual(*spec, w.Spec) {
			w.Annotations[workv1alpha1.BindingGenerationAnnotation] = stamp
		}
		return nil
	})
	return err
}

// reconcileDelete removes the Works, then lets the binding go. Waiting for
// them is no error: each Work's deletion wakes the binding (a Work on an
// unreachable member waits for it), and the requeue is a backstop.
func (r *Reconciler) reconcileDelete(ctx context.Context, b workv1alpha2.Binding) (ctrl.Result, error) {
	works, err := bindingworks.List(ctx, r.Client, b)
	if err != nil {
		return ctrl.Result{}, err
	}
	for i := range works {
		if works[i].DeletionTimestamp.IsZero() {
			if err := r.Client.Delete(ctx, &works[i]); client.IgnoreNotFound(err) != nil {
				return ctrl.Result{}, err
			}
		}
	}
	if len(works) > 0 {
		ctrl.LoggerFrom(ctx).V(2).Info("Waiting for Works to be deleted", "works", len(works))
		return ctrl.Result{RequeueAfter: worksDeletedRecheck}, nil
	}
	if controllerutil.RemoveFinalizer(b, Finalizer) {
		return ctrl.Result{}, patch.Merge(ctx, r.Client, b, map[string]any{"metadata": map[string]any{"finalizers": b.GetFinalizers()}})
	}
	return ctrl.Result{}, nil
}

// worksDeletedRecheck is how often a binding being deleted looks at its
// Works again, should a deletion event be missed.
const worksDeletedRecheck = 10 * time.Second
