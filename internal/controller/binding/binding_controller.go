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
// Package binding turns a scheduled ResourceBinding into one Work per target
// cluster (the template rendered for that cluster), removes Works of
// clusters that left, and folds the Works' status back into the binding and
// the template.
package binding

import (
	"context"
	"fmt"
	"time"

	"golang.org/x/sync/errgroup"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/equality"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	apimeta "k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/tools/events"
	"k8s.io/utils/clock"
	"k8s.io/utils/ptr"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/builder"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/controller"
	"sigs.k8s.io/controller-runtime/pkg/controller/controllerutil"
	"sigs.k8s.io/controller-runtime/pkg/handler"
	"sigs.k8s.io/controller-runtime/pkg/predicate"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"

	karmadaclusterv1alpha1 "kurator.dev/kurator/api/karmada/cluster/v1alpha1"
	policyv1alpha1 "kurator.dev/kurator/api/policy/v1alpha1"
	workv1alpha1 "kurator.dev/kurator/api/work/v1alpha1"
	workv1alpha2 "kurator.dev/kurator/api/work/v1alpha2"
	"kurator.dev/kurator/internal/patch"
	"kurator.dev/kurator/internal/render"
)

// renderedCondition summarises the render failures of one pass.
func renderedCondition(failures map[string]string, clusters int, generation int64) metav1.Condition {
	if len(failures) == 0 {
		return metav1.Condition{Type: workv1alpha2.ConditionRendered, Status: metav1.ConditionTrue, Reason: workv1alpha2.BindingReasonRenderSucceeded,
			Message: fmt.Sprintf("rendered for all %d clusters", clusters), ObservedGeneration: generation}
	}
	return metav1.Condition{Type: workv1alpha2.ConditionRendered, Status: metav1.ConditionFalse, Reason: workv1alpha2.BindingReasonOverrideFailed,
		Message: render.FailureMessage(failures), ObservedGeneration: generation}
}

// workWriters bounds the concurrent Work writes of one reconcile.
const workWriters = 8

// Finalizer keeps a binding until its Works are gone.
const Finalizer = workv1alpha2.BindingFinalizer

// TemplateSource serves resource templates from an informer cache (the
// detector's, which watches every kind a policy selects). ok is false when
// it does not watch the kind; the template is then read from the API server.
type TemplateSource interface {
	Template(gvk schema.GroupVersionKind, namespace, name string) (u *unstructured.Unstructured, ok bool, err error)
}

// Reconciler handles one kind of binding.
type Reconciler struct {
	Client     client.Client
	Dynamic    dynamic.Interface
	Mapper     apimeta.RESTMapper
	Recorder   events.EventRecorder
	Templates  TemplateSource
	Clock      clock.PassiveClock
	NewBinding func() workv1alpha2.Binding

	settling settling
}

// SetupWithManager registers reconcilers for both binding kinds.
func SetupWithManager(mgr ctrl.Manager, dyn dynamic.Interface, templates TemplateSource, recorder events.EventRecorder) error {
	for _, r := range []*Reconciler{
		{NewBinding: func() workv1alpha2.Binding { return &workv1alpha2.ResourceBinding{} }},
		{NewBinding: func() workv1alpha2.Binding { return &workv1alpha2.ClusterResourceBinding{} }},
	} {
		r.Client, r.Dynamic, r.Mapper, r.Recorder, r.Templates, r.Clock = mgr.GetClient(), dyn, mgr.GetRESTMapper(), recorder, templates, clock.RealClock{}
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
		// The binding's own status writes (ours and the scheduler's) are
		// not reasons to render again; the decision (generation), the
		// template's generation (an annotation) and deletion are. Work
		// status flows back at low priority, so that rendering new
		// decisions never waits behind status aggregation.
		if err := ctrl.NewControllerManagedBy(mgr).Named(name).
			For(r.NewBinding(), builder.WithPredicates(predicate.Or[client.Object](predicate.GenerationChangedPredicate{},
				predicate.AnnotationChangedPredicate{}, predicate.LabelChangedPredicate{}, deletionChanged))).
			WithOptions(controller.Options{MaxConcurrentReconciles: 48}).
			Watches(&workv1alpha1.Work{}, lowPriority(workToBinding(cluster))).
			Watches(&policyv1alpha1.OverridePolicy{}, policies).
			Watches(&policyv1alpha1.ClusterOverridePolicy{}, policies).
			Watches(&karmadaclusterv1alpha1.Cluster{}, clusterHandler(mgr.GetClient(), list)).
			Complete(r); err != nil {
			return err
		}
	}
	return nil
}

// +kubebuilder:rbac:groups=work.karmada.io,resources=works,verbs=get;list;watch;create;update;patch;delete
// +kubebuilder:rbac:groups="",resources=namespaces,verbs=get;list;watch;create

