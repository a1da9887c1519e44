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
// Package dependencies is the dependencies distributor: for a
// ResourceBinding with spec.propagateDeps it finds the ConfigMaps, Secrets,
// ServiceAccounts and PersistentVolumeClaims its workload's pods reference
// and makes them follow the workload. Each dependency gets an "attached"
// ResourceBinding (no placement, so the scheduler leaves it alone) whose
// spec.requiredBy holds a snapshot of every dependent binding and its
// clusters; a dependency that has its own binding (its own policy) gets the
// entry merged into it. The binding controller sends a resource to the
// union of its own clusters and its requiredBy clusters. When a workload
// moves, its entries follow; when it no longer needs a dependency (or its
// binding goes), its entry is removed, and an attached binding nothing
// requires any more is deleted.
package dependencies

import (
	"context"
	"errors"
	"fmt"
	"strings"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	apimeta "k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/tools/events"
	"k8s.io/utils/clock"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/builder"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/controller"
	"sigs.k8s.io/controller-runtime/pkg/event"
	"sigs.k8s.io/controller-runtime/pkg/handler"
	"sigs.k8s.io/controller-runtime/pkg/predicate"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"

	workv1alpha2 "kurator.dev/kurator/api/work/v1alpha2"
	"kurator.dev/kurator/internal/controller/interpretercustomization"
	"kurator.dev/kurator/internal/controller/retry"
	"kurator.dev/kurator/internal/interpreter"
	"kurator.dev/kurator/internal/patch"
)

// ConditionDependenciesDistributed on a binding with propagateDeps is True
// when every dependency its workload references was handed to the clusters
// of the binding, and False, with reason DependencyNotFound and the missing
// objects in its message, while some do not exist in the control plane
// (they follow once created).
const ConditionDependenciesDistributed = "DependenciesDistributed"

// Reasons of the DependenciesDistributed condition.
const (
	ReasonDistributed        = "Distributed"
	ReasonDependencyNotFound = "DependencyNotFound"
	ReasonTemplateInvalid    = "TemplateInvalid"
)

// templateVersion is the value of the detector's template annotation
// (workv1alpha2.TemplateVersionAnnotation) on an attached binding: its
// dependency's resourceVersion, as "rv-" and the version (ConfigMaps and
// Secrets have no generation). Every change of the dependency changes it,
// which makes the binding controller render it again.
func templateVersion(obj metav1.Object) string { return "rv-" + obj.GetResourceVersion() }

// fieldOwner owns the DependenciesDistributed condition.
const fieldOwner = "kurator-dependencies"

// requiredByIndex indexes bindings by the dependent bindings their
// spec.requiredBy names ("namespace/name").
const requiredByIndex = "kurator.dev/required-by"

// dependencyKinds are the kinds a pod template references.
var dependencyKinds = map[string]client.Object{
	"ConfigMap":             &corev1.ConfigMap{},
	"Secret":                &corev1.Secret{},
	"ServiceAccount":        &corev1.ServiceAccount{},
	"PersistentVolumeClaim": &corev1.PersistentVolumeClaim{},
}

// Reconciler distributes the dependencies of one ResourceBinding per request.
type Reconciler struct {
	// Client reads from the cache and writes.
	Client client.Client
	// Reader reads the API server directly, before a write.
	Reader   client.Reader
	Dynamic  dynamic.Interface
	Mapper   apimeta.RESTMapper
	Recorder events.EventRecorder
	// Clock dates the condition's transitions; SetupWithManager defaults
	// it to the wall clock.
	Clock clock.PassiveClock

	refs *references
}

// SetupWithManager registers the controller. Dependencies are watched as
// metadata only: their content is never needed here.
func (r *Reconciler) SetupWithManager(mgr ctrl.Manager) error {
	r.refs = newReferences()
	if r.Clock == nil {
		r.Clock = clock.RealClock{}
	}
	if err := mgr.GetFieldIndexer().IndexField(context.Background(), &workv1alpha2.ResourceBinding{}, requiredByIndex, func(o client.Object) []string {
		rb, ok := o.(*workv1alpha2.ResourceBinding)
		if !ok {
			return nil
		}
		return requiredByKeys(rb)
	}); err != nil {
		return err
	}
	b := ctrl.NewControllerManagedBy(mgr).Named("dependencies").
		Watches(&workv1alpha2.ResourceBinding{}, handler.EnqueueRequestsFromMapFunc(bindingRequests), builder.WithPredicates(bindingChanged)).
		WatchesRawSource(interpretercustomization.BindingsOfChangedKinds(interpreter.Default, mgr.GetClient(), false)).
		WithOptions(controller.Options{MaxConcurrentReconciles: 4})
	for kind, obj := range dependencyKinds {
		b = b.Watches(obj, handler.EnqueueRequestsFromMapFunc(r.dependentsOf(kind)), builder.OnlyMetadata)
	}
	return b.Complete(retry.OnConflict(r))
}