// Reconcile renders, prunes and summarises the Works of one binding.
func (r *Reconciler) Reconcile(ctx context.Context, req ctrl.Request) (result ctrl.Result, err error) {
	b := r.NewBinding()
	if err := r.Client.Get(ctx, req.NamespacedName, b); err != nil {
		return ctrl.Result{}, client.IgnoreNotFound(err)
	}
	if !b.GetDeletionTimestamp().IsZero() {
		return ctrl.Result{}, r.reconcileDelete(ctx, b)
	}
	if controllerutil.AddFinalizer(b, Finalizer) {
		if err := patch.Merge(ctx, r.Client, b, map[string]any{"metadata": map[string]any{"finalizers": b.GetFinalizers()}}); err != nil {
			return ctrl.Result{}, err
		}
	}
	tpl, err := r.template(ctx, b)
	if err != nil || tpl == nil {
		return ctrl.Result{}, err
	}
	works, err := r.works(ctx, b)
	if err != nil {
		return ctrl.Result{}, err
	}
	failures, written, err := r.syncWorks(ctx, b, tpl, works)
	if err != nil {
		return ctrl.Result{}, err
	}
	if works, err = r.works(ctx, b); err != nil {
		return ctrl.Result{}, err
	}
	settleAfter, err := r.updateBindingStatus(ctx, b, works, failures)
	if err != nil {
		return ctrl.Result{}, err
	}
	if settleAfter > 0 {
		// Work reports wake the binding anyway; this is the deadline, at
		// the low priority of status work.
		defer func() { result = requeueSooner(result, settleAfter); result.Priority = ptr.To(handler.LowPriority) }()
	}
	purgeAfter, err := r.purgeEvicted(ctx, b, works, written)
	if err != nil {
		return ctrl.Result{}, err
	}
	if err := r.finishFailback(ctx, b, works, written); err != nil {
		return ctrl.Result{}, err
	}
	if purgeAfter > 0 {
		defer func() { result = requeueSooner(result, purgeAfter) }()
	}
	return ctrl.Result{}, r.aggregateTemplateStatus(ctx, b, tpl, works)
}

// template reads the binding's resource template, from the template
// informers when they watch its kind.
func (r *Reconciler) template(ctx context.Context, b workv1alpha2.Binding) (*unstructured.Unstructured, error) {
	ref := b.BindingSpec().Resource
	gv, err := schema.ParseGroupVersion(ref.APIVersion)
	if err != nil {
		return nil, err
	}
	if r.Templates != nil {
		u, ok, err := r.Templates.Template(gv.WithKind(ref.Kind), ref.Namespace, ref.Name)
		// The informer may lag behind the binding: use it only when it has
		// the version the detector recorded on the binding.
		if ok && (err != nil || u == nil || b.GetAnnotations()[workv1alpha2.TemplateVersionAnnotation] == workv1alpha2.TemplateVersion(u)) {
			return u, err
		}
	}
	m, err := r.Mapper.RESTMapping(gv.WithKind(ref.Kind).GroupKind(), gv.Version)
	if err != nil {
		return nil, err
	}
	u, err := r.Dynamic.Resource(m.Resource).Namespace(ref.Namespace).Get(ctx, ref.Name, metav1.GetOptions{})
	if apierrors.IsNotFound(err) {
		return nil, nil
	}
	return u, err
}

func (r *Reconciler) works(ctx context.Context, b workv1alpha2.Binding) ([]workv1alpha1.Work, error) {
	var list workv1alpha1.WorkList
	err := r.Client.List(ctx, &list, client.MatchingLabels{workv1alpha1.BindingNamespaceLabel: b.GetNamespace(), workv1alpha1.BindingNameLabel: b.GetName()})
	return list.Items, err
}