// bindingRequests maps a binding to itself (it may depend on others) and
// to the bindings its requiredBy names (their entries may be stale, e.g.
// after a restart that missed their deletion).
func bindingRequests(_ context.Context, obj client.Object) []reconcile.Request {
	rb, ok := obj.(*workv1alpha2.ResourceBinding)
	if !ok {
		return nil
	}
	out := []reconcile.Request{{NamespacedName: client.ObjectKeyFromObject(rb)}}
	for _, s := range rb.Spec.RequiredBy {
		out = append(out, reconcile.Request{NamespacedName: types.NamespacedName{Namespace: s.Namespace, Name: s.Name}})
	}
	return out
}

// bindingChanged passes the binding changes that can change what it
// depends on or where: spec (propagateDeps, clusters, requiredBy), the
// template's generation, and the start of its deletion. Status writes do not.
var bindingChanged = predicate.Funcs{
	UpdateFunc: func(e event.UpdateEvent) bool {
		o, n := e.ObjectOld, e.ObjectNew
		return o.GetGeneration() != n.GetGeneration() || !o.GetDeletionTimestamp().Equal(n.GetDeletionTimestamp()) ||
			o.GetAnnotations()[workv1alpha2.TemplateVersionAnnotation] != n.GetAnnotations()[workv1alpha2.TemplateVersionAnnotation]
	},
}

// dependentsOf maps a ConfigMap (Secret, ...) event to the bindings whose
// workloads reference it.
func (r *Reconciler) dependentsOf(kind string) handler.MapFunc {
	return func(_ context.Context, obj client.Object) []reconcile.Request {
		d := interpreter.Dependency{APIVersion: "v1", Kind: kind, Namespace: obj.GetNamespace(), Name: obj.GetName()}
		var out []reconcile.Request
		for _, b := range r.refs.dependents(d) {
			out = append(out, reconcile.Request{NamespacedName: b})
		}
		return out
	}
}

// +kubebuilder:rbac:groups=work.karmada.io,resources=resourcebindings,verbs=get;list;watch;create;update;patch;delete
// +kubebuilder:rbac:groups=work.karmada.io,resources=resourcebindings/status,verbs=get;patch
// +kubebuilder:rbac:groups="",resources=configmaps;secrets;serviceaccounts;persistentvolumeclaims,verbs=get;list;watch

// Reconcile hands the dependencies of one binding to its clusters and
// takes the binding out of the requiredBy of what it no longer needs.
func (r *Reconciler) Reconcile(ctx context.Context, req ctrl.Request) (ctrl.Result, error) {
	log := ctrl.LoggerFrom(ctx)
	rb := &workv1alpha2.ResourceBinding{}
	if err := r.Client.Get(ctx, req.NamespacedName, rb); err != nil {
		if !apierrors.IsNotFound(err) {
			return ctrl.Result{}, err
		}
		rb = nil
	}
	active := rb != nil && rb.DeletionTimestamp.IsZero() && rb.Spec.PropagateDeps
	var deps []interpreter.Dependency
	if active {
		var err error
		deps, active, err = r.dependencies(ctx, rb)
		if err != nil {
			var invalid templateError
			if errors.As(err, &invalid) {
				// Only a new template helps; what was distributed stays.
				return ctrl.Result{}, r.setCondition(ctx, rb, &metav1.Condition{Status: metav1.ConditionFalse, Reason: ReasonTemplateInvalid, Message: invalid.Error()})
			}
			return ctrl.Result{}, err
		}
	}
	r.refs.set(req.NamespacedName, deps)
	var missing []string
	if active {
		snap := workv1alpha2.BindingSnapshot{Namespace: rb.Namespace, Name: rb.Name, Clusters: append([]workv1alpha2.TargetCluster(nil), rb.Spec.Clusters...)}
		for _, d := range deps {
			found, err := r.attach(ctx, rb, d, snap)
			if err != nil {
				return ctrl.Result{}, fmt.Errorf("%s %s/%s: %w", d.Kind, d.Namespace, d.Name, err)
			}
			if !found {
				missing = append(missing, d.Kind+" "+d.Name)
			}
		}
	}
	if err := r.detachStale(ctx, req.NamespacedName, deps); err != nil {
		return ctrl.Result{}, err
	}
	if rb == nil || !rb.DeletionTimestamp.IsZero() {
		return ctrl.Result{}, nil
	}
	if !active {
		return ctrl.Result{}, r.setCondition(ctx, rb, nil)
	}
	log.V(4).Info("Distributed dependencies", "dependencies", len(deps), "missing", len(missing), "clusters", len(rb.Spec.Clusters))
	cond := &metav1.Condition{Status: metav1.ConditionTrue, Reason: ReasonDistributed, Message: distributedMessage(len(deps))}
	if len(missing) > 0 {
		cond.Status, cond.Reason = metav1.ConditionFalse, ReasonDependencyNotFound
		cond.Message = "not found in the control plane, propagated once created: " + strings.Join(missing, ", ")
	}
	return ctrl.Result{}, r.setCondition(ctx, rb, cond)
}

func distributedMessage(n int) string {
	switch n {
	case 0:
		return "the workload references no ConfigMap, Secret, ServiceAccount or PersistentVolumeClaim"
	case 1:
		return "1 dependency follows the workload"
	}
	return fmt.Sprintf("%d dependencies follow the workload", n)
}

// templateError is a template whose dependencies cannot be read.
type templateError struct{ error }

// dependencies reads the binding's template and what it references; false
// when the template is gone (its binding goes with it).
func (r *Reconciler) dependencies(ctx context.Context, rb *workv1alpha2.ResourceBinding) ([]interpreter.Dependency, bool, error) {
	ref := rb.Spec.Resource
	gv, err := schema.ParseGroupVersion(ref.APIVersion)
	if err != nil {
		return nil, false, templateError{err}
	}
	if !interpreter.For(gv.WithKind(ref.Kind)).Handles(interpreter.OperationInterpretDependency) {
		return nil, true, nil
	}
	m, err := r.Mapper.RESTMapping(gv.WithKind(ref.Kind).GroupKind(), gv.Version)
	if err != nil {
		return nil, false, err
	}
	tpl, err := r.Dynamic.Resource(m.Resource).Namespace(ref.Namespace).Get(ctx, ref.Name, metav1.GetOptions{})
	if apierrors.IsNotFound(err) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	if ref.UID != "" && tpl.GetUID() != ref.UID {
		// A new object of the same name: its binding is being replaced.
		return nil, false, nil
	}
	deps, err := interpreter.For(tpl.GroupVersionKind()).GetDependencies(tpl)
	if err != nil {
		return nil, false, templateError{err}
	}
	return deps, true, nil
}

// setCondition writes (or, with nil, removes) this controller's condition
// on the binding when it changed.
func (r *Reconciler) setCondition(ctx context.Context, rb *workv1alpha2.ResourceBinding, want *metav1.Condition) error {
	have := apimeta.FindStatusCondition(rb.Status.Conditions, ConditionDependenciesDistributed)
	conditions := []metav1.Condition{}
	if want != nil {
		want.Type, want.ObservedGeneration = ConditionDependenciesDistributed, rb.Generation
		want.LastTransitionTime = metav1.NewTime(r.Clock.Now())
		if have != nil && have.Status == want.Status {
			if have.Reason == want.Reason && have.Message == want.Message && have.ObservedGeneration == want.ObservedGeneration {
				return nil
			}
			want.LastTransitionTime = have.LastTransitionTime
		}
		if want.Status == metav1.ConditionFalse && (have == nil || have.Reason != want.Reason || have.Message != want.Message) {
			r.Recorder.Eventf(rb, nil, corev1.EventTypeWarning, want.Reason, "DistributeDependencies", "%s", want.Message)
		}
		conditions = append(conditions, *want)
	} else if have == nil {
		return nil
	}
	status := struct {
		Conditions []metav1.Condition `json:"conditions"`
	}{conditions}
	return client.IgnoreNotFound(patch.ApplyStatus(ctx, r.Client, rb, workv1alpha2.GVK(rb), status, fieldOwner))
}