// syncWorks writes the Work of every target cluster and deletes the others.
// A cluster whose manifest cannot be rendered (a failing override) keeps its
// previous Work, so the member keeps its previous copy; its error is
// returned in failures, by cluster, and the other clusters proceed.
func (r *Reconciler) syncWorks(ctx context.Context, b workv1alpha2.Binding, tpl *unstructured.Unstructured, existing []workv1alpha1.Work) (failures map[string]string, written map[string]int64, err error) {
	spec := b.BindingSpec()
	policies, err := r.overridePolicies(ctx, tpl.GetNamespace())
	if err != nil {
		return nil, nil, err
	}
	var previous string
	if c := apimeta.FindStatusCondition(b.BindingStatus().Conditions, workv1alpha2.ConditionRendered); c != nil && c.Status == metav1.ConditionFalse {
		previous = c.Message
	}
	failures, written = map[string]string{}, map[string]int64{}
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
	from := failbackFrom(b)
	for name := range from {
		wanted[workv1alpha1.ExecutionNamespace(name)] = true
	}
	type rendered struct {
		cluster  string
		manifest *unstructured.Unstructured
	}
	var manifests []rendered
	for _, target := range Targets(spec) {
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
	// The Works are written concurrently: each write waits on the API
	// server, and a binding's clusters are independent.
	generations := make([]int64, len(manifests))
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(workWriters)
	for i, m := range manifests {
		g.Go(func() (err error) {
			generations[i], err = r.writeWork(gctx, b, m.cluster, m.manifest)
			return err
		})
	}
	if err := g.Wait(); err != nil {
		return nil, nil, err
	}
	for i, m := range manifests {
		written[m.cluster] = generations[i]
	}
	// An event only when the failures change, not on every pass.
	if msg := render.FailureMessage(failures); msg != "" && msg != previous {
		r.Recorder.Eventf(b, nil, corev1.EventTypeWarning, workv1alpha2.BindingReasonOverrideFailed, "Render", "%s", msg)
	}
	for i := range existing {
		w := &existing[i]
		if !wanted[w.Namespace] && w.DeletionTimestamp.IsZero() {
			if err := r.Client.Delete(ctx, w); client.IgnoreNotFound(err) != nil {
				return nil, nil, err
			}
		}
	}
	return failures, written, nil
}

// writeWork creates or patches the Work of one cluster and returns its
// generation.
func (r *Reconciler) writeWork(ctx context.Context, b workv1alpha2.Binding, cluster string, manifest *unstructured.Unstructured) (int64, error) {
	ns := workv1alpha1.ExecutionNamespace(cluster)
	// Checked in the cache first: creating it on every reconcile would be a
	// failing write each time.
	if err := r.Client.Get(ctx, client.ObjectKey{Name: ns}, &corev1.Namespace{}); apierrors.IsNotFound(err) {
		if err := r.Client.Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns}}); err != nil && !apierrors.IsAlreadyExists(err) {
			return 0, err
		}
	} else if err != nil {
		return 0, err
	}
	raw, err := manifest.MarshalJSON()
	if err != nil {
		return 0, err
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
		if w.Labels == nil {
			w.Labels = map[string]string{}
		}
		w.Labels[workv1alpha1.BindingNamespaceLabel], w.Labels[workv1alpha1.BindingNameLabel] = b.GetNamespace(), b.GetName()
		spec := b.BindingSpec()
		w.Spec.Workload.Manifests = []workv1alpha1.Manifest{{RawExtension: runtime.RawExtension{Raw: raw}}}
		w.Spec.PreserveResourcesOnDeletion = spec.PreserveResourcesOnDeletion
		w.Spec.SuspendDispatching = nil
		if s := spec.Suspension; s != nil {
			if s.Dispatching != nil && *s.Dispatching {
				w.Spec.SuspendDispatching = s.Dispatching
			} else if s.DispatchingOnClusters != nil {
				for _, c := range s.DispatchingOnClusters.ClusterNames {
					if c == cluster {
						t := true
						w.Spec.SuspendDispatching = &t
					}
				}
			}
		}
		return nil
	})
	return w.Generation, err
}

// reconcileDelete removes the Works, then lets the binding go.
func (r *Reconciler) reconcileDelete(ctx context.Context, b workv1alpha2.Binding) error {
	works, err := r.works(ctx, b)
	if err != nil {
		return err
	}
	for i := range works {
		if works[i].DeletionTimestamp.IsZero() {
			if err := r.Client.Delete(ctx, &works[i]); client.IgnoreNotFound(err) != nil {
				return err
			}
		}
	}
	if len(works) > 0 {
		return fmt.Errorf("waiting for %d Works of %s to be deleted", len(works), client.ObjectKeyFromObject(b))
	}
	if controllerutil.RemoveFinalizer(b, Finalizer) {
		return patch.Merge(ctx, r.Client, b, map[string]any{"metadata": map[string]any{"finalizers": b.GetFinalizers()}})
	}
	return nil
}

// updateBindingStatus folds the Works' status into aggregatedStatus and the
// FullyApplied condition. While Works written for a new spec have not
// reported yet, the write waits for them (up to statusSettle, returned as
// the time to check again), so that a decision costs one status write, not
// one per cluster.
func (r *Reconciler) updateBindingStatus(ctx context.Context, b workv1alpha2.Binding, works []workv1alpha1.Work, failures map[string]string) (time.Duration, error) {
	// Every target cluster counts, those only dependent bindings ask for too.
	spec, status := &workv1alpha2.ResourceBindingSpec{Clusters: Targets(b.BindingSpec())}, b.BindingStatus()
	if len(spec.Clusters) == 0 && apimeta.FindStatusCondition(status.Conditions, workv1alpha2.ConditionScheduled) == nil &&
		apimeta.FindStatusCondition(status.Conditions, workv1alpha2.ConditionFullyApplied) == nil {
		// A new binding the scheduler has not decided yet: nothing to
		// summarise, and the decision wakes this controller again.
		return 0, nil
	}
	before := ownedStatus(status)
	byNS := map[string]*workv1alpha1.Work{}
	for i := range works {
		byNS[works[i].Namespace] = &works[i]
	}
	items := make([]workv1alpha2.AggregatedStatusItem, 0, len(spec.Clusters))
	applied := 0
	for _, t := range spec.Clusters {
		item := workv1alpha2.AggregatedStatusItem{ClusterName: t.Name, Health: workv1alpha2.ResourceUnknown}
		if w := byNS[workv1alpha1.ExecutionNamespace(t.Name)]; w != nil && current(w) {
			if c := apimeta.FindStatusCondition(w.Status.Conditions, workv1alpha1.ConditionApplied); c != nil {
				item.Applied = c.Status == metav1.ConditionTrue
				if !item.Applied {
					item.AppliedMessage = c.Message
				}
			}
			if len(w.Status.ManifestStatuses) > 0 {
				ms := w.Status.ManifestStatuses[0]
				item.Status = ms.Status
				item.Health = workv1alpha2.ResourceHealth(ms.Health)
			}
		}
		if msg, failed := failures[t.Name]; failed {
			item.Applied, item.AppliedMessage = false, workv1alpha2.BindingReasonOverrideFailed+": "+msg
		}
		if item.Applied {
			applied++
		}
		items = append(items, item)
	}
	status.AggregatedStatus = items
	cond := metav1.Condition{Type: workv1alpha2.ConditionFullyApplied, Status: metav1.ConditionTrue, Reason: workv1alpha2.BindingReasonFullyAppliedSuccess,
		Message: fmt.Sprintf("applied to all %d clusters", len(spec.Clusters)), ObservedGeneration: b.GetGeneration()}
	if applied < len(spec.Clusters) || len(spec.Clusters) == 0 {
		cond.Status, cond.Reason = metav1.ConditionFalse, workv1alpha2.BindingReasonFullyAppliedFailed
		cond.Message = fmt.Sprintf("applied to %d of %d clusters", applied, len(spec.Clusters))
	}
	apimeta.SetStatusCondition(&status.Conditions, cond)
	apimeta.SetStatusCondition(&status.Conditions, renderedCondition(failures, len(spec.Clusters), b.GetGeneration()))
	after := ownedStatus(status)
	key := client.ObjectKeyFromObject(b).String()
	if equality.Semantic.DeepEqual(before, after) {
		r.settling.forget(key)
		return 0, nil
	}
	if sameRendering(before.Conditions, after.Conditions) && r.awaitingReport(ctx, spec.Clusters, byNS, failures) > 0 {
		if wait := r.settling.wait(key, r.Clock.Now()); wait > 0 {
			return wait, nil
		}
	}
	r.settling.forget(key)
	return 0, patch.ApplyStatus(ctx, r.Client, b, workv1alpha2.GVK(b), after, "kurator-binding")
}

// bindingStatus is the part of a binding's status this controller owns.
type bindingStatus struct {
	Conditions       []metav1.Condition                  `json:"conditions"`
	AggregatedStatus []workv1alpha2.AggregatedStatusItem `json:"aggregatedStatus"`
}

func ownedStatus(s *workv1alpha2.ResourceBindingStatus) bindingStatus {
	out := bindingStatus{Conditions: []metav1.Condition{}, AggregatedStatus: s.AggregatedStatus}
	if out.AggregatedStatus == nil {
		out.AggregatedStatus = []workv1alpha2.AggregatedStatusItem{}
	}
	for _, t := range []string{workv1alpha2.ConditionFullyApplied, workv1alpha2.ConditionRendered} {
		if c := apimeta.FindStatusCondition(s.Conditions, t); c != nil {
			out.Conditions = append(out.Conditions, *c)
		}
	}
	return out
}

// current reports whether a Work's status describes its current spec: the
// Applied condition was written for this generation.
func current(w *workv1alpha1.Work) bool {
	c := apimeta.FindStatusCondition(w.Status.Conditions, workv1alpha1.ConditionApplied)
	return c != nil && c.ObservedGeneration == w.Generation
}

func workToBinding(cluster bool) handler.MapFunc {
	return func(_ context.Context, obj client.Object) []reconcile.Request {
		ns, name := obj.GetLabels()[workv1alpha1.BindingNamespaceLabel], obj.GetLabels()[workv1alpha1.BindingNameLabel]
		if name == "" || (ns == "") != cluster {
			return nil
		}
		return []reconcile.Request{{NamespacedName: client.ObjectKey{Namespace: ns, Name: name}}}
	}
}
